# The whole gateway in one module: authorizer → LLM route, SageMaker, AI services,
# private and HTTP back ends (+ extra routes) → WAF →
# gateway-core (REST API, stage, usage plans). Leaf modules emit data; gateway-core is
# the only one that creates API Gateway resources (docs/architecture.md "The module graph").

locals {
  # A given key is used everywhere; otherwise each module creates its own key, scoped
  # to its own log groups (a key created here would be unknown at plan time, and the
  # modules decide from the key input whether to create one).
  kms_key_arn = var.kms_key_arn

  waf_enabled         = var.create && var.waf.enabled
  deletion_protection = var.deletion_protection_enabled && !var.sandbox_mode
}

module "authorizer" {
  source = "../authorizer"

  create                         = var.create
  name                           = "${var.name}-authorizer"
  stage_name                     = var.stage_name
  package                        = { filename = var.packages.authorizer.filename, source_code_hash = var.packages.authorizer.source_code_hash }
  architecture                   = var.packages.authorizer.architecture
  security_scheme_name           = "aigw"
  result_ttl_seconds             = var.authorizer_result_ttl_seconds
  jwt_issuers                    = var.jwt_issuers
  create_kms_key                 = local.kms_key_arn == null
  kms_key_arn                    = local.kms_key_arn
  log_retention_days             = var.log_retention_days
  deletion_protection_enabled    = local.deletion_protection
  configure_lambda_logging       = !var.sandbox_mode
  point_in_time_recovery_enabled = true
  tags                           = var.tags
}

module "llm" {
  source = "../llm-route"

  create                            = var.create
  name                              = "${var.name}-llm"
  package                           = { filename = var.packages.llm_gateway.filename, source_code_hash = var.packages.llm_gateway.source_code_hash }
  architecture                      = var.packages.llm_gateway.architecture
  memory_size                       = var.llm.memory_size
  timeout                           = var.llm.timeout
  reserved_concurrent_executions    = var.llm.reserved_concurrent_executions
  provisioned_concurrent_executions = var.sandbox_mode ? 0 : var.llm.provisioned_concurrent_executions
  streaming                         = var.llm.streaming
  config_source                     = var.sandbox_mode ? "sdk" : null
  parameters_extension_layer_arn    = var.llm.parameters_extension_layer_arn
  configure_lambda_logging          = !var.sandbox_mode
  create_kms_key                    = local.kms_key_arn == null
  kms_key_arn                       = local.kms_key_arn
  log_retention_days                = var.log_retention_days
  deletion_protection_enabled       = local.deletion_protection

  providers_config     = var.llm.providers
  allow_mock_provider  = var.llm.allow_mock_provider
  secrets_kms_key_arns = var.secrets_kms_key_arns
  models               = var.llm.models
  prices               = var.llm.prices
  prompt_templates     = var.llm.prompt_templates
  routing              = var.llm.routing
  quotas               = var.llm.quotas
  response_cache       = var.llm.response_cache
  redaction            = var.llm.redaction

  responses_retention_days = var.llm.responses_retention_days
  enable_messages_routes   = var.llm.enable_messages_routes
  uploads                  = local.llm_uploads
  canary                   = one(local.llm_canary)

  tags = var.tags
}

module "waf" {
  source = "../waf"

