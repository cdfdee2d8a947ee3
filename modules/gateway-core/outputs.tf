output "rest_api_id" {
  description = "ID of the REST API."
  value       = try(aws_api_gateway_rest_api.this[0].id, null)
}

output "rest_api_name" {
  description = "Name of the REST API (the ApiName dimension of the API Gateway metrics)."
  value       = try(aws_api_gateway_rest_api.this[0].name, null)
}

output "rest_api_arn" {
  description = "ARN of the REST API."
  value       = try(aws_api_gateway_rest_api.this[0].arn, null)
}

output "rest_api_execution_arn" {
  description = "Execution ARN of the REST API (prefix of execute-api source ARNs)."
  value       = try(aws_api_gateway_rest_api.this[0].execution_arn, null)
}

output "deployment_id" {
  description = "ID of the deployment the stage serves (during a canary release on a pinned base: the base)."
  value       = try(aws_api_gateway_deployment.this[0].id, null)
}

output "deployment_key" {
  description = "Key of the deployment the stage serves, \"<document sha1>.<policy sha1>\": pass it as canary.base_deployment_key to pin the stage during the next canary release."
  value       = try("${aws_api_gateway_deployment.this[0].triggers.redeployment}.${aws_api_gateway_deployment.this[0].triggers.policy}", null)
}

output "canary_deployment_id" {
  description = "ID of the deployment the stage's canary serves (null without a canary on a pinned base)."
  value       = try(aws_api_gateway_deployment.canary[0].id, null)
}

output "stage_name" {
  description = "Name of the stage (the Stage dimension of the API Gateway metrics)."
  value       = try(aws_api_gateway_stage.this[0].stage_name, null)
}

output "stage_arn" {
  description = "ARN of the stage (the resource the WAF web ACL is associated with)."
  value       = try(aws_api_gateway_stage.this[0].arn, null)
}

output "stage_execution_arn" {
  description = "Execution ARN of the stage."
  value       = try(aws_api_gateway_stage.this[0].execution_arn, null)
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage (https://<api id>.execute-api.<region>.amazonaws.com/<stage>)."
  value       = try(aws_api_gateway_stage.this[0].invoke_url, null)
}

output "openapi_document" {
  description = "The rendered OpenAPI 3.0 document (JSON) that defines the REST API."
  value       = local.openapi_document
}

output "usage_plan_ids" {
  description = "Usage plan id per tier."
  value       = { for k, p in aws_api_gateway_usage_plan.this : k => p.id }
}

output "access_log_group_name" {
  description = "Name of the access log group."
  value       = try(aws_cloudwatch_log_group.access[0].name, null)
}

output "access_log_group_arn" {
  description = "ARN of the access log group."
  value       = try(aws_cloudwatch_log_group.access[0].arn, null)
}

output "execution_log_group_name" {
  description = "Name of the execution log group (null when create_execution_log_group = false)."
  value       = try(aws_cloudwatch_log_group.execution[0].name, null)
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the log groups (given or created)."
  value       = local.create ? local.kms_key_arn : null
}

output "web_acl_association_id" {
  description = "ID of the WAF association (null when none)."
  value       = try(aws_wafv2_web_acl_association.this[0].id, null)
}

output "lambda_permission_statement_ids" {
  description = "Lambda permission statement id per invoked function (key: function name, or function:qualifier); one per function whatever the number of routes."
  value       = { for k, p in aws_lambda_permission.function : k => p.statement_id }
}

output "domain_regional_domain_name" {
  description = "Regional domain name of the custom domain (target of the DNS alias record)."
  value       = try(aws_api_gateway_domain_name.this[0].regional_domain_name, null)
}

output "domain_regional_zone_id" {
  description = "Hosted zone id of the custom domain's regional endpoint (for the DNS alias record)."
  value       = try(aws_api_gateway_domain_name.this[0].regional_zone_id, null)
}

output "stage_cache" {
  description = "The stage cache: enabled (at least one route has cache.enabled), cluster_size (GB; null when disabled), unauthorized_cache_control_header_strategy and routes (route key => { method_path, ttl_seconds, key_parameters }). `aigw cache flush` flushes it; `aigw serve` emulates it."
  value = {
    enabled      = local.create && length(local.cached_routes) > 0
    cluster_size = local.create && length(local.cached_routes) > 0 ? var.cache_cluster_size : null
    # What a Cache-Control: max-age=0 without execute-api:InvalidateCache gets.
    unauthorized_cache_control_header_strategy = var.unauthorized_cache_control_header_strategy
    routes = {
      for k, r in local.cached_routes : k => {
        method_path    = local.method_setting_paths[k]
        ttl_seconds    = r.cache.ttl_seconds
        key_parameters = r.cache.key_parameters
      }
    }
  }
}

output "domain_url" {
  description = "URL of the API through the custom domain: https://<domain_name>[/<base_path>] (the stage is the mapping's; null without a domain)."
  value       = local.create && var.domain != null ? "https://${var.domain.domain_name}${try(var.domain.base_path, null) != null ? "/${var.domain.base_path}" : ""}" : null
}

output "domain_record_fqdn" {
  description = "Name of the Route 53 alias record of the custom domain (null when domain.hosted_zone_id is not set)."
  value       = try(aws_route53_record.domain[0].fqdn, null)
}

output "private_endpoint_urls" {
  description = "PRIVATE API: invoke URL per execute-api VPC endpoint, https://<api id>-<vpce id>.execute-api.<region>.amazonaws.com/<stage> (works without private DNS on the endpoint; with it, stage_invoke_url works inside the VPC). Empty for REGIONAL."
  value = local.create && var.endpoint_type == "PRIVATE" ? {
    for id in var.vpc_endpoint_ids : id => "https://${aws_api_gateway_rest_api.this[0].id}-${id}.execute-api.${data.aws_region.current.id}.${data.aws_partition.current.dns_suffix}/${aws_api_gateway_stage.this[0].stage_name}"
  } : {}
}

output "endpoint_configuration" {
  description = "The REST API's endpoint as created: type (REGIONAL | PRIVATE), vpc_endpoint_ids (PRIVATE), disable_execute_api_endpoint."
  value = local.create ? {
    type                         = one(aws_api_gateway_rest_api.this[0].endpoint_configuration[0].types)
    vpc_endpoint_ids             = try(tolist(aws_api_gateway_rest_api.this[0].endpoint_configuration[0].vpc_endpoint_ids), [])
    disable_execute_api_endpoint = aws_api_gateway_rest_api.this[0].disable_execute_api_endpoint
  } : null
}

output "resource_policy" {
  description = "The REST API's resource policy as set (the given one, or for PRIVATE the generated VPC-endpoint policy; null for a REGIONAL API without one)."
  value       = try(aws_api_gateway_rest_api.this[0].policy, null)
}

output "domain" {
  description = "The custom domain as created: domain_name, certificate_arn, security_policy, base_path and stage_name of its mapping, record_zone_id (the hosted zone of the alias record, or null); null without domain."
  value = length(aws_api_gateway_domain_name.this) > 0 ? {
    domain_name     = aws_api_gateway_domain_name.this[0].domain_name
    certificate_arn = aws_api_gateway_domain_name.this[0].regional_certificate_arn
    security_policy = aws_api_gateway_domain_name.this[0].security_policy
    base_path       = aws_api_gateway_base_path_mapping.this[0].base_path
    stage_name      = aws_api_gateway_base_path_mapping.this[0].stage_name
    record_zone_id  = try(aws_route53_record.domain[0].zone_id, null)
  } : null
}
