locals {
  # Read once, by the function module ("" and "aws" when create = false).
  account_id = module.function.account_id
  region     = module.function.region
  partition  = module.function.partition

  kms_key_arn = module.function.kms_key_arn

  usage_table_name      = "${var.name}-usage"
  config_parameter_name = "/${var.name}/config"

  config_source = coalesce(var.config_source, var.parameters_extension_layer_arn != null ? "extension" : "sdk")

  # Set when config_source = "extension": the layer serves the parameter on localhost.
  layers = local.config_source == "extension" && var.parameters_extension_layer_arn != null ? [var.parameters_extension_layer_arn] : []

  # AWS publishes the extension once per architecture: the layer name must match the function's.
  extension_layer_name   = var.architecture == "arm64" ? "AWS-Parameters-and-Secrets-Lambda-Extension-Arm64" : "AWS-Parameters-and-Secrets-Lambda-Extension"
  extension_layer_parts  = split(":", coalesce(var.parameters_extension_layer_arn, "::::::"))
  extension_layer_region = local.extension_layer_parts[3]

  environment = merge(
    {
      # The parameter's name (not the local): the function starts after its config exists.
      AIGW_CONFIG_PARAMETER   = try(aws_ssm_parameter.config[0].name, local.config_parameter_name)
      AIGW_CONFIG_SOURCE      = local.config_source
      AIGW_CONFIG_TTL_SECONDS = tostring(var.config_cache_ttl_seconds)
    },
    # The streaming runtime loop (ADR 0011) replaces the managed runtime's buffered loop.
    var.streaming ? { AWS_LAMBDA_EXEC_WRAPPER = "/var/task/llm_gateway/stream_bootstrap" } : {},
    local.responses_environment,
    local.uploads_environment,
  )
}

module "function" {
  source = "../lambda-function"

  create                            = var.create
  name                              = var.name
  description                       = "aigw LLM gateway: OpenAI-compatible API over Bedrock and OpenAI-compatible providers"
  handler                           = "llm_gateway.handler.handler"
  architecture                      = var.architecture
  package                           = var.package
  memory_size                       = var.memory_size
  timeout                           = var.timeout
  reserved_concurrent_executions    = var.reserved_concurrent_executions
  environment_variables             = local.environment
  layers                            = local.layers
  code_signing_config_arn           = var.code_signing_config_arn
  tracing_mode                      = var.tracing_mode
  vpc_subnet_ids                    = var.vpc_subnet_ids
  vpc_security_group_ids            = var.vpc_security_group_ids
  publish                           = true
  canary                            = var.canary
  provisioned_concurrent_executions = var.provisioned_concurrent_executions

  configure_lambda_logging = var.configure_lambda_logging
  log_retention_days       = var.log_retention_days

  policy_statements = local.role_policy_statements

  create_kms_key               = var.create_kms_key
  kms_key_arn                  = var.kms_key_arn
  kms_key_description          = "aigw LLM gateway ${var.name}: logs, usage table, config parameter, Lambda environment"
  kms_key_deletion_window_days = local.kms_key_deletion_window_days

  tags = var.tags
}

