output "function_name" {
  description = "Name of the function (null when create = false)."
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "function_arn" {
  description = "ARN of the function (unqualified)."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "invoke_arn" {
  description = "API Gateway invocation URI of the unqualified function."
  value       = try(aws_lambda_function.this[0].invoke_arn, null)
}

output "function_version" {
  description = "Version published by this apply (`$LATEST` when publish = false)."
  value       = try(aws_lambda_function.this[0].version, null)
}

output "function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed package (equals dist/manifest.json)."
  value       = try(aws_lambda_function.this[0].source_code_hash, null)
}

output "alias_name" {
  description = "Name of the `live` alias (null when publish = false)."
  value       = try(aws_lambda_alias.live[0].name, null)
}

output "alias_arn" {
  description = "ARN of the `live` alias (null when publish = false)."
  value       = try(aws_lambda_alias.live[0].arn, null)
}

output "alias_invoke_arn" {
  description = "API Gateway invocation URI of the `live` alias (null when publish = false)."
  value       = try(aws_lambda_alias.live[0].invoke_arn, null)
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "role_policy" {
  description = "The role's inline policy document (JSON), for review and tests."
  value       = try(aws_iam_role_policy.this[0].policy, null)
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = try(aws_cloudwatch_log_group.this[0].arn, null)
}

output "kms_key_arn" {
  description = "KMS key of the log group and environment (created or given; null when create = false)."
  value       = local.kms_key_arn
}

output "kms_key_policy" {
  description = "Policy of the created KMS key (JSON; null when the key is given)."
  value       = module.kms_key.key_policy
}

output "function" {
  description = "The function resource with all its attributes (null when create = false), for callers' tests and reviews."
  value       = one(aws_lambda_function.this)
}

output "log_group" {
  description = "The log group resource with all its attributes (null when create = false)."
  value       = one(aws_cloudwatch_log_group.this)
}

output "alias" {
  description = "The `live` alias resource with all its attributes (null when publish = false)."
  value       = one(aws_lambda_alias.live)
}

output "account_id" {
  description = "Account the function is deployed in (\"\" when create = false)."
  value       = local.account_id
}

output "region" {
  description = "Region the function is deployed in (\"\" when create = false)."
  value       = local.region
}

output "partition" {
  description = "Partition of the account (`aws` when create = false)."
  value       = local.partition
}
