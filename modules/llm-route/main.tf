data "aws_partition" "current" {
  count = var.create ? 1 : 0
}

data "aws_region" "current" {
  count = var.create ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = var.create ? 1 : 0
}

locals {
  partition  = try(data.aws_partition.current[0].partition, "aws")
  region     = try(data.aws_region.current[0].id, "")
  account_id = try(data.aws_caller_identity.current[0].account_id, "")

  log_group_name        = "/aws/lambda/${var.name}"
  log_group_arn         = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
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
      AIGW_CONFIG_PARAMETER   = local.config_parameter_name
      AIGW_CONFIG_SOURCE      = local.config_source
      AIGW_CONFIG_TTL_SECONDS = tostring(var.config_cache_ttl_seconds)
    },
    # The streaming runtime loop (ADR 0011) replaces the managed runtime's buffered loop.
    var.streaming ? { AWS_LAMBDA_EXEC_WRAPPER = "/var/task/llm_gateway/stream_bootstrap" } : {},
    local.responses_environment,
  )
}

resource "aws_cloudwatch_log_group" "this" {
  count = var.create ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  count = var.create ? 1 : 0

  #checkov:skip=CKV_AWS_115:reserved concurrency is opt-in (reserved_concurrent_executions, default none): a reservation fails to deploy where the account quota would leave under 100 unreserved, and tenants are capped by usage plans and WAF rate rules (docs/aws-readiness.md)
  #checkov:skip=CKV_AWS_116:API Gateway invokes the gateway synchronously; a DLQ only applies to asynchronous invocations
  #checkov:skip=CKV_AWS_117:VPC attachment is optional (vpc_subnet_ids); the function calls public model endpoints by default
  #checkov:skip=CKV_AWS_272:code signing is optional (code_signing_config_arn)
  function_name                  = var.name
  description                    = "aigw LLM gateway: OpenAI-compatible API over Bedrock and OpenAI-compatible providers"
  role                           = aws_iam_role.this[0].arn
  handler                        = "llm_gateway.handler.handler"
  runtime                        = "python3.13"
  architectures                  = [var.architecture]
  filename                       = var.package.filename
  source_code_hash               = var.package.source_code_hash
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = local.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn
  layers                         = local.layers
  publish                        = true

  environment {
    variables = local.environment
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "logging_config" {
    for_each = var.configure_lambda_logging ? [1] : []
    content {
      log_format = "JSON"
      log_group  = aws_cloudwatch_log_group.this[0].name
    }
  }

  dynamic "vpc_config" {
    for_each = length(var.vpc_subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.config_source != "extension" || var.parameters_extension_layer_arn != null
      error_message = "config_source = \"extension\" needs parameters_extension_layer_arn (the AWS Parameters and Secrets Lambda extension layer for this region/architecture), or set config_source = \"sdk\"."
    }
    precondition {
      condition     = length(local.layers) == 0 || local.extension_layer_parts[6] == local.extension_layer_name
      error_message = "parameters_extension_layer_arn names layer ${local.extension_layer_parts[6]}, but an ${var.architecture} function needs ${local.extension_layer_name} (the extension is published once per architecture)."
    }
    precondition {
      condition     = length(local.layers) == 0 || local.extension_layer_region == local.region
      error_message = "parameters_extension_layer_arn is in region ${local.extension_layer_region}, but the function runs in ${local.region}: use the extension's ARN for ${local.region} (AWS Lambda documentation, AWS Parameters and Secrets Lambda Extension ARNs)."
    }
  }

  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this, aws_ssm_parameter.config]
}

resource "aws_lambda_alias" "live" {
  count = var.create ? 1 : 0

  name             = "live"
  description      = "What API Gateway invokes; a canary splits it between two published versions"
  function_name    = aws_lambda_function.this[0].function_name
  function_version = var.canary == null ? aws_lambda_function.this[0].version : var.canary.stable_version

  dynamic "routing_config" {
    for_each = var.canary == null ? [] : [var.canary]
    content {
      additional_version_weights = {
        (aws_lambda_function.this[0].version) = routing_config.value.weight
      }
    }
  }
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  count = var.create && var.provisioned_concurrent_executions > 0 ? 1 : 0

  function_name                     = aws_lambda_function.this[0].function_name
  qualifier                         = aws_lambda_alias.live[0].name
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
}
