# API Gateway's account-level CloudWatch Logs role, for one account and region: the role
# and the account setting naming it. A REST API stage accepts access and execution
# logging only when the setting names a role API Gateway can assume. One stack per
# account and region should own it (ADR 0092): envs/_bootstrap for the environments,
# gateway-core when its caller sets create_account_cloudwatch_role.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

variable "create" {
  description = "Whether to create the role and set the account setting."
  type        = bool
  default     = true
  nullable    = false
}

variable "role_name" {
  description = "Name of the IAM role (IAM names are account-wide; the setting is per region)."
  type        = string
  nullable    = false
}

variable "tags" {
  description = "Tags of the role."
  type        = map(string)
  default     = {}
  nullable    = false
}

data "aws_caller_identity" "current" {
  count = var.create ? 1 : 0
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  log_groups = var.create ? "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current[0].account_id}:log-group:*" : null
}

module "trust" {
  source = "../../../apigateway-trust-policy"

  sid = "ApiGatewayPushesLogs"
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name        = var.role_name
  description = "API Gateway writes the access and execution logs of every REST API of the account in ${data.aws_region.current.id} with this role"
  # The trust AWS documents for this role: the API Gateway service principal, no condition
  # keys (the account setting itself names the role).
  assume_role_policy = module.trust.json

  tags = var.tags
}

# The actions of AWS's managed policy AmazonAPIGatewayPushToCloudWatchLogs, on every log
# group of the account and region: the setting serves every REST API there, and each
# stack names its own access log group. (Inline rather than attached: the local sandbox
# holds no AWS managed policies.)
resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  name = "push-api-gateway-logs"
  role = aws_iam_role.this[0].id
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
      Resource = [local.log_groups, "${local.log_groups}:log-stream:*"]
    }]
  })
}

resource "aws_api_gateway_account" "this" {
  count = var.create ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.this[0].arn

  depends_on = [aws_iam_role_policy.this]
}

output "role_arn" {
  description = "ARN of the role the account setting names (null when create = false)."
  value       = try(aws_iam_role.this[0].arn, null)
}

output "account_setting_role_arn" {
  description = "The role the account setting names (null when create = false)."
  value       = try(aws_api_gateway_account.this[0].cloudwatch_role_arn, null)
}

output "trust_policy" {
  description = "The role's trust policy (JSON; null when create = false)."
  value       = try(aws_iam_role.this[0].assume_role_policy, null)
}

output "permissions_policy" {
  description = "The role's permissions policy (JSON; null when create = false)."
  value       = try(aws_iam_role_policy.this[0].policy, null)
}

output "role_name" {
  description = "Name of the role (null when create = false)."
  value       = try(aws_iam_role.this[0].name, null)
}
