################################################################################
# Access and execution logs (KMS-encrypted, with retention)
################################################################################

locals {
  # modules/kms-key decides between the given key and a new one (ADR 0105).
  create_kms_key = module.kms_key.key_created
  kms_key_arn    = module.kms_key.key_arn

  access_log_group_name = "/aws/apigateway/${var.name}/${var.stage_name}"

  # One JSON object per request. Prompt text never reaches this line: only ids, the
  # route, statuses and timings.
  access_log_format = jsonencode(merge(
    {
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTimeEpoch"
      sourceIp           = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      route              = "$context.httpMethod $context.resourcePath"
      stage              = "$context.stage"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integration.latency"
      integrationStatus  = "$context.integration.status"
      apiKeyId           = "$context.identity.apiKeyId"
      # The SigV4 caller of AWS_IAM routes (no API key there): IAM callers are counted
      # per principal from this field (ADR 0146).
      callerArn       = "$context.identity.userArn"
      wafResponseCode = "$context.wafResponseCode"
      errorType       = "$context.error.responseType"
      errorMessage    = "$context.error.message"
      xrayTraceId     = "$context.xrayTraceId"
    },
    { for field, key in var.access_log_authorizer_context_keys : field => "$context.authorizer.${key}" },
  ))
}

data "aws_caller_identity" "current" {
  count = local.create_kms_key ? 1 : 0
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

module "kms_key" {
  source = "../kms-key"

  create               = local.create
  key_arn              = var.kms_key_arn
  create_key           = var.create_kms_key
  description          = "Encrypts the API Gateway log groups of ${var.name}"
  alias                = "aigw/gateway-core/${var.name}"
  deletion_window_days = local.kms_key_deletion_window_days
  log_group_arns = local.create_kms_key ? [
    "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current[0].account_id}:log-group:${local.access_log_group_name}",
    "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current[0].account_id}:log-group:API-Gateway-Execution-Logs_*/${var.stage_name}",
  ] : []

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "access" {
  count = local.create ? 1 : 0

  name              = local.access_log_group_name
  retention_in_days = local.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = var.tags
}

# API Gateway writes execution logs to this fixed name; created here first so it is
# encrypted and expires instead of being created on first write without either.
resource "aws_cloudwatch_log_group" "execution" {
  count = local.create && var.create_execution_log_group ? 1 : 0

  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this[0].id}/${var.stage_name}"
  retention_in_days = local.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = var.tags
}

################################################################################
# Account-level CloudWatch role (optional: one per account and region, ADR 0092)
################################################################################

module "account_cloudwatch_role" {
  source = "./modules/account-cloudwatch-role"

  create    = local.create && var.create_account_cloudwatch_role
  role_name = "${var.name}-apigw-cloudwatch"
  tags      = var.tags
}
