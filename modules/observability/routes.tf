# Per-route alarms and dashboard widgets from API Gateway's per-method metrics (dimensions
# ApiName, Stage, Resource, Method). API Gateway publishes those only for methods with
# detailed CloudWatch metrics (method settings metrics_enabled = true; gateway-core's
# metrics_enabled input, on by default); without them these alarms see no data and stay OK.

locals {
  route_families = ["llm", "sagemaker", "ai_service", "private", "http"]
  route_family_titles = {
    llm        = "LLM"
    sagemaker  = "SageMaker"
    ai_service = "AI service"
    private    = "Private back-end"
    http       = "HTTP back-end"
  }
}

variable "metrics_enabled" {
  description = "Whether the stage has detailed CloudWatch metrics, i.e. the value given to gateway-core's metrics_enabled (its default: true). Per-route alarms and widgets read per-method metrics, which API Gateway publishes only then: routes must be empty when this is false."
  type        = bool
  default     = true
  nullable    = false
}

variable "routes" {
  description = <<-EOT
    Routes to alarm on one by one (key = route name, as in gateway-core's routes): method and path
    as API Gateway reports them in the Method and Resource dimensions (path = the resource path,
    e.g. /v1/translate or /v1/prompts/{name}), and family: llm, sagemaker, ai_service, private
    (VPC link back ends) or http (HTTP back ends). Each route gets a 5XX-rate, a 4XX-rate and a
    p99-latency alarm at its family's thresholds (route_alarm_thresholds) unless the route sets
    its own; a threshold of 0 means no alarm of that kind. Needs detailed metrics on the stage
    (gateway-core metrics_enabled = true). Empty: no per-route alarm or widget.
  EOT
  type = map(object({
    method                  = string
    path                    = string
    family                  = string
    errors_5xx_rate_percent = optional(number)
    errors_4xx_rate_percent = optional(number)
    p99_latency_ms          = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, r in var.routes : can(regex("^[A-Za-z0-9_.-]{1,160}$", k))])
    error_message = "routes keys must be 1-160 letters, digits, '.', '_' or '-' (they become part of alarm names; llm-route's prompt routes are llm_prompt_<name>)."
  }

  validation {
    condition     = length(var.routes) == 0 || var.metrics_enabled
    error_message = "routes needs detailed metrics on the stage (metrics_enabled = true, gateway-core's metrics_enabled): without them API Gateway publishes no per-method metric and the per-route alarms would never fire."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : contains(["llm", "sagemaker", "ai_service", "private", "http"], r.family)])
    error_message = "routes[*].family must be one of: llm, sagemaker, ai_service, private, http."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], r.method)])
    error_message = "routes[*].method must be one of: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY (upper case, as in the Method dimension)."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : can(regex("^/([A-Za-z0-9._~{}+-]+(/[A-Za-z0-9._~{}+-]+)*)?$", r.path))])
    error_message = "routes[*].path must be a resource path as in the Resource dimension: '/' then segments of letters, digits, . _ ~ - + and {parameters}, no trailing '/' (e.g. /v1/translate)."
  }

  validation {
    condition = alltrue(flatten([for r in values(var.routes) : [
      for p in [r.errors_5xx_rate_percent, r.errors_4xx_rate_percent] : p == null ? true : p >= 0 && p <= 100
    ]]))
    error_message = "routes[*].errors_5xx_rate_percent and errors_4xx_rate_percent must be percentages in [0, 100] (0: no such alarm for the route)."
  }

  validation {
    condition     = alltrue([for r in values(var.routes) : r.p99_latency_ms == null ? true : r.p99_latency_ms >= 0])
    error_message = "routes[*].p99_latency_ms must be 0 (no latency alarm for the route) or more."
  }
}

variable "route_alarm_thresholds" {
  description = "Per-family thresholds of the per-route alarms (routes), keyed by family (llm, sagemaker, ai_service, private, http): errors_5xx_rate_percent and errors_4xx_rate_percent (share of the route's requests per period, from the Average of 5XXError / 4XXError), p99_latency_ms (API Gateway Latency). What a family leaves null keeps the module's default (5XX 1%; 4XX 10%, llm 25%; p99 latency 10000 ms, ai_service 5000 ms, llm none: a streamed answer's Latency spans the stream, ttft_routes watches its first token). 0: no alarm of that kind for the family."
  type = map(object({
    errors_5xx_rate_percent = optional(number)
    errors_4xx_rate_percent = optional(number)
    p99_latency_ms          = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for f in keys(var.route_alarm_thresholds) : contains(["llm", "sagemaker", "ai_service", "private", "http"], f)])
    error_message = "route_alarm_thresholds keys must be route families: llm, sagemaker, ai_service, private, http."
  }

  validation {
    condition = alltrue(flatten([for f in values(var.route_alarm_thresholds) : [
      for p in [f.errors_5xx_rate_percent, f.errors_4xx_rate_percent] : p == null ? true : p >= 0 && p <= 100
    ]]))
    error_message = "route_alarm_thresholds[*].errors_5xx_rate_percent and errors_4xx_rate_percent must be percentages in [0, 100] (0: no such alarm for the family)."
  }

  validation {
    condition     = alltrue([for f in values(var.route_alarm_thresholds) : f.p99_latency_ms == null ? true : f.p99_latency_ms >= 0])
    error_message = "route_alarm_thresholds[*].p99_latency_ms must be 0 (no latency alarm for the family) or more."
  }
}