  create                       = local.waf_enabled
  name                         = var.name
  default_action               = var.waf.default_action
  body_inspection_limit        = var.waf.body_inspection_limit
  body_size_limit_bytes        = var.waf.body_size_limit_bytes
  body_oversize_handling       = var.waf.body_oversize_handling
  route_families               = local.waf_route_families
  uri_path_prefixes            = distinct(concat(["/${var.stage_name}"], var.waf.uri_path_prefixes))
  rate_limit_per_ip            = var.waf.rate_limit_per_ip
  rate_limit_per_credential    = var.waf.rate_limit_per_credential
  ip_allowlist                 = var.waf.ip_allowlist
  ip_denylist                  = var.waf.ip_denylist
  geo_block_country_codes      = var.waf.geo_block_country_codes
  geo_allow_country_codes      = var.waf.geo_allow_country_codes
  enable_common_rule_set       = var.waf.enable_common_rule_set
  enable_sqli_rule_set         = var.waf.enable_sqli_rule_set
  enable_ip_reputation         = var.waf.enable_ip_reputation
  enable_anonymous_ip_list     = var.waf.enable_anonymous_ip_list
  enable_bot_control           = var.waf.enable_bot_control
  bot_control_inspection_level = var.waf.bot_control_inspection_level
  bot_control_count_rules      = var.waf.bot_control_count_rules
  managed_rule_group_versions  = var.waf.managed_rule_group_versions
  managed_rule_count_overrides = var.waf.managed_rule_count_overrides
  log_only_non_allowed         = var.waf.log_only_non_allowed
  redacted_headers             = var.waf.redacted_headers
  kms_key_arn                  = local.kms_key_arn
  log_retention_days           = var.log_retention_days
  tags                         = var.tags
}

module "gateway" {
  source = "../gateway-core"

  create            = var.create
  name              = var.name
  description       = "aigw AI gateway (OpenAI-compatible API)"
  routes            = local.routes
  authorizer        = module.authorizer.authorizer
  api_key_source    = "AUTHORIZER"
  web_acl_arn       = local.waf_enabled ? module.waf.web_acl_arn : null
  associate_web_acl = local.waf_enabled
  stage_name        = var.stage_name
  tiers             = var.tiers
  default_throttle  = var.default_throttle
  logging_level     = var.logging_level
  # Stage cache (cache.tf): routes opt in through their specs.
  cache_cluster_size                         = var.stage_cache.cluster_size
  unauthorized_cache_control_header_strategy = var.stage_cache.unauthorized_cache_control_header_strategy
  enable_cached_method_settings              = !var.sandbox_mode
  # The API's edge (variables_edge.tf).
  endpoint_type                = var.endpoint_type
  vpc_endpoint_ids             = var.vpc_endpoint_ids
  resource_policy              = var.resource_policy
  disable_execute_api_endpoint = var.disable_execute_api_endpoint
  domain                       = var.domain
  # The account's CloudWatch Logs role: named, or owned here. This module checks that one
  # of the two is set (outputs.tf, stage_invoke_url) so the check is its own (ADR 0092).
  account_cloudwatch_role_arn    = var.account_cloudwatch_role_arn
  create_account_cloudwatch_role = var.create_account_cloudwatch_role
  kms_key_arn                    = local.kms_key_arn
  log_retention_days             = var.log_retention_days
  create_execution_log_group     = true
  canary                         = one(local.gateway_canary)
  tags                           = var.tags
}

module "observability" {
  source = "../observability"

  # Every name below is a module output, never a name rebuilt here (ADR 0105).
  create                = var.create && var.observability.enabled
  name                  = var.name
  rest_api_name         = module.gateway.rest_api_name
  stage_name            = module.gateway.stage_name
  access_log_group_name = module.gateway.access_log_group_name
  watch_access_log      = true
  function_names = merge(
    {
      llm        = module.llm.function_name
      authorizer = module.authorizer.function_name
    },
    length(local.sagemaker_endpoints.lambda) > 0 ? { sagemaker_proxy = local.sagemaker_proxy_function_name } : {},
  )
  web_acl_name      = local.waf_enabled ? module.waf.web_acl_name : null
  watch_waf         = local.waf_enabled
  metrics_namespace = module.llm.metrics_namespace
  # Streamed answers: alarm on time to first token, not on the stage's Latency (the whole
  # stream); an explicit alarms.api_latency_alarm still wins.
  alarms              = merge({ api_latency_alarm = !var.llm.streaming }, var.observability.alarms)
  ttft_routes         = local.ttft_routes
  routes              = local.observed_routes
  sagemaker_endpoints = local.observed_sagemaker_endpoints
  token_budgets       = var.observability.token_budgets
  subscriptions       = var.observability.alarm_subscriptions
  kms_key_arn         = local.kms_key_arn
  tags                = var.tags
}
