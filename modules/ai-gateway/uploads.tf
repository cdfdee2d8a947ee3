# Large payloads by upload (ADR 0139): the upload bucket, handed to the LLM route (which
# signs the PUT URLs and lets Bedrock read the objects) and, through local.upload_refs,
# to any AI service route that reads media by reference.

data "aws_caller_identity" "uploads" {
  count = local.uploads_enabled && var.uploads.bucket_name == null ? 1 : 0
}

locals {
  uploads_enabled = var.create && var.uploads.enabled

  upload_bucket_name = coalesce(
    var.uploads.bucket_name,
    "${var.name}-uploads-${try(data.aws_caller_identity.uploads[0].account_id, "000000000000")}",
  )

  # What llm-route and ai-service-route take as `uploads` (null when off).
  upload_refs = local.uploads_enabled ? module.uploads.uploads : null

  llm_uploads = local.uploads_enabled ? {
    bucket_name     = module.uploads.bucket_name
    bucket_arn      = module.uploads.bucket_arn
    kms_key_arn     = module.uploads.kms_key_arn
    key_prefix      = module.uploads.key_prefix
    max_bytes       = var.uploads.max_bytes
    url_ttl_seconds = var.uploads.url_ttl_seconds
    content_types   = var.uploads.content_types
  } : null
}

module "uploads" {
  source = "../upload-store"

  create            = local.uploads_enabled
  bucket_name       = local.upload_bucket_name
  expiration_days   = var.uploads.expiration_days
  access_log_bucket = var.uploads.access_log_bucket
  # Sandboxes and gateways without deletion protection can be destroyed with uploads left.
  force_destroy  = !local.deletion_protection
  create_kms_key = local.kms_key_arn == null
  kms_key_arn    = local.kms_key_arn
  tags           = var.tags
}

output "upload_bucket_name" {
  description = "The upload bucket (null when uploads are off)."
  value       = module.uploads.bucket_name
}
