locals {
  # What the proxy reads at cold start (sagemaker_proxy/config.py): request path -> endpoint.
  proxy_routes = {
    for k, e in local.endpoints : e.path => {
      for pk, pv in {
        name            = k
        endpoint_name   = e.endpoint_name
        content_type    = e.content_type
        accept          = e.accept
        target_variant  = e.target_variant
        response_format = e.response_format
      } : pk => pv if pv != null
    }
  }

  proxy_environment = {
    AIGW_SAGEMAKER_ROUTES     = jsonencode(local.proxy_routes)
    AIGW_MAX_BODY_BYTES       = tostring(var.max_body_bytes)
    AIGW_READ_TIMEOUT_SECONDS = tostring(max(1, min(var.timeout, var.integration_timeout_ms / 1000) - 2))
  }

  # Lambda measures the variables as one JSON object (names, values, escaped quotes) and
  # refuses more than 4 KB; every name and value here is ASCII, so characters are bytes.
  proxy_environment_bytes     = length(jsonencode(local.proxy_environment))
  proxy_environment_max_bytes = 4096
}

module "function" {
  source = "../lambda-function"

  # Without a package the plan fails on the function_arn output's precondition, which
  # names the input; the provider's own error would not.
  create                         = local.lambda && var.package != null
  name                           = var.name
  description                    = "aigw SageMaker proxy: JSON/CSV normalisation, output parsing, error mapping"
  handler                        = "sagemaker_proxy.handler.handler"
  architecture                   = var.architecture
  package                        = var.package
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  environment_variables          = local.proxy_environment
  code_signing_config_arn        = var.code_signing_config_arn
  tracing_mode                   = var.tracing_mode
  vpc_subnet_ids                 = var.vpc_subnet_ids
  vpc_security_group_ids         = var.vpc_security_group_ids

  configure_lambda_logging = var.configure_lambda_logging
  log_retention_days       = var.log_retention_days

  role_description  = "The sagemaker_proxy function ${var.name}"
  policy_statements = local.lambda_policy_statements

  # The module's one key also encrypts created endpoints' volumes (kms.tf).
  create_kms_key = false
  kms_key_arn    = local.kms_key_arn

  tags = var.tags
}
