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
}

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-api-5xx-rate"
  alarm_description   = "More than ${var.alarms.api_5xx_rate_percent}% of requests to ${var.rest_api_name}/${var.stage_name} answered 5XX."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.api_5xx_rate_percent
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5XX rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      dimensions  = local.api_dimensions
      period      = var.alarms.period_seconds
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = local.api_dimensions
      period      = var.alarms.period_seconds
      stat        = "Sum"
    }
  }

  tags = var.tags
}

# The whole request, stream included (API Gateway's Latency): meaningful for buffered stages
# only, whose answers end within the 29 s integration timeout.
resource "aws_cloudwatch_metric_alarm" "api_p99_latency" {
  count = local.create_alarms && var.alarms.api_latency_alarm ? 1 : 0

  alarm_name          = "${var.name}-api-p99-latency"
  alarm_description   = "p99 latency of ${var.rest_api_name}/${var.stage_name} above ${var.alarms.api_p99_latency_ms} ms."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.api_dimensions
  extended_statistic  = "p99"
  period              = var.alarms.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.api_p99_latency_ms
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags
}

# A streamed answer is healthy when its first token comes quickly; its length is the
# model's and the prompt's business. The gateway measures it (EMF TimeToFirstTokenMs,
# dimension Route) from the request's arrival to the upstream's first chunk.
resource "aws_cloudwatch_metric_alarm" "ttft_p99" {
  for_each = local.create_alarms ? toset(var.ttft_routes) : toset([])

  alarm_name          = "${var.name}-ttft-p99-${each.key}"
  alarm_description   = "p99 time to first token of ${each.key} answers above ${var.alarms.ttft_p99_ms} ms (LLM gateway metric ${local.metrics_namespace}/TimeToFirstTokenMs)."
  namespace           = local.metrics_namespace
  metric_name         = "TimeToFirstTokenMs"
  dimensions          = { Route = each.key }
  extended_statistic  = "p99"
  period              = var.alarms.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.ttft_p99_ms
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_throttled" {
  count = local.create_alarms && local.watch_access_log ? 1 : 0

  alarm_name          = "${var.name}-api-throttled"
  alarm_description   = "More than ${var.alarms.api_throttled_requests} requests per period answered 429 (usage-plan throttle or quota) on ${var.rest_api_name}/${var.stage_name}."
  namespace           = local.access_log_metric_namespace
  metric_name         = "ThrottledRequests"
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.api_throttled_requests
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags

  depends_on = [aws_cloudwatch_log_metric_filter.throttled]
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = local.create_alarms ? local.function_names : {}

  alarm_name          = "${var.name}-lambda-${each.key}-errors"
  alarm_description   = "Lambda ${each.value} reported at least ${var.alarms.lambda_errors} errors per period."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarms.lambda_errors
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  for_each = local.create_alarms ? local.function_names : {}

  alarm_name          = "${var.name}-lambda-${each.key}-throttles"
  alarm_description   = "Lambda ${each.value} was throttled at least ${var.alarms.lambda_throttles} times per period (concurrency limit reached)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.alarms.lambda_throttles
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "waf_blocked" {
  count = local.create_alarms && local.watch_waf ? 1 : 0

  alarm_name          = "${var.name}-waf-blocked-spike"
  alarm_description   = "WAF web ACL ${coalesce(var.web_acl_name, "-")} blocked more than ${var.alarms.waf_blocked_requests} requests per period."
  namespace           = "AWS/WAFV2"
  metric_name         = "BlockedRequests"
  dimensions          = local.waf_dimensions
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.waf_blocked_requests
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.ok_actions

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.web_acl_name != null
      error_message = "watch_waf = true needs web_acl_name (waf output web_acl_name); set watch_waf = false for a stage without a web ACL."
    }
  }
}

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
