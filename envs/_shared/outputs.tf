output "stage_invoke_url" {
  description = "Base URL of the gateway (OpenAI clients: base_url = <this>/v1 is already in the routes' paths)."
  value       = module.gateway.stage_invoke_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.gateway.rest_api_id
}

output "usage_plan_ids" {
  description = "Usage plan id per tier."
  value       = module.gateway.usage_plan_ids
}

output "web_acl_arn" {
  description = "ARN of the web ACL in front of the stage."
  value       = module.gateway.web_acl_arn
}

output "cli_environment" {
  description = "Environment for `aigw tenants|keys|usage` against this gateway."
  value       = module.gateway.cli_environment
}

output "openapi_document" {
  description = "The API's OpenAPI document."
  value       = module.gateway.openapi_document
}

output "alarm_topic_arn" {
  description = "SNS topic of the gateway's alarms."
  value       = module.gateway.alarm_topic_arn
}

output "stage_name" {
  description = "Stage of the REST API (aigw cache flush)."
  value       = module.gateway.stage_name
}

output "stage_cache" {
  description = "The stage cache: enabled, cluster_size and the cached routes (aigw cache flush, aigw serve)."
  value       = module.gateway.stage_cache
}

output "release" {
  description = "What `aigw release` acts on (REST API, stage, deployments, LLM alias and version, canary alarms)."
  value       = module.gateway.release
}

output "invoke_url" {
  description = "The URL clients call: the custom domain's when domain is set, else the stage's."
  value       = module.gateway.invoke_url
}

output "domain_target" {
  description = "DNS target (domain_name, hosted_zone_id) of the custom domain for an alias record; null without domain."
  value       = module.gateway.domain_target
}

output "private_endpoint_urls" {
  description = "PRIVATE API: invoke URL per VPC endpoint."
  value       = module.gateway.private_endpoint_urls
}
