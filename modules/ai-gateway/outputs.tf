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
