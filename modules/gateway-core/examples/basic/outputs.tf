output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.gateway.rest_api_id
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage."
  value       = module.gateway.stage_invoke_url
}

output "access_log_group_name" {
  description = "Access log group."
  value       = module.gateway.access_log_group_name
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = module.gateway.openapi_document
}
