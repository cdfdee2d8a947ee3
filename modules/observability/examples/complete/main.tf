# Everything wired: access-log throttling metric, WAF, three Lambda functions,
# per-route alarms for every route family, a SageMaker endpoint, per-tenant
# token-budget burn alarms, a caller-owned KMS key and several subscriptions.
# The access log group stands in for gateway-core's output; route paths and
# names stand in for the route modules' outputs.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
}

locals {
  name = "${var.name_prefix}-obs-complete"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  log_group_name = "/aws/apigateway/${local.name}/v1"
}

module "kms_key" {
  source = "../../../kms-key"

  description          = "aigw example: alarm topic and access log encryption"
  deletion_window_days = 7
  log_group_arns       = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group_name}"]
  service_principals = {
    CloudWatchAlarmsPublish = { service = "cloudwatch.amazonaws.com", actions = ["kms:Decrypt", "kms:GenerateDataKey*"] }
  }
}

# Stand-in for gateway-core's access_log_group_name output.
resource "aws_cloudwatch_log_group" "access" {
  name              = local.log_group_name
  retention_in_days = 365
  kms_key_id        = module.kms_key.key_arn
}

module "observability" {
  source = "../../"

  name                  = local.name
  rest_api_name         = "${var.name_prefix}-complete"
  stage_name            = "v1"
  access_log_group_name = aws_cloudwatch_log_group.access.name
  web_acl_name          = "${var.name_prefix}-complete"
  metrics_namespace     = "aigw"

  function_names = {
    llm             = "${var.name_prefix}-complete-llm-gateway"
    authorizer      = "${var.name_prefix}-complete-authorizer"
    sagemaker_proxy = "${var.name_prefix}-complete-sagemaker-proxy"
  }

  # The LLM function streams: its duration is the stream's, so only the others get one.
  function_duration_alarms = { p99_ms = 10000, per_function = { llm = null } }

  ttft_routes = ["chat_completions", "prompts", "responses", "messages"]

  # Per-route alarms need detailed metrics on the stage (gateway-core metrics_enabled).
  routes = {
    chat_completions = { method = "POST", path = "/v1/chat/completions", family = "llm" }
    translate        = { method = "POST", path = "/v1/translate", family = "ai_service" }
    sentiment        = { method = "POST", path = "/v1/sentiment", family = "ai_service", p99_latency_ms = 2000 }
    churn            = { method = "POST", path = "/v1/sagemaker/churn/invocations", family = "sagemaker" }
    inventory        = { method = "POST", path = "/v1/inventory", family = "private" }
    weather          = { method = "GET", path = "/v1/weather", family = "http" }
  }
  route_alarm_thresholds = {
    http = { p99_latency_ms = 3000 }
  }

  sagemaker_endpoints = {
    churn = { endpoint_name = "${var.name_prefix}-churn", model_latency_p99_ms = 500 }
  }

  alarms = {
    period_seconds         = 60
    evaluation_periods     = 5
    datapoints_to_alarm    = 3
    api_5xx_rate_percent   = 2
    api_p99_latency_ms     = 60000
    api_throttled_requests = 100
    lambda_errors          = 10
    waf_blocked_requests   = 1000

    sagemaker_invocation_5xx_errors = 3
  }

  token_budgets = {
    acme = {
      tenant         = "acme"
      models         = ["claude-sonnet", "gpt-4o-mini"]
      tokens_per_day = 5000000
    }
    globex_fast = {
      tenant         = "globex"
      models         = ["claude-haiku"]
      tokens_per_day = 1000000
      burn_rate      = 4
      window_seconds = 900
    }
  }

  create_kms_key = false
  kms_key_arn    = module.kms_key.key_arn

  subscriptions = [
    { protocol = "email", endpoint = "oncall@example.com" },
    { protocol = "https", endpoint = "https://hooks.example.com/aigw-alarms" },
  ]

  tags = {
    project = "aigw"
    example = "observability-complete"
  }
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.observability.dashboard_name
}

output "alarm_names" {
  description = "Alarm names by purpose."
  value       = module.observability.alarm_names
}

output "sns_topic_arn" {
  description = "Alarm topic."
  value       = module.observability.sns_topic_arn
}
