# API Gateway's account-level CloudWatch Logs role, for this account and region. A REST
# API stage accepts access logging and execution logging only when this setting names a
# role API Gateway can assume; in a fresh account or region the first stage update fails
# ("CloudWatch Logs role ARN must be set in account settings to enable logging"). The
# setting is one per account and region, so exactly one stack should own it: the
# bootstrap of the first environment in each account and region, unless another stack
# already does (manage_account_cloudwatch_role = false, ADR 0092).

locals {
  manage_account_cloudwatch_role = var.manage_account_cloudwatch_role
  # IAM names are account-wide and the setting is per region: one role per region.
  account_cloudwatch_role_name = "aigw-${var.environment}-apigateway-logs-${var.region}"
}

resource "aws_iam_role" "account_cloudwatch" {
  count = local.manage_account_cloudwatch_role ? 1 : 0

  name        = local.account_cloudwatch_role_name
  description = "API Gateway writes the access and execution logs of every REST API of ${local.account_id} in ${var.region} with this role"
  # The trust AWS documents for this role: API Gateway assumes it for the account's
  # logging, with no condition keys (the account setting itself names the role).
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ApiGatewayPushesLogs"
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# The permissions of AWS's managed policy AmazonAPIGatewayPushToCloudWatchLogs, scoped to
# this account and region: every REST API of the account may log to any log group it is
# configured with (access log destinations are named by each stack), so the role cannot
# be narrowed to one gateway's log groups.
resource "aws_iam_role_policy" "account_cloudwatch" {
  count = local.manage_account_cloudwatch_role ? 1 : 0

  name = "push-api-gateway-logs"
  role = aws_iam_role.account_cloudwatch[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "PushLogsOfEveryRestApi"
      Effect = "Allow"
      Action = [
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
        "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents",
        "logs:FilterLogEvents",
      ]
      Resource = [
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*",
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*:log-stream:*",
      ]
    }]
  })
}

resource "aws_api_gateway_account" "this" {
  count = local.manage_account_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.account_cloudwatch[0].arn

  depends_on = [aws_iam_role_policy.account_cloudwatch]
}
