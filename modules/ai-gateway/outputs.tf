output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.gateway.rest_api_id
}

output "stage_name" {
  description = "Name of the stage."
  value       = module.gateway.stage_name
}

output "stage_invoke_url" {
  description = "Base URL for OpenAI clients (`base_url`, with the stage and /v1 appended by the routes)."
  value       = module.gateway.stage_invoke_url

  # The stage writes access and execution logs, which API Gateway accepts only when the
  # account's CloudWatch Logs role is set for the account and region; Terraform cannot read
  # that setting at plan time, so a deployed gateway must name who owns it. The sandbox
  # does not model the setting (ADR 0092).
  precondition {
    condition     = var.sandbox_mode || var.create_account_cloudwatch_role || var.account_cloudwatch_role_arn != null
    error_message = "The gateway's stage writes access and execution logs, which API Gateway accepts only when the account's CloudWatch Logs role is set for this account and region (a fresh account or region fails with \"CloudWatch Logs role ARN must be set in account settings to enable logging\"), and Terraform cannot read that setting at plan time. Set account_cloudwatch_role_arn to the role envs/_bootstrap created (its output account_cloudwatch_role_arn, after `make bootstrap ENV=<env>`) or to the role another stack set, or create_account_cloudwatch_role = true where no other stack owns the setting."
  }
}

output "openapi_document" {
  description = "The rendered OpenAPI document of the API (docs, SDK generation, `aigw serve`)."
  value       = module.gateway.openapi_document
}

output "usage_plan_ids" {
  description = "Usage plan id per tier (named <name>-<tier>; `aigw keys create` links tenants to them)."
  value       = module.gateway.usage_plan_ids
}

output "access_log_group_name" {
  description = "Stage access log group."
  value       = module.gateway.access_log_group_name
}

output "web_acl_arn" {
  description = "ARN of the web ACL (null when WAF is off)."
  value       = local.waf_enabled ? module.waf.web_acl_arn : null
}

output "llm_function_name" {
  description = "The LLM gateway function."
  value       = module.llm.function_name
}

output "llm_function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed LLM gateway package."
  value       = module.llm.function_source_code_hash
}

output "llm_config_parameter_name" {
  description = "SSM parameter holding the LLM gateway's config document."
  value       = module.llm.config_parameter_name
}

output "usage_table_name" {
  description = "Token usage table (`aigw usage show --usage-table`)."
  value       = module.llm.usage_table_name
}

output "authorizer_function_name" {
  description = "The Lambda authorizer."
  value       = module.authorizer.function_name
}

output "tenants_table_name" {
  description = "Tenants table (`aigw tenants … --tenants-table`)."
  value       = module.authorizer.tenants_table_name
}

output "keys_table_name" {
  description = "API keys table (`aigw keys … --keys-table`)."
  value       = module.authorizer.keys_table_name
}

output "cli_environment" {
  description = "Environment for the aigw CLI against this gateway (tables, stage, usage plan prefix)."
  value = {
    AIGW_TENANTS_TABLE     = module.authorizer.tenants_table_name
    AIGW_KEYS_TABLE        = module.authorizer.keys_table_name
    AIGW_USAGE_TABLE       = module.llm.usage_table_name
    AIGW_STAGE             = var.stage_name
    AIGW_USAGE_PLAN_PREFIX = var.name
  }
}

output "alarm_topic_arn" {
  description = "SNS topic the gateway's alarms notify (null when observability is off)."
  value       = module.observability.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the gateway."
  value       = module.observability.dashboard_name
}

################################################################################
# Route families (names for observability and the CLI, all from module outputs)
################################################################################

output "route_keys" {
  description = "Route keys by family: llm, sagemaker, ai_services, private_backends, http_backends, extra (keys of extra_routes)."
  value = merge(
    { for f, rs in local.family_routes : f => sort(keys(rs)) },
    { extra = sort(keys(var.extra_routes)) },
  )

  precondition {
    condition     = length(local.colliding_routes) == 0
    error_message = "extra_routes reuses route keys of the route families: ${join(", ", sort(tolist(local.colliding_routes)))}. Rename them (the families' keys start with sagemaker_, ai_, private_, http_ or are the LLM routes')."
  }
}

output "routes" {
  description = "Method and path of every route by family and route key (per-route metrics: API Gateway's Method and Resource dimensions)."
  value = {
    for f, rs in merge(local.family_routes, { extra = var.extra_routes }) : f => {
      for k, r in rs : k => { method = upper(r.method), path = r.path }
    }
  }
}

output "function_names" {
  description = "Every Lambda function of the gateway by label: llm, authorizer and (SageMaker endpoints in lambda mode) sagemaker_proxy."
  value = merge(
    { llm = module.llm.function_name, authorizer = module.authorizer.function_name },
    local.sagemaker_proxy_function_name != null ? { sagemaker_proxy = local.sagemaker_proxy_function_name } : {},
  )
}

output "sagemaker_endpoint_names" {
  description = "SageMaker endpoint name by SageMaker route name (both modes)."
  value       = local.sagemaker_endpoint_names
}

output "sagemaker_created_endpoint_arns" {
  description = "ARNs of the SageMaker endpoints the gateway created, by route name."
  value       = local.sagemaker_created_endpoint_arns
}

output "sagemaker_proxy_function_name" {
  description = "The SageMaker proxy function (null without endpoints in lambda mode)."
  value       = local.sagemaker_proxy_function_name
}

output "sagemaker_apigateway_role_arn" {
  description = "ARN of the role API Gateway assumes to invoke SageMaker endpoints in direct mode (null without them)."
  value       = local.sagemaker_apigateway_role_arn
}

output "ai_services_role_name" {
  description = "Role API Gateway assumes to call the AI services (null without ai_services)."
  value       = local.ai_services_role_name
}

output "ai_services_allowed_actions" {
  description = "The IAM actions the AI services role holds (only the enabled services')."
  value       = local.ai_services_allowed_actions
}

output "vpc_link_ids" {
  description = "VPC link id (v1 for nlb back ends, v2 for alb ones) by private back end key: the connectionId of its routes."
  value       = local.private_backend_connection_ids
}

output "nlb_arns" {
  description = "Internal NLB ARN by private back end key (nlb back ends only)."
  value       = { for k, m in module.vpc_link : k => m.nlb_arn if m.nlb_arn != null }
}

output "target_group_arns" {
  description = "NLB target group ARNs by private back end key and target group key."
  value       = { for k, m in module.vpc_link : k => m.target_group_arns }
}
