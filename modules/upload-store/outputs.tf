output "bucket_name" {
  description = "Name of the upload bucket (null when create = false)."
  value       = try(aws_s3_bucket.this[0].bucket, null)
}

output "bucket_arn" {
  description = "ARN of the upload bucket."
  value       = local.bucket_arn
}

output "kms_key_arn" {
  description = "The key that encrypts the uploads (given or created)."
  value       = var.create ? local.kms_key_arn : null
}

output "key_prefix" {
  description = "Prefix of every object key: objects are <key_prefix><tenant id>/<upload id>."
  value       = local.key_prefix
}

output "objects_arn" {
  description = "ARN pattern of every tenant's objects (<bucket_arn>/tenants/*): the resource of the writer's and readers' IAM statements."
  value       = var.create ? "${local.bucket_arn}/${local.key_prefix}*" : null
}

output "expiration_days" {
  description = "Days an upload is kept."
  value       = var.expiration_days
}

output "uploads" {
  description = "What llm-route and ai-service-route take as their `uploads` input: bucket_name, bucket_arn, kms_key_arn, key_prefix (null when create = false)."
  value = var.create ? {
    bucket_name = aws_s3_bucket.this[0].bucket
    bucket_arn  = local.bucket_arn
    kms_key_arn = local.kms_key_arn
    key_prefix  = local.key_prefix
  } : null
}
