output "rest_api_id" {
  description = "ID of the REST API in the sandbox."
  value       = module.gateway.rest_api_id
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = module.gateway.stage_name
}

output "openapi_document" {
  description = "The API's OpenAPI document (what `aigw serve` serves)."
  value       = module.gateway.openapi_document
}

output "llm_function_name" {
  description = "Name of the LLM gateway function."
  value       = module.gateway.llm_function_name
}

output "llm_function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed LLM gateway package (equals dist/manifest.json)."
  value       = module.gateway.llm_function_source_code_hash
}

output "llm_config_parameter_name" {
  description = "SSM parameter holding the LLM gateway's config document."
  value       = module.gateway.llm_config_parameter_name
}

output "authorizer_function_name" {
  description = "The Lambda authorizer."
  value       = module.gateway.authorizer_function_name
}

output "usage_plan_ids" {
  description = "Usage plan id per tier."
  value       = module.gateway.usage_plan_ids
}

output "access_log_group_name" {
  description = "Stage access log group."
  value       = module.gateway.access_log_group_name
}

output "cli_environment" {
  description = "Environment for `aigw tenants|keys|usage` against the sandbox."
  value       = module.gateway.cli_environment
}

output "kms_key_arn" {
  description = "The environment key (from the local key stack) that encrypts the gateway's data."
  value       = var.kms_key_arn
}

output "stage_cache" {
  description = "The stage cache: enabled, cluster_size and the cached routes (what `aigw serve` emulates)."
  value       = module.gateway.stage_cache
}

output "release" {
  description = "What `aigw release` acts on (REST API, stage, deployments, LLM alias and version, canary alarms)."
  value       = module.gateway.release
}

output "function_names" {
  description = "Every Lambda function of the gateway by label."
  value       = module.gateway.function_names
}

output "route_keys" {
  description = "Route keys by family."
  value       = module.gateway.route_keys
}

output "sagemaker_endpoint_names" {
  description = "SageMaker endpoint name by SageMaker route name."
  value       = module.gateway.sagemaker_endpoint_names
}

output "vpc_link_ids" {
  description = "VPC link id by private back end (the --vpc-link-backend ID of `aigw serve`)."
  value       = module.gateway.vpc_link_ids
}

output "ai_services_role_name" {
  description = "Role API Gateway assumes to call the AI services."
  value       = module.gateway.ai_services_role_name
}

output "upload_bucket_name" {
  description = "The upload bucket in the sandbox (POST /v1/uploads signs PUTs into it; docs/uploads.md)."
  value       = module.gateway.upload_bucket_name
}
