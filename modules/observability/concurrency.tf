# Concurrency headroom (docs/capacity.md): streamed answers hold a Lambda execution for
# the whole stream, so concurrency = requests per second × mean answer seconds and runs
# into the account's concurrent-executions quota (1,000 by default per Region) or a
# function's reserved concurrency long before request rates look high.

variable "concurrency_alarms" {
  description = "Alarms on Lambda concurrency headroom: the account's ConcurrentExecutions (all functions of the Region) above threshold_percent of account_limit (the account's Lambda concurrent-executions quota in this Region: 1,000 unless raised), and each function of function_names listed in `reserved` (key => its reserved concurrency) above threshold_percent of that reservation."
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
    condition     = alltrue([for k in keys(var.concurrency_alarms.reserved) : contains(keys(merge(coalesce(var.lambda_function_names, {}), var.function_names)), k)])
    error_message = "concurrency_alarms.reserved keys must be keys of function_names; unknown: ${join(", ", [for k in keys(var.concurrency_alarms.reserved) : k if !contains(keys(merge(coalesce(var.lambda_function_names, {}), var.function_names)), k)])}."
  }
}

locals {
  # Definitions for aws_cloudwatch_metric_alarm.this (alarms.tf). The account alarm covers
  # every function, reserved or not; a function's own alarm needs its reservation.
  concurrency_alarms = merge(
    { for k, d in {
      account_concurrency = merge(local.alarm_base, {
        alarm_name          = "${var.name}-lambda-account-concurrency"
        description         = "Lambda ConcurrentExecutions of the account in this Region reached ${var.concurrency_alarms.threshold_percent}% of its quota of ${var.concurrency_alarms.account_limit}: new invocations are throttled at 100%. Raise the quota or move long streams off Lambda (docs/capacity.md)."
        namespace           = "AWS/Lambda"
        metric_name         = "ConcurrentExecutions"
        statistic           = "Maximum"
        period              = 60
        comparison_operator = "GreaterThanOrEqualToThreshold"
        threshold           = var.concurrency_alarms.account_limit * var.concurrency_alarms.threshold_percent / 100
      })
    } : k => d if var.concurrency_alarms.enabled },
    { for k, r in var.concurrency_alarms.reserved : "function_concurrency/${k}" => merge(local.alarm_base, {
      alarm_name          = "${var.name}-lambda-${k}-concurrency"
      description         = "Lambda ${local.function_names[k]} reached ${var.concurrency_alarms.threshold_percent}% of its reserved concurrency of ${r}: invocations beyond it are throttled."
      namespace           = "AWS/Lambda"
      metric_name         = "ConcurrentExecutions"
      dimensions          = { FunctionName = local.function_names[k] }
      statistic           = "Maximum"
      period              = 60
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = r * var.concurrency_alarms.threshold_percent / 100
    }) if var.concurrency_alarms.enabled },
  )
}
