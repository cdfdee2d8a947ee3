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

resource "aws_cloudwatch_log_group" "this" {
  count = local.lambda ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  count = local.lambda ? 1 : 0

  #checkov:skip=CKV_AWS_115:reserved concurrency is opt-in (reserved_concurrent_executions, default none): a reservation fails to deploy where the account quota would leave under 100 unreserved, and tenants are capped by usage plans and WAF rate rules (docs/aws-readiness.md)
  #checkov:skip=CKV_AWS_116:API Gateway invokes the proxy synchronously; a DLQ only applies to asynchronous invocations
  #checkov:skip=CKV_AWS_117:VPC attachment is optional (vpc_subnet_ids); the SageMaker runtime is a public AWS endpoint
  #checkov:skip=CKV_AWS_272:code signing is optional (code_signing_config_arn)
  function_name                  = var.name
  description                    = "aigw SageMaker proxy: JSON/CSV normalisation, output parsing, error mapping"
  role                           = aws_iam_role.lambda[0].arn
  handler                        = "sagemaker_proxy.handler.handler"
  runtime                        = "python3.13"
  architectures                  = [var.architecture]
  filename                       = try(var.package.filename, null)
  source_code_hash               = try(var.package.source_code_hash, null)
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = local.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  environment {
    variables = local.proxy_environment
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
      condition     = var.package != null
      error_message = "mode = \"lambda\" needs package (the sagemaker_proxy zip and its base64 SHA-256 from dist/manifest.json; run `make build`)."
    }
    precondition {
      condition     = local.proxy_environment_bytes <= local.proxy_environment_max_bytes
      error_message = "The proxy's route table makes its environment ${local.proxy_environment_bytes} bytes; Lambda allows ${local.proxy_environment_max_bytes}. Split the ${length(var.endpoints)} endpoints across sagemaker-route instances (about 200 bytes each with the default path, so at most about 18 per instance), use shorter paths and endpoint names, or use mode = \"direct\"."
    }
  }

  depends_on = [aws_iam_role_policy.lambda, aws_cloudwatch_log_group.this]
}
