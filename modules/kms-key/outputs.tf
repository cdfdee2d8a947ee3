output "key_arn" {
  description = "ARN of the key in use: the one created here, or key_arn when given (null when create = false)."
  value       = var.create ? (local.create_key ? aws_kms_key.this[0].arn : var.key_arn) : null
}

output "key_created" {
  description = "Whether this module created the key (false when key_arn was given or create = false)."
  value       = local.create_key
}

output "key_id" {
  description = "ID of the key created here (null when a key was given or create = false)."
  value       = try(aws_kms_key.this[0].key_id, null)
}

output "alias_name" {
  description = "Full alias name, `alias/...` (null without an alias)."
  value       = try(aws_kms_alias.this[0].name, null)
}

output "key_policy" {
  description = "The key policy document (JSON), for review and tests."
  value       = try(aws_kms_key.this[0].policy, null)
}
