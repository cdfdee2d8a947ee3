output "routes" {
  description = "Route specs for gateway-core: chat completions (streaming when enabled), models, embeddings, responses (POST, GET and DELETE) and one POST /v1/prompts/<name> per prompt template."
  value       = local.routes
}

output "function_name" {
  description = "Name of the LLM gateway function."
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "function_arn" {
  description = "ARN of the LLM gateway function."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "function_version" {
  description = "Version published by this apply."
  value       = try(aws_lambda_function.this[0].version, null)
}

output "function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed package (equals dist/manifest.json)."
  value       = try(aws_lambda_function.this[0].source_code_hash, null)
}

output "alias_arn" {
  description = "ARN of the `live` alias that API Gateway invokes."
  value       = try(aws_lambda_alias.live[0].arn, null)
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "usage_table_name" {
  description = "DynamoDB table of token budgets (and the response cache)."
  value       = try(aws_dynamodb_table.usage[0].name, null)
}

output "usage_table_arn" {
  description = "ARN of the usage table."
  value       = try(aws_dynamodb_table.usage[0].arn, null)
}

output "config_parameter_name" {
  description = "SSM parameter holding the config document."
  value       = try(aws_ssm_parameter.config[0].name, null)
}

output "config_document" {
  description = "The rendered config document (no secrets: providers reference Secrets Manager ARNs)."
  value       = local.config_document
}

output "kms_key_arn" {
  description = "KMS key protecting the module's data (created or given)."
  value       = local.kms_key_arn
}

output "metrics_namespace" {
  description = "CloudWatch namespace of the gateway's EMF metrics."
  value       = var.metrics_namespace
}
