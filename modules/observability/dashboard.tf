locals {
  period = var.dashboard_period_seconds
  ns     = local.metrics_namespace

  api_dims = ["ApiName", var.rest_api_name, "Stage", var.stage_name]

  # SEARCH expressions over the LLM Lambda's EMF dimension sets.
  search_tenant_model   = "{${local.ns},Model,Tenant}"
  search_model_provider = "{${local.ns},Model,Provider}"

  fn_labels = sort(keys(local.function_names))

  # Widgets in reading order; each row holds two 12-wide widgets.
  widget_list = concat(
    [
      {
        type       = "text"
        properties = { markdown = "# ${var.rest_api_name} / ${var.stage_name}\nAPI Gateway, WAF, Lambda, LLM usage (EMF namespace `${local.ns}`), routes by family and SageMaker endpoints." }
      },
      {
        type = "metric"
        properties = {
          title  = "Requests and errors"
          region = local.region
          period = local.period
          stat   = "Sum"
          view   = "timeSeries"
          metrics = [
            concat(["AWS/ApiGateway", "Count"], local.api_dims, [{ label = "Requests" }]),
            concat(["AWS/ApiGateway", "4XXError"], local.api_dims, [{ label = "4XX" }]),
            concat(["AWS/ApiGateway", "5XXError"], local.api_dims, [{ label = "5XX" }]),
          ]
        }
      },
      {
        type = "metric"
        properties = {
          title  = "Latency and integration latency (ms)"
          region = local.region
          period = local.period
          view   = "timeSeries"
          metrics = [
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p50", label = "Latency p50" }]),
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p99", label = "Latency p99" }]),
            concat(["AWS/ApiGateway", "IntegrationLatency"], local.api_dims, [{ stat = "p50", label = "Integration p50" }]),
            concat(["AWS/ApiGateway", "IntegrationLatency"], local.api_dims, [{ stat = "p99", label = "Integration p99" }]),
          ]
        }
      },
    ],
    [for w in [
      {
        type = "metric"
        properties = {
          title   = "Throttled and over-quota requests (429)"
          region  = local.region
          period  = local.period
          stat    = "Sum"
          view    = "timeSeries"
          metrics = [[local.access_log_metric_namespace, "ThrottledRequests", { label = "429 answers" }]]
        }
      },
    ] : w if local.watch_access_log],
    [for w in [
      {
        type = "metric"
        properties = {
          title  = "WAF requests"
          region = local.region
          period = local.period
          stat   = "Sum"
          view   = "timeSeries"
          metrics = [
            for m in ["AllowedRequests", "BlockedRequests", "CountedRequests"] :
            ["AWS/WAFV2", m, "WebACL", var.web_acl_name, "Region", local.region, "Rule", "ALL", { label = m }]
          ]
        }
      },
    ] : w if local.watch_waf],
    [for w in [
      {
        type = "metric"
        properties = {
          title  = "Lambda errors and throttles"
          region = local.region
          period = local.period
          stat   = "Sum"
          view   = "timeSeries"
          # One [namespace, metric, dimension, value, options] row per metric (CloudWatch
          # takes an array of arrays; flatten() would merge the rows into one).
          metrics = concat([], [for k in local.fn_labels : [
            ["AWS/Lambda", "Errors", "FunctionName", local.function_names[k], { label = "${k} errors" }],
            ["AWS/Lambda", "Throttles", "FunctionName", local.function_names[k], { label = "${k} throttles" }],
          ]]...)
        }
      },
      {
        type = "metric"
        properties = {
          title  = "Lambda duration (ms)"
          region = local.region
          period = local.period
          view   = "timeSeries"
          metrics = concat([], [for k in local.fn_labels : [
            ["AWS/Lambda", "Duration", "FunctionName", local.function_names[k], { stat = "p50", label = "${k} p50" }],
            ["AWS/Lambda", "Duration", "FunctionName", local.function_names[k], { stat = "p99", label = "${k} p99" }],
          ]]...)
        }
      },
      {
        type = "metric"
        properties = {
          title  = "Lambda concurrency"
          region = local.region
          period = local.period
          stat   = "Maximum"
          view   = "timeSeries"
          metrics = [for k in local.fn_labels :
            ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", local.function_names[k], { label = k }]
          ]
        }
      },
    ] : w if length(local.fn_labels) > 0],
    [
      {
        type = "metric"
        properties = {
          title  = "Tokens by tenant and model"
          region = local.region
          period = local.period
          view   = "timeSeries"
          metrics = [
            [{ id = "tin", expression = "SEARCH('${local.search_tenant_model} MetricName=\"InputTokens\"', 'Sum', ${local.period})", label = "in" }],
            [{ id = "tout", expression = "SEARCH('${local.search_tenant_model} MetricName=\"OutputTokens\"', 'Sum', ${local.period})", label = "out" }],
            [{ id = "tcache", expression = "SEARCH('${local.search_tenant_model} MetricName=\"CacheReadTokens\"', 'Sum', ${local.period})", label = "cache read" }],
          ]
        }
      },
      {
        type = "metric"
        properties = {
          title  = "Estimated cost (USD) by tenant and model"
          region = local.region
          period = local.period
          view   = "timeSeries"
          metrics = [
            [{ id = "cost", expression = "SEARCH('${local.search_tenant_model} MetricName=\"EstimatedCostUSD\"', 'Sum', ${local.period})", label = "USD" }],
          ]
        }
      },
      {
        type = "metric"
        properties = {
          title  = "Model latency and time to first token p99 (ms)"
          region = local.region
          period = local.period
          view   = "timeSeries"
          metrics = [
            [{ id = "lat", expression = "SEARCH('${local.search_model_provider} MetricName=\"LatencyMs\"', 'p99', ${local.period})", label = "latency" }],
            [{ id = "ttft", expression = "SEARCH('${local.search_model_provider} MetricName=\"TimeToFirstTokenMs\"', 'p99', ${local.period})", label = "TTFT" }],
          ]
        }
      },
      {
        type = "metric"
        properties = {
          title  = "Provider errors and token-quota rejections"
          region = local.region
          period = local.period
          view   = "timeSeries"
          metrics = [
            [{ id = "perr", expression = "SEARCH('${local.search_model_provider} MetricName=\"ProviderErrors\"', 'Sum', ${local.period})", label = "provider errors" }],
            [{ id = "quota", expression = "SEARCH('${local.search_tenant_model} MetricName=\"QuotaRejections\"', 'Sum', ${local.period})", label = "quota rejections" }],
          ]
        }
      },
    ],
    # One section per route family present and one for the SageMaker endpoints.
    local.route_widgets,
    local.sagemaker_widgets,
    [for w in [
      {
        type       = "alarm"
        properties = { title = "Alarms", alarms = local.alarm_arns }
      },
    ] : w if length(local.alarm_arns) > 0],
  )

  widgets = [
    for i, w in local.widget_list : merge(w, {
      width  = w.type == "text" ? 24 : 12
      height = w.type == "text" ? 2 : 6
      # The text header takes row 0; then two widgets per row.
      x = w.type == "text" ? 0 : ((i - 1) % 2) * 12
      y = w.type == "text" ? 0 : 2 + floor((i - 1) / 2) * 6
    })
  ]

  dashboard_body = jsonencode({ widgets = local.widgets })
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create && var.create_dashboard ? 1 : 0

  dashboard_name = var.name
  dashboard_body = local.dashboard_body

  lifecycle {
    precondition {
      condition     = !var.watch_waf || var.web_acl_name != null
      error_message = "watch_waf = true needs web_acl_name (waf output web_acl_name); set watch_waf = false for a stage without a web ACL."
    }
  }
}
