# Bootstrap of an environment: its customer-managed KMS key, which encrypts the gateway's
# logs, tables, parameters and function environments (and the state), API Gateway's
# account-level CloudWatch Logs role (account_cloudwatch_role.tf, ADR 0092), and for a
# deployed environment the remote state bucket (state_bucket.tf). The local env gets the
# key and the role, in the sandbox (`make apply ENV=local` applies this stack first;
# ADR 0090).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  bucket     = coalesce(var.bucket_name, "aigw-tfstate-${local.account_id}-${var.environment}")

  # The local env lives in the sandbox only: never an AWS endpoint, even without the variable.
  sandbox             = var.environment == "local"
  sandbox_endpoint    = local.sandbox ? coalesce(var.sandbox_endpoint, "http://127.0.0.1:4599") : var.sandbox_endpoint
  sandbox_provider    = local.sandbox_endpoint != null
  create_state_bucket = !local.sandbox
}

resource "aws_kms_key" "this" {
  description             = "aigw ${var.environment}: Terraform state and the gateway's data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # In a key policy, Resource "*" means "this key".
        Sid       = "AccountAdministersAndDelegatesToIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
          "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
          "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
          "kms:RotateKeyOnDemand", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
        ]
        Resource = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisAccountAndRegion"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*" }
        }
      },
      {
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopics"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })

  lifecycle {
    precondition {
      condition     = local.sandbox || var.sandbox_endpoint == null
      error_message = "sandbox_endpoint is for environment = \"local\" (the local AWS sandbox) only: dev, staging and prod are bootstrapped in their AWS account."
    }
  }
}

resource "aws_kms_alias" "this" {
  name          = "alias/aigw-${var.environment}"
  target_key_id = aws_kms_key.this.key_id
}
