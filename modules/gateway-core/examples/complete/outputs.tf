output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.gateway.rest_api_id
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage."
  value       = module.gateway.stage_invoke_url
}

output "stage_arn" {
  description = "ARN of the stage."
  value       = module.gateway.stage_arn
}

output "usage_plan_ids" {
  description = "Usage plan id per tier."
  value       = module.gateway.usage_plan_ids
}

output "access_log_group_name" {
  description = "Access log group."
  value       = module.gateway.access_log_group_name
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = module.gateway.openapi_document
}
