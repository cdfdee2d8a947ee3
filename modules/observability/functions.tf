# Every function of function_names gets its errors and throttles alarms (alarms.tf), its
# share of the account's concurrency alarm and, with a reservation, its own (concurrency.tf);
# the p99 duration alarm below follows the same map, so a new function needs one map entry.

variable "function_duration_alarms" {
  description = "p99 Duration alarms of the functions in function_names (AWS/Lambda Duration, milliseconds). p99_ms applies to every function (null, the default: no duration alarm); per_function (key of function_names => ms) overrides it, and null there turns one function's alarm off (a streaming function runs as long as its streams, so its duration says little)."
  type = object({
    p99_ms       = optional(number)
    per_function = optional(map(number), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for v in concat([var.function_duration_alarms.p99_ms], values(var.function_duration_alarms.per_function)) : v == null ? true : v > 0 && v <= 900000])
    error_message = "function_duration_alarms.p99_ms and per_function values must be milliseconds in (0, 900000] (Lambda's 15-minute limit), or null for no alarm."
  }

  validation {
    condition     = alltrue([for k in keys(var.function_duration_alarms.per_function) : contains(keys(merge(coalesce(var.lambda_function_names, {}), var.function_names)), k)])
    error_message = "function_duration_alarms.per_function keys must be keys of function_names; unknown: ${join(", ", [for k in keys(var.function_duration_alarms.per_function) : k if !contains(keys(merge(coalesce(var.lambda_function_names, {}), var.function_names)), k)])}."
  }
}

locals {
  function_p99_duration_ms = {
    for k, f in local.function_names : k => lookup(var.function_duration_alarms.per_function, k, var.function_duration_alarms.p99_ms)
  }

  # Definitions for aws_cloudwatch_metric_alarm.this (alarms.tf).
  function_duration_alarms = {
    for k, ms in local.function_p99_duration_ms : "lambda_duration/${k}" => merge(local.alarm_base, {
      alarm_name         = "${var.name}-lambda-${k}-p99-duration"
      description        = "p99 duration of Lambda ${local.function_names[k]} above ${ms} ms."
      namespace          = "AWS/Lambda"
      metric_name        = "Duration"
      dimensions         = { FunctionName = local.function_names[k] }
      extended_statistic = "p99"
      threshold          = ms
    }) if ms != null
  }
}
