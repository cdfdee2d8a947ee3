# SageMaker endpoints behind the gateway: the model's own latency and the invocation errors
# SageMaker reports (namespace AWS/SageMaker, dimensions EndpointName and VariantName).
# ModelLatency is in microseconds; the inputs take milliseconds like every other latency here.

variable "sagemaker_endpoints" {
  description = <<-EOT
    SageMaker endpoint variants to watch (key = a static label, e.g. the route name): endpoint_name,
    variant_name (default AllTraffic, the variant sagemaker-route creates; for an existing endpoint,
    the production variant the route calls). Each gets alarms on p99 ModelLatency above
    model_latency_p99_ms, and on Invocation5XXErrors / Invocation4XXErrors (Sum per period) at or
    above invocation_5xx_errors / invocation_4xx_errors; a threshold left null takes the alarms.sagemaker_*
    default, and 0 (here or there) means no alarm of that kind. Empty: no SageMaker alarm or widget.
  EOT
  type = map(object({
    endpoint_name         = string
    variant_name          = optional(string, "AllTraffic")
    model_latency_p99_ms  = optional(number)
    invocation_5xx_errors = optional(number)
    invocation_4xx_errors = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, e in var.sagemaker_endpoints : can(regex("^[A-Za-z0-9_.-]{1,100}$", k))])
    error_message = "sagemaker_endpoints keys must be 1-100 letters, digits, '.', '_' or '-' (they become part of alarm names)."
  }

  validation {
    condition     = alltrue([for e in values(var.sagemaker_endpoints) : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", e.endpoint_name))])
    error_message = "sagemaker_endpoints[*].endpoint_name must be a SageMaker endpoint name: 1-63 letters, digits and '-', starting and ending with a letter or digit."
  }

  validation {
    condition     = alltrue([for e in values(var.sagemaker_endpoints) : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", e.variant_name))])
    error_message = "sagemaker_endpoints[*].variant_name must be a production variant name: 1-63 letters, digits and '-', starting and ending with a letter or digit (sagemaker-route creates AllTraffic)."
  }

  validation {
    condition = alltrue(flatten([for e in values(var.sagemaker_endpoints) : [
      for v in [e.model_latency_p99_ms, e.invocation_5xx_errors, e.invocation_4xx_errors] : v == null ? true : v >= 0
    ]]))
    error_message = "sagemaker_endpoints[*].model_latency_p99_ms, invocation_5xx_errors and invocation_4xx_errors must be 0 (no such alarm) or more."
  }
}

locals {
  watched_endpoints = {
    for k, e in var.sagemaker_endpoints : k => merge(e, {
      dimensions            = { EndpointName = e.endpoint_name, VariantName = e.variant_name }
      model_latency_p99_ms  = e.model_latency_p99_ms != null ? e.model_latency_p99_ms : var.alarms.sagemaker_model_latency_p99_ms
      invocation_5xx_errors = e.invocation_5xx_errors != null ? e.invocation_5xx_errors : var.alarms.sagemaker_invocation_5xx_errors
      invocation_4xx_errors = e.invocation_4xx_errors != null ? e.invocation_4xx_errors : var.alarms.sagemaker_invocation_4xx_errors
    })
  }

  sagemaker_error_alarms = {
    "5xx" = "model or container failures"
    "4xx" = "requests the model rejected"
  }

  # Definitions for aws_cloudwatch_metric_alarm.this (alarms.tf).
  sagemaker_alarms = merge(
    { for k, e in local.watched_endpoints : "sagemaker_model_latency/${k}" => merge(local.alarm_base, {
      alarm_name         = "${var.name}-sagemaker-${k}-p99-model-latency"
      description        = "p99 ModelLatency of SageMaker endpoint ${e.endpoint_name} (variant ${e.variant_name}) above ${e.model_latency_p99_ms} ms (threshold ${e.model_latency_p99_ms * 1000} microseconds, the metric's unit)."
      namespace          = "AWS/SageMaker"
      metric_name        = "ModelLatency"
      dimensions         = e.dimensions
      extended_statistic = "p99"
      threshold          = e.model_latency_p99_ms * 1000
    }) if e.model_latency_p99_ms > 0 },
    { for p in setproduct(keys(local.watched_endpoints), keys(local.sagemaker_error_alarms)) : "sagemaker_${p[1]}/${p[0]}" => merge(local.alarm_base, {
      alarm_name          = "${var.name}-sagemaker-${p[0]}-${p[1]}"
      description         = "SageMaker endpoint ${local.watched_endpoints[p[0]].endpoint_name} (variant ${local.watched_endpoints[p[0]].variant_name}) answered at least ${local.watched_endpoints[p[0]]["invocation_${p[1]}_errors"]} invocations ${upper(p[1])} per period (${local.sagemaker_error_alarms[p[1]]})."
      namespace           = "AWS/SageMaker"
      metric_name         = "Invocation${upper(p[1])}Errors"
      dimensions          = local.watched_endpoints[p[0]].dimensions
      statistic           = "Sum"
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = local.watched_endpoints[p[0]]["invocation_${p[1]}_errors"]
    }) if local.watched_endpoints[p[0]]["invocation_${p[1]}_errors"] > 0 },
  )

  sagemaker_labels = sort(keys(local.watched_endpoints))

  # Dashboard: invocations and errors, and p99 model latency converted to milliseconds.
  sagemaker_widgets = [for w in [
    {
      type = "metric"
      properties = {
        title  = "SageMaker endpoints: invocations and errors"
        region = local.region
        period = local.period
        stat   = "Sum"
        view   = "timeSeries"
        metrics = concat([], [for k in local.sagemaker_labels : [
          for m in ["Invocations", "Invocation4XXErrors", "Invocation5XXErrors"] :
          ["AWS/SageMaker", m, "EndpointName", local.watched_endpoints[k].endpoint_name, "VariantName", local.watched_endpoints[k].variant_name, { label = "${k} ${m}" }]
        ]]...)
      }
    },
    {
      type = "metric"
      properties = {
        title  = "SageMaker model latency p99 (ms)"
        region = local.region
        period = local.period
        view   = "timeSeries"
        metrics = concat([], [for i, k in local.sagemaker_labels : [
          [{ id = "ms${i}", expression = "us${i} / 1000", label = k }],
          ["AWS/SageMaker", "ModelLatency", "EndpointName", local.watched_endpoints[k].endpoint_name, "VariantName", local.watched_endpoints[k].variant_name, { id = "us${i}", stat = "p99", visible = false }],
        ]]...)
      }
    },
  ] : w if length(local.sagemaker_labels) > 0]
}
