output "routes" {
  description = "Route specs for gateway-core: chat completions (streaming when enabled), models, embeddings, responses (POST, GET and DELETE) and one POST /v1/prompts/<name> per prompt template."
  value       = local.routes
}

output "function_name" {
  description = "Name of the LLM gateway function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the LLM gateway function."
  value       = module.function.function_arn

  # The function's inputs the lambda-function module cannot judge: checked at plan.
  precondition {
    condition     = local.config_source != "extension" || var.parameters_extension_layer_arn != null
    error_message = "config_source = \"extension\" needs parameters_extension_layer_arn (the AWS Parameters and Secrets Lambda extension layer for this region/architecture), or set config_source = \"sdk\"."
  }
  precondition {
    condition     = length(local.layers) == 0 || local.extension_layer_parts[6] == local.extension_layer_name
    error_message = "parameters_extension_layer_arn names layer ${local.extension_layer_parts[6]}, but an ${var.architecture} function needs ${local.extension_layer_name} (the extension is published once per architecture)."
  }
  precondition {
    condition     = length(local.layers) == 0 || local.extension_layer_region == local.region
    error_message = "parameters_extension_layer_arn is in region ${local.extension_layer_region}, but the function runs in ${local.region}: use the extension's ARN for ${local.region} (AWS Lambda documentation, AWS Parameters and Secrets Lambda Extension ARNs)."
  }
}

output "function_version" {
  description = "Version published by this apply."
  value       = module.function.function_version
}

output "function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed package (equals dist/manifest.json)."
  value       = module.function.function_source_code_hash
}

output "alias_arn" {
  description = "ARN of the `live` alias that API Gateway invokes."
  value       = module.function.alias_arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = module.function.log_group_name
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

output "architecture" {
  description = "Architecture the function runs on (null when create = false)."
  value       = try(module.function.function.architectures[0], null)
}
