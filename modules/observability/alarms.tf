locals {
  create_alarms = var.create && var.alarms.enabled
  ok_actions    = var.send_ok_notifications ? local.alarm_actions : []

  token_budgets = {
    for k, b in var.token_budgets : k => merge(b, {
      threshold = b.tokens_per_day * b.window_seconds / 86400 * b.burn_rate
      metrics = flatten([for i, m in b.models : [
        { id = "in${i}", metric = "InputTokens", model = m },
        { id = "out${i}", metric = "OutputTokens", model = m },
      ]])
    })
  }

  function_count_alarms = {
    errors    = { metric_name = "Errors", threshold = var.alarms.lambda_errors, what = "reported at least ${var.alarms.lambda_errors} errors per period" }
    throttles = { metric_name = "Throttles", threshold = var.alarms.lambda_throttles, what = "was throttled at least ${var.alarms.lambda_throttles} times per period (concurrency limit reached)" }
  }

  # Every alarm of one metric (or one metric-math expression) is a definition below, keyed
  # by its name in the output alarm_names; aws_cloudwatch_metric_alarm.this creates them all
  # (ADR 0131). A definition sets what differs from alarm_base.
  alarm_base = {
    namespace           = null
    metric_name         = null
    dimensions          = null
    statistic           = null
    extended_statistic  = null
    period              = var.alarms.period_seconds
    comparison_operator = "GreaterThanThreshold"
    evaluation_periods  = var.alarms.evaluation_periods
    datapoints_to_alarm = var.alarms.datapoints_to_alarm
    queries             = []
  }

  # A group per kind of alarm, in the order the alarm widget lists them: the stage and the
  # functions, then (after the token budgets) headroom, routes and endpoints.
  alarm_groups_first = [
    { for k, d in {
      api_5xx_rate = merge(local.alarm_base, {
        alarm_name  = "${var.name}-api-5xx-rate"
        description = "More than ${var.alarms.api_5xx_rate_percent}% of requests to ${var.rest_api_name}/${var.stage_name} answered 5XX."
        threshold   = var.alarms.api_5xx_rate_percent
        queries = [
          { id = "rate", expression = "IF(requests > 0, 100 * errors / requests, 0)", label = "5XX rate (%)", return_data = true, metric = [] },
          { id = "errors", expression = null, label = null, return_data = null, metric = [{ namespace = "AWS/ApiGateway", metric_name = "5XXError", dimensions = local.api_dimensions, period = var.alarms.period_seconds, stat = "Sum" }] },
          { id = "requests", expression = null, label = null, return_data = null, metric = [{ namespace = "AWS/ApiGateway", metric_name = "Count", dimensions = local.api_dimensions, period = var.alarms.period_seconds, stat = "Sum" }] },
        ]
      })
    } : k => d },
    # The whole request, stream included (API Gateway's Latency): meaningful for buffered
    # stages only, whose answers end within the 29 s integration timeout.
    { for k, d in {
      api_p99_latency = merge(local.alarm_base, {
        alarm_name         = "${var.name}-api-p99-latency"
        description        = "p99 latency of ${var.rest_api_name}/${var.stage_name} above ${var.alarms.api_p99_latency_ms} ms."
        namespace          = "AWS/ApiGateway"
        metric_name        = "Latency"
        dimensions         = local.api_dimensions
        extended_statistic = "p99"
        threshold          = var.alarms.api_p99_latency_ms
      })
    } : k => d if var.alarms.api_latency_alarm },
    # A streamed answer is healthy when its first token comes quickly; its length is the
    # model's and the prompt's business. The gateway measures it (EMF TimeToFirstTokenMs,
    # dimension Route) from the request's arrival to the upstream's first chunk.
    { for r in var.ttft_routes : "ttft_p99/${r}" => merge(local.alarm_base, {
      alarm_name         = "${var.name}-ttft-p99-${r}"
      description        = "p99 time to first token of ${r} answers above ${var.alarms.ttft_p99_ms} ms (LLM gateway metric ${local.metrics_namespace}/TimeToFirstTokenMs)."
      namespace          = local.metrics_namespace
      metric_name        = "TimeToFirstTokenMs"
      dimensions         = { Route = r }
      extended_statistic = "p99"
      threshold          = var.alarms.ttft_p99_ms
    }) },
    { for k, d in {
      api_throttled = merge(local.alarm_base, {
        alarm_name  = "${var.name}-api-throttled"
        description = "More than ${var.alarms.api_throttled_requests} requests per period answered 429 (usage-plan throttle or quota) on ${var.rest_api_name}/${var.stage_name}."
        namespace   = local.access_log_metric_namespace
        metric_name = "ThrottledRequests"
        statistic   = "Sum"
        threshold   = var.alarms.api_throttled_requests
      })
    } : k => d if local.watch_access_log },
    { for k, d in {
      waf_blocked = merge(local.alarm_base, {
        alarm_name  = "${var.name}-waf-blocked-spike"
        description = "WAF web ACL ${coalesce(var.web_acl_name, "-")} blocked more than ${var.alarms.waf_blocked_requests} requests per period."
        namespace   = "AWS/WAFV2"
        metric_name = "BlockedRequests"
        dimensions  = local.waf_dimensions
        statistic   = "Sum"
        threshold   = var.alarms.waf_blocked_requests
      })
    } : k => d if local.watch_waf },
    # Errors and throttles of every function: a count per period at or above its threshold.
    { for p in setproduct(keys(local.function_names), keys(local.function_count_alarms)) : "lambda_${p[1]}/${p[0]}" => merge(local.alarm_base, {
      alarm_name          = "${var.name}-lambda-${p[0]}-${p[1]}"
      description         = "Lambda ${local.function_names[p[0]]} ${local.function_count_alarms[p[1]].what}."
      namespace           = "AWS/Lambda"
      metric_name         = local.function_count_alarms[p[1]].metric_name
      dimensions          = { FunctionName = local.function_names[p[0]] }
      statistic           = "Sum"
      comparison_operator = "GreaterThanOrEqualToThreshold"
      threshold           = local.function_count_alarms[p[1]].threshold
    }) },
  ]
  alarm_groups_then = [
    local.function_duration_alarms,
    local.concurrency_alarms,
    local.route_alarms,
    local.sagemaker_alarms,
  ]

  alarm_defs = { for k, d in merge(concat(local.alarm_groups_first, local.alarm_groups_then)...) : k => d if local.create_alarms }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarm_defs

  alarm_name          = each.value.alarm_name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = each.value.namespace == null ? null : each.value.period
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  dynamic "metric_query" {
    for_each = each.value.queries
    content {
      id          = metric_query.value.id
      expression  = metric_query.value.expression
      label       = metric_query.value.label
      return_data = metric_query.value.return_data

      dynamic "metric" {
        for_each = metric_query.value.metric
        content {
          namespace   = metric.value.namespace
          metric_name = metric.value.metric_name
          dimensions  = metric.value.dimensions
          period      = metric.value.period
          stat        = metric.value.stat
        }
      }
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_metric_filter.throttled]

  lifecycle {
    precondition {
      condition     = each.key != "waf_blocked" || var.web_acl_name != null
      error_message = "watch_waf = true needs web_acl_name (waf output web_acl_name); set watch_waf = false for a stage without a web ACL."
    }
  }
}

# Tenants' token budgets: one metric-math alarm over up to ten EMF metrics each. Kept apart
# from aws_cloudwatch_metric_alarm.this because its keys are the caller's budget names, which
# a moved block cannot enumerate (ADR 0131).
resource "aws_cloudwatch_metric_alarm" "token_budget_burn" {
  for_each = local.create_alarms ? local.token_budgets : {}

  alarm_name          = "${var.name}-token-burn-${each.key}"
  alarm_description   = "Tenant ${each.value.tenant} used more than ${each.value.burn_rate}x its daily token budget (${each.value.tokens_per_day}) pro rata over ${each.value.window_seconds} s on ${join(", ", each.value.models)}."
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  metric_query {
    id          = "tokens"
    expression  = join(" + ", [for m in each.value.metrics : "FILL(${m.id}, 0)"])
    label       = "Tokens of ${each.value.tenant} per ${each.value.window_seconds} s"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = each.value.metrics
    content {
      id = metric_query.value.id
      metric {
        namespace   = local.metrics_namespace
        metric_name = metric_query.value.metric
        dimensions = {
          Tenant = each.value.tenant
          Model  = metric_query.value.model
        }
        period = each.value.window_seconds
        stat   = "Sum"
      }
    }
  }

  tags = var.tags
}

locals {
  alarm_arns = concat(
    [for k in flatten([for g in local.alarm_groups_first : sort(keys(g))]) : aws_cloudwatch_metric_alarm.this[k].arn if local.create_alarms],
    [for a in aws_cloudwatch_metric_alarm.token_budget_burn : a.arn],
    [for k in flatten([for g in local.alarm_groups_then : sort(keys(g))]) : aws_cloudwatch_metric_alarm.this[k].arn if local.create_alarms],
  )
}
