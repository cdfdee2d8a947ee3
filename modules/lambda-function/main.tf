# One aigw Lambda function with everything every aigw function carries: its log group,
# its execution role with the base statements (own logs, X-Ray, VPC ENIs, its
# environment's key), optional publishing behind a `live` alias (weighted canary,
# provisioned concurrency), and the KMS key "given or create" (ADR 0100). Internal: the
# function modules (authorizer, llm-route, sagemaker-route) call it and add only their own
# policy statements.

data "aws_caller_identity" "current" {
  count = var.create ? 1 : 0
}

data "aws_region" "current" {
  count = var.create ? 1 : 0
}

locals {
  # The caller's ARN (arn:<partition>:sts::<account>:…) names the partition too.
  account_id = try(data.aws_caller_identity.current[0].account_id, "")
  partition  = try(split(":", data.aws_caller_identity.current[0].arn)[1], "aws")
  region     = try(data.aws_region.current[0].id, "")

  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
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
  #checkov:skip=CKV_AWS_116:API Gateway invokes every aigw function synchronously; a DLQ only applies to asynchronous invocations
  #checkov:skip=CKV_AWS_117:VPC attachment is optional (vpc_subnet_ids); the functions call public AWS and model endpoints by default
  #checkov:skip=CKV_AWS_272:code signing is optional (code_signing_config_arn)
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.this[0].arn
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  filename                       = try(var.package.filename, null)
  source_code_hash               = try(var.package.source_code_hash, null)
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = local.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn
  layers                         = var.layers
  publish                        = var.publish

  environment {
    variables = var.environment_variables
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "logging_config" {
    for_each = var.configure_lambda_logging ? [1] : []
    content {
      log_format = var.log_format
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
      condition     = var.publish || (var.canary == null && var.provisioned_concurrent_executions == 0)
      error_message = "canary and provisioned_concurrent_executions need publish = true (both act on the `live` alias of published versions)."
    }
  }

  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this]
}

resource "aws_lambda_alias" "live" {
  count = var.create && var.publish ? 1 : 0

  name             = "live"
  description      = "What API Gateway invokes; a canary splits it between two published versions"
  function_name    = aws_lambda_function.this[0].function_name
  function_version = var.canary == null ? aws_lambda_function.this[0].version : var.canary.stable_version

  # weight 0: the alias stays on stable_version with no routing (a rolled-back canary;
  # what `aigw release rollback` leaves through the API, ADR 0140).
  dynamic "routing_config" {
    for_each = var.canary == null ? [] : var.canary.weight > 0 ? [var.canary] : []
    content {
      additional_version_weights = {
        (aws_lambda_function.this[0].version) = routing_config.value.weight
      }
    }
  }
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  count = var.create && var.publish && var.provisioned_concurrent_executions > 0 ? 1 : 0

  function_name                     = aws_lambda_function.this[0].function_name
  qualifier                         = aws_lambda_alias.live[0].name
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
}
