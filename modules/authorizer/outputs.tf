output "authorizer" {
  description = "Authorizer spec for gateway-core's `authorizer` input (always a REQUEST authorizer); null when create = false."
  value = var.create ? {
    name                 = coalesce(var.security_scheme_name, var.name)
    lambda_invoke_arn    = aws_lambda_function.this[0].invoke_arn
    lambda_function_name = aws_lambda_function.this[0].function_name
    identity_sources     = var.identity_sources
    result_ttl_seconds   = var.result_ttl_seconds
    credentials_role_arn = null
  } : null
}

output "tenants_table_name" {
  description = "Name of the tenants table (AIGW_TENANTS_TABLE for the aigw CLI)."
  value       = try(aws_dynamodb_table.tenants[0].name, null)
}

output "tenants_table_arn" {
  description = "ARN of the tenants table."
  value       = try(aws_dynamodb_table.tenants[0].arn, null)
}

output "keys_table_name" {
  description = "Name of the keys table (AIGW_KEYS_TABLE for the aigw CLI)."
  value       = try(aws_dynamodb_table.keys[0].name, null)
}

output "keys_table_arn" {
  description = "ARN of the keys table."
  value       = try(aws_dynamodb_table.keys[0].arn, null)
}

output "lambda_function_name" {
  description = "Name of the authorizer Lambda function."
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "lambda_function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "role_arn" {
  description = "ARN of the authorizer's execution role."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "kms_key_arn" {
  description = "KMS key encrypting the tables, log group and Lambda environment."
  value       = var.create ? local.kms_key_arn : null
}

output "log_group_name" {
  description = "Log group of the authorizer Lambda."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "cli_environment" {
  description = "Environment variables for the aigw tenants/keys commands against this deployment."
  value = var.create ? {
    AIGW_STAGE         = var.stage
    AIGW_TENANTS_TABLE = aws_dynamodb_table.tenants[0].name
    AIGW_KEYS_TABLE    = aws_dynamodb_table.keys[0].name
  } : {}
}
