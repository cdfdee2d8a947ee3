# Concurrency headroom (docs/capacity.md): streamed answers hold a Lambda execution for
# the whole stream, so concurrency = requests per second × mean answer seconds and runs
# into the account's concurrent-executions quota (1,000 by default per Region) or a
# function's reserved concurrency long before request rates look high.

variable "concurrency_alarms" {
  description = "Alarms on Lambda concurrency headroom: the account's ConcurrentExecutions (all functions of the Region) above threshold_percent of account_limit (the account's Lambda concurrent-executions quota in this Region: 1,000 unless raised), and each function of lambda_function_names listed in `reserved` (key => its reserved concurrency) above threshold_percent of that reservation."
  type = object({
    enabled           = optional(bool, true)
    account_limit     = optional(number, 1000)
    threshold_percent = optional(number, 80)
    reserved          = optional(map(number), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.concurrency_alarms.threshold_percent > 0 && var.concurrency_alarms.threshold_percent <= 100 && var.concurrency_alarms.account_limit >= 1
    error_message = "concurrency_alarms.threshold_percent must be a percentage in (0, 100] and account_limit at least 1 (the account's Lambda concurrent-executions quota)."
  }

  validation {
    condition     = alltrue([for k, r in var.concurrency_alarms.reserved : r >= 1 && floor(r) == r])
    error_message = "concurrency_alarms.reserved values must be whole numbers of at least 1 (the functions' reserved concurrency)."
  }

  validation {
    condition     = alltrue([for k in keys(var.concurrency_alarms.reserved) : contains(keys(var.lambda_function_names), k)])
    error_message = "concurrency_alarms.reserved keys must be keys of lambda_function_names; unknown: ${join(", ", [for k in keys(var.concurrency_alarms.reserved) : k if !contains(keys(var.lambda_function_names), k)])}."
  }
}

locals {
  create_concurrency_alarms = local.create_alarms && var.concurrency_alarms.enabled
}

resource "aws_cloudwatch_metric_alarm" "account_concurrency" {
  count = local.create_concurrency_alarms ? 1 : 0

  alarm_name          = "${var.name}-lambda-account-concurrency"
  alarm_description   = "Lambda ConcurrentExecutions of the account in this Region reached ${var.concurrency_alarms.threshold_percent}% of its quota of ${var.concurrency_alarms.account_limit}: new invocations are throttled at 100%. Raise the quota or move long streams off Lambda (docs/capacity.md)."
  namespace           = "AWS/Lambda"
  metric_name         = "ConcurrentExecutions"
  statistic           = "Maximum"
  period              = 60
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.concurrency_alarms.account_limit * var.concurrency_alarms.threshold_percent / 100
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "function_concurrency" {
  for_each = local.create_concurrency_alarms ? var.concurrency_alarms.reserved : {}

  alarm_name          = "${var.name}-lambda-${each.key}-concurrency"
  alarm_description   = "Lambda ${var.lambda_function_names[each.key]} reached ${var.concurrency_alarms.threshold_percent}% of its reserved concurrency of ${each.value}: invocations beyond it are throttled."
  namespace           = "AWS/Lambda"
  metric_name         = "ConcurrentExecutions"
  dimensions          = { FunctionName = var.lambda_function_names[each.key] }
  statistic           = "Maximum"
  period              = 60
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value * var.concurrency_alarms.threshold_percent / 100
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags
}
