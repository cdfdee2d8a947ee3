# The API's edge: where clients call it and what DNS points at (docs/edge.md).

output "invoke_url" {
  description = "The URL clients call: the custom domain's (https://<domain_name>[/<base_path>], the stage is the mapping's) when domain is set, otherwise the stage's invoke URL (for a PRIVATE API it resolves inside the VPC when the endpoint has private DNS; else use private_endpoint_urls)."
  value       = module.gateway.domain_url != null ? module.gateway.domain_url : module.gateway.stage_invoke_url
}

output "domain_target" {
  description = "DNS target of the custom domain: domain_name (the regional endpoint, d-….execute-api.<region>.amazonaws.com) and hosted_zone_id (its zone) for an alias record; null without domain. With domain.hosted_zone_id the module writes the record itself (domain_record_fqdn)."
  value = var.domain != null && var.create ? {
    domain_name    = module.gateway.domain_regional_domain_name
    hosted_zone_id = module.gateway.domain_regional_zone_id
  } : null
}

output "domain_record_fqdn" {
  description = "The Route 53 alias record the module wrote for the custom domain (null without domain.hosted_zone_id)."
  value       = module.gateway.domain_record_fqdn
}

output "private_endpoint_urls" {
  description = "PRIVATE API: invoke URL per VPC endpoint (https://<api id>-<vpce id>.execute-api.<region>.amazonaws.com/<stage>); empty for REGIONAL."
  value       = module.gateway.private_endpoint_urls
}
