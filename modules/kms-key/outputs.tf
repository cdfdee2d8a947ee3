output "key_arn" {
  description = "ARN of the key (null when create = false)."
  value       = try(aws_kms_key.this[0].arn, null)
}

output "key_id" {
  description = "ID of the key (null when create = false)."
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
