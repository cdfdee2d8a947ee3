locals {
  # Read once, by the function module ("" when create = false).
  region = module.function.region

  kms_key_arn = module.function.kms_key_arn

  environment = {
    AIGW_STAGE                       = local.stage_name
    AIGW_TENANTS_TABLE               = "${var.name}-tenants"
    AIGW_KEYS_TABLE                  = "${var.name}-keys"
    AIGW_JWT_ISSUERS                 = jsonencode([for i in var.jwt_issuers : { issuer = i.issuer, jwks_uri = i.jwks_uri, audiences = i.audiences, audience_claim = i.audience_claim, tenant_claim = coalesce(i.tenant_claim, var.jwt_tenant_claim) }])
    AIGW_JWT_ALGORITHMS              = join(",", var.jwt_algorithms)
    AIGW_JWT_LEEWAY_SECONDS          = tostring(var.jwt_leeway_seconds)
    AIGW_JWT_TENANT_CLAIM            = var.jwt_tenant_claim
    AIGW_JWKS_CACHE_SECONDS          = tostring(var.jwks_cache_seconds)
    AIGW_JWKS_TIMEOUT_SECONDS        = "2"
    AIGW_JWKS_FAILURE_CACHE_SECONDS  = tostring(var.jwks_failure_cache_seconds)
    AIGW_JWKS_STALE_IF_ERROR_SECONDS = tostring(var.jwks_stale_if_error_seconds)
    AIGW_REQUIRE_USAGE_KEY           = tostring(var.require_usage_key)
  }
}

module "function" {
  source = "../lambda-function"

  create                         = var.create
  name                           = var.name
  description                    = "aigw REQUEST authorizer (API keys and JWT) for stage ${local.stage_name}"
  handler                        = "authorizer.handler.handler"
  architecture                   = var.architecture
  package                        = var.package
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  environment_variables          = local.environment
  code_signing_config_arn        = var.code_signing_config_arn
  tracing_mode                   = var.tracing_mode
  vpc_subnet_ids                 = var.vpc_subnet_ids
  vpc_security_group_ids         = var.vpc_security_group_ids

  configure_lambda_logging = var.configure_lambda_logging
  log_retention_days       = local.log_retention_days

  # The name the deployed policy has: IAM policy names are immutable (ADR 0100).
  role_policy_name  = "${var.name}-runtime"
  policy_statements = local.role_policy_statements

  create_kms_key               = var.create_kms_key
  kms_key_arn                  = var.kms_key_arn
  kms_key_description          = "aigw authorizer ${var.name}: tenants and keys tables, logs, Lambda environment"
  kms_key_deletion_window_days = local.kms_key_deletion_window_days

  tags = var.tags
}