locals {
  route_family_defaults = {
    llm        = { errors_5xx_rate_percent = 1, errors_4xx_rate_percent = 25, p99_latency_ms = 0 }
    sagemaker  = { errors_5xx_rate_percent = 1, errors_4xx_rate_percent = 10, p99_latency_ms = 10000 }
    ai_service = { errors_5xx_rate_percent = 1, errors_4xx_rate_percent = 10, p99_latency_ms = 5000 }
    private    = { errors_5xx_rate_percent = 1, errors_4xx_rate_percent = 10, p99_latency_ms = 10000 }
    http       = { errors_5xx_rate_percent = 1, errors_4xx_rate_percent = 10, p99_latency_ms = 10000 }
  }

  # A family's thresholds: the caller's where set, else the defaults above.
  route_family_thresholds = {
    for f, d in local.route_family_defaults : f => {
      for t, v in d : t => try(coalesce(var.route_alarm_thresholds[f][t], v), v)
    }
  }
}

locals {
  # Each route with its thresholds resolved (its own, else its family's).
  watched_routes = {
    for k, r in var.routes : k => {
      method = r.method
      path   = r.path
      family = r.family
      dimensions = merge(local.api_dimensions, {
        Resource = r.path
        Method   = r.method
      })
      errors_5xx_rate_percent = r.errors_5xx_rate_percent != null ? r.errors_5xx_rate_percent : local.route_family_thresholds[r.family].errors_5xx_rate_percent
      errors_4xx_rate_percent = r.errors_4xx_rate_percent != null ? r.errors_4xx_rate_percent : local.route_family_thresholds[r.family].errors_4xx_rate_percent
      p99_latency_ms          = r.p99_latency_ms != null ? r.p99_latency_ms : local.route_family_thresholds[r.family].p99_latency_ms
    }
  }

  # Definitions for aws_cloudwatch_metric_alarm.this (alarms.tf). The Average of 5XXError
  # (4XXError) is the route's error rate as a fraction of its requests.
  route_alarms = merge(
    { for p in setproduct(keys(local.watched_routes), ["5xx", "4xx"]) : "route_${p[1]}/${p[0]}" => merge(local.alarm_base, {
      alarm_name  = "${var.name}-route-${p[0]}-${p[1]}-rate"
      description = "More than ${local.watched_routes[p[0]]["errors_${p[1]}_rate_percent"]}% of ${local.watched_routes[p[0]].method} ${local.watched_routes[p[0]].path} requests (${local.watched_routes[p[0]].family} route ${p[0]}) answered ${upper(p[1])}."
      namespace   = "AWS/ApiGateway"
      metric_name = "${upper(p[1])}Error"
      dimensions  = local.watched_routes[p[0]].dimensions
      statistic   = "Average"
      threshold   = local.watched_routes[p[0]]["errors_${p[1]}_rate_percent"] / 100
    }) if coalesce(local.watched_routes[p[0]]["errors_${p[1]}_rate_percent"], 0) > 0 },
    { for k, r in local.watched_routes : "route_latency/${k}" => merge(local.alarm_base, {
      alarm_name         = "${var.name}-route-${k}-p99-latency"
      description        = "p99 latency of ${r.method} ${r.path} (${r.family} route ${k}) above ${r.p99_latency_ms} ms."
      namespace          = "AWS/ApiGateway"
      metric_name        = "Latency"
      dimensions         = r.dimensions
      extended_statistic = "p99"
      threshold          = r.p99_latency_ms
    }) if coalesce(r.p99_latency_ms, 0) > 0 },
  )

  # Dashboard: two widgets per family that has routes, none for the others.
  route_widgets = flatten([
    for f in local.route_families : [
      {
        type = "metric"
        properties = {
          title  = "${local.route_family_titles[f]} routes: requests and errors"
          region = local.region
          period = local.period
          stat   = "Sum"
          view   = "timeSeries"
          metrics = concat([], [for k in sort(keys(local.watched_routes)) : [
            for m in ["Count", "4XXError", "5XXError"] :
            ["AWS/ApiGateway", m, "ApiName", var.rest_api_name, "Stage", var.stage_name, "Resource", local.watched_routes[k].path, "Method", local.watched_routes[k].method, { label = "${k} ${m}" }]
          ] if local.watched_routes[k].family == f]...)
        }
      },
      {
        type = "metric"
        properties = {
          title  = "${local.route_family_titles[f]} routes: latency p99 (ms)"
          region = local.region
          period = local.period
          stat   = "p99"
          view   = "timeSeries"
          metrics = [for k in sort(keys(local.watched_routes)) :
            ["AWS/ApiGateway", "Latency", "ApiName", var.rest_api_name, "Stage", var.stage_name, "Resource", local.watched_routes[k].path, "Method", local.watched_routes[k].method, { label = k }]
            if local.watched_routes[k].family == f
          ]
        }
      },
    ] if contains([for r in values(var.routes) : r.family], f)
  ])
}
