# The remote state bucket of a deployed environment (versioned, KMS-encrypted, public
# access blocked, TLS only). The local env keeps its state on disk and has none.

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:server access logs of the state bucket need a separate log bucket per account; CloudTrail data events are the recommended audit trail
  #checkov:skip=CKV_AWS_144:cross-region replication of state is a disaster-recovery choice of the platform team; versioning keeps every state revision
  #checkov:skip=CKV2_AWS_62:state changes need no event notifications
  count = local.create_state_bucket ? 1 : 0

  bucket = local.bucket
}

resource "aws_s3_bucket_versioning" "state" {
  count = local.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  count = local.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.kms_key.key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  count = local.create_state_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.state[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  count = local.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  count = local.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  rule {
    id     = "expire-superseded-state"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  count = local.create_state_bucket ? 1 : 0

  bucket = aws_s3_bucket.state[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.state[0].arn, "${aws_s3_bucket.state[0].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.state]
}
