output "authorizer" {
  description = "Authorizer spec for gateway-core's `authorizer` input (always a REQUEST authorizer); null when create = false."
  value = var.create ? {
    name                 = coalesce(var.security_scheme_name, var.name)
    lambda_invoke_arn    = module.function.invoke_arn
    lambda_function_name = module.function.function_name
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

output "function_name" {
  description = "Name of the authorizer Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = module.function.function_arn
}

output "lambda_function_name" {
  description = "Deprecated: use function_name; removed in 0.3.0."
  value       = module.function.function_name
}

output "lambda_function_arn" {
  description = "Deprecated: use function_arn; removed in 0.3.0."
  value       = module.function.function_arn
}

output "role_arn" {
  description = "ARN of the authorizer's execution role."
  value       = module.function.role_arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the tables, log group and Lambda environment."
  value       = var.create ? local.kms_key_arn : null
}

output "log_group_name" {
  description = "Log group of the authorizer Lambda."
  value       = module.function.log_group_name
}

output "cli_environment" {
  description = "Environment variables for the aigw tenants/keys commands against this deployment."
  value = var.create ? {
    AIGW_STAGE         = local.stage_name
    AIGW_TENANTS_TABLE = aws_dynamodb_table.tenants[0].name
    AIGW_KEYS_TABLE    = aws_dynamodb_table.keys[0].name
  } : {}
}

output "architecture" {
  description = "Architecture the function runs on (null when create = false)."
  value       = try(module.function.function.architectures[0], null)
}
