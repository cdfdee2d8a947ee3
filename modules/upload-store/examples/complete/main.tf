# The upload bucket with a key the caller owns, a week of retention and server access
# logs into a log bucket of the example's own.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

data "aws_caller_identity" "current" {}

locals {
  suffix = data.aws_caller_identity.current.account_id
}

module "key" {
  source = "../../../kms-key"

  description = "aigw example: encrypts the uploads"
}

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_144:example log bucket
  #checkov:skip=CKV_AWS_21:example log bucket
  #checkov:skip=CKV2_AWS_62:example log bucket
  #checkov:skip=CKV_AWS_18:the log bucket does not log itself
  #checkov:skip=CKV_AWS_145:S3 server access logs can only be delivered to an SSE-S3 bucket
  #checkov:skip=CKV2_AWS_61:example log bucket, destroyed with the example
  #checkov:skip=CKV2_AWS_6:public access is blocked below
  bucket        = "${var.name_prefix}-uploads-logs-${local.suffix}"
  force_destroy = true
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "S3ServerAccessLogs"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.logs.arn}/s3-access/*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.suffix } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

module "upload_store" {
  source = "../.."

  bucket_name       = "${var.name_prefix}-uploads-complete-${local.suffix}"
  kms_key_arn       = module.key.key_arn
  create_kms_key    = false
  expiration_days   = 7
  access_log_bucket = aws_s3_bucket.logs.bucket
  force_destroy     = true

  tags = { project = "aigw" }
}

output "uploads" {
  description = "What llm-route and ai-service-route take as `uploads`."
  value       = module.upload_store.uploads
}
