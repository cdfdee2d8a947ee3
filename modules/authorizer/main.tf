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

  environment = {
    AIGW_STAGE                       = var.stage
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

resource "aws_lambda_function" "this" {
  count = var.create ? 1 : 0

  #checkov:skip=CKV_AWS_115:reserved concurrency is opt-in (reserved_concurrent_executions, default none): a reservation fails to deploy where the account quota would leave under 100 unreserved, and tenants are capped by usage plans and WAF rate rules (docs/aws-readiness.md)
  #checkov:skip=CKV_AWS_116:API Gateway invokes authorizers synchronously; a DLQ never receives anything
  #checkov:skip=CKV_AWS_117:VPC attachment is optional (vpc_subnet_ids); the function needs DynamoDB and the issuers' JWKS endpoints
  #checkov:skip=CKV_AWS_272:code signing is optional (code_signing_config_arn)
  function_name                  = var.name
  description                    = "aigw REQUEST authorizer (API keys and JWT) for stage ${var.stage}"
  role                           = aws_iam_role.this[0].arn
  handler                        = "authorizer.handler.handler"
  runtime                        = "python3.13"
  architectures                  = ["arm64"]
  filename                       = var.package.filename
  source_code_hash               = var.package.source_code_hash
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = local.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  environment {
    variables = local.environment
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "logging_config" {
    for_each = var.configure_lambda_logging ? [1] : []
    content {
      log_format = "Text"
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

  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this]
}
