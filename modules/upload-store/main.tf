# The upload bucket: objects clients PUT with a pre-signed URL from POST /v1/uploads and
# that routes then read by reference (ADR 0137). Every object lives under
# tenants/<tenant>/; who may write and read there is decided by the IAM policies of the
# LLM gateway function and the AI service role, built from this module's outputs.

locals {
  # The one prefix scheme: tenants/<tenant id>/<upload id>.
  key_prefix = "tenants/"

  kms_key_arn = module.kms_key.key_arn
  bucket_arn  = try(aws_s3_bucket.this[0].arn, null)
}

module "kms_key" {
  source = "../kms-key"

  create               = var.create
  key_arn              = var.kms_key_arn
  create_key           = var.create_kms_key
  description          = "aigw: encrypts the uploads in s3://${var.bucket_name}"
  alias                = "aigw/uploads/${var.bucket_name}"
  deletion_window_days = var.kms_key_deletion_window_days

  tags = var.tags
}

resource "aws_s3_bucket" "this" {
  count = var.create ? 1 : 0

  #checkov:skip=CKV_AWS_144:uploads are short-lived request inputs (lifecycle expiry in days); replicating them to a second region would outlive their purpose (docs/adr/0137-uploads-by-presigned-put-under-a-tenant-prefix.md)
  #checkov:skip=CKV_AWS_21:versioning is off on purpose: an upload is written once and expires; noncurrent versions would keep overwritten or expired uploads beyond the lifecycle rule (docs/adr/0137-uploads-by-presigned-put-under-a-tenant-prefix.md)
  #checkov:skip=CKV2_AWS_62:no consumer reacts to uploads; the routes read them by reference when called
  #checkov:skip=CKV_AWS_18:server access logging is opt-in (access_log_bucket): it needs a log bucket the caller owns; CloudTrail S3 data events are the documented alternative (docs/uploads.md)
  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.kms_key_arn != null
      error_message = "The upload bucket must be encrypted with a customer-managed KMS key: set kms_key_arn, or leave create_kms_key null/true so the module creates one."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = var.create ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = local.kms_key_arn
    }
    # One data key per bucket and period instead of one KMS call per object.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    id     = "expire-uploads"
    status = "Enabled"
    filter {}
    expiration {
      days = var.expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_logging" "this" {
  count = var.create && var.access_log_bucket != null ? 1 : 0

  bucket        = aws_s3_bucket.this[0].id
  target_bucket = var.access_log_bucket
  target_prefix = var.access_log_prefix
}

resource "aws_s3_bucket_policy" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Pre-signed URLs included: a plain-HTTP request is refused whoever signed it.
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyTlsBelow12"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
      {
        # Objects land only under tenants/<tenant>/ (IAM decides which tenant's).
        Sid       = "DenyWritesOutsideTenantPrefix"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        NotResource = [
          "${aws_s3_bucket.this[0].arn}/${local.key_prefix}*",
        ]
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}
