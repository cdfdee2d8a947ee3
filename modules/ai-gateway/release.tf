# Releases with a canary (docs/releases.md, ADR 0140): what var.release hands to
# gateway-core (stage canary) and llm-route (weighted `live` alias), and the opt-in alarms
# on the canary that `aigw release watch` rolls back on.

locals {
  release = var.release

  gateway_canary = [for c in compact([local.release.stage_canary == null ? "" : "stage"]) : {
    percent_traffic          = local.release.stage_canary.percent_traffic
    base_deployment_key      = local.release.stage_canary.base_deployment_key
    stage_variable_overrides = local.release.stage_canary.stage_variable_overrides
    use_stage_cache          = local.release.stage_canary.use_stage_cache
    rolled_back              = local.release.rolled_back
  }]

  # Rolled back: the alias stays on stable_version with no routing (weight 0).
  llm_canary = [for c in compact([local.release.llm_canary == null ? "" : "llm"]) : {
    stable_version = local.release.llm_canary.stable_version
    weight         = local.release.rolled_back ? 0 : local.release.llm_canary.weight
  }]

  release_alarms = var.create && local.release.alarms.enabled
  # API Gateway reports the canary's requests under the stage name suffixed /Canary.
  canary_stage_dimension = "${var.stage_name}/Canary"
  llm_alias_name         = try(element(split(":", module.llm.alias_arn), 7), "live")
  release_missing_data   = local.release.alarms.alarm_on_missing_data ? "breaching" : "notBreaching"
  release_alarm_actions  = local.release.alarms.send_to_alarm_topic && module.observability.sns_topic_arn != null ? [module.observability.sns_topic_arn] : []
}

locals {
  canary_stage_alarms = {
    "5xx-rate" = {
      description = "Share of the stage canary's requests answered 5XX above ${local.release.alarms.error_rate_5xx}"
      metric_name = "5XXError"
      statistic   = "Average" # 5XXError is 1 or 0 per request: its average is the rate
      extended    = null
      threshold   = local.release.alarms.error_rate_5xx
    }
    "p99-latency" = {
      description = "p99 latency of the stage canary above ${local.release.alarms.p99_latency_ms} ms"
      metric_name = "Latency"
      statistic   = null
      extended    = "p99"
      threshold   = local.release.alarms.p99_latency_ms
    }
  }
  # The LLM function's newly published version as invoked through the alias (Lambda's
  # FunctionName + Resource "<function>:<alias>" + ExecutedVersion dimensions).
  canary_llm_dimensions = {
    FunctionName    = module.llm.function_name
    Resource        = "${module.llm.function_name}:${local.llm_alias_name}"
    ExecutedVersion = module.llm.function_version
  }
}

resource "aws_cloudwatch_metric_alarm" "canary_stage" {
  for_each = local.release_alarms ? local.canary_stage_alarms : {}

  alarm_name          = "${var.name}-canary-${each.key}"
  alarm_description   = "${each.value.description} (aigw release watch rolls back)."
  namespace           = "AWS/ApiGateway"
  metric_name         = each.value.metric_name
  dimensions          = { ApiName = module.gateway.rest_api_name, Stage = local.canary_stage_dimension }
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended
  period              = local.release.alarms.period_seconds
  evaluation_periods  = local.release.alarms.evaluation_periods
  datapoints_to_alarm = local.release.alarms.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = local.release_missing_data
  alarm_actions       = local.release_alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "canary_llm_error_rate" {
  count = local.release_alarms ? 1 : 0

  alarm_name          = "${var.name}-canary-llm-error-rate"
  alarm_description   = "Error rate of the LLM function's newly published version above ${local.release.alarms.llm_error_rate} (aigw release watch rolls back)."
  evaluation_periods  = local.release.alarms.evaluation_periods
  datapoints_to_alarm = local.release.alarms.datapoints_to_alarm
  threshold           = local.release.alarms.llm_error_rate
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = local.release_missing_data
  alarm_actions       = local.release_alarm_actions
  tags                = var.tags

  metric_query {
    id          = "rate"
    expression  = "errors / invocations"
    label       = "LLM canary error rate"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { errors = "Errors", invocations = "Invocations" }
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/Lambda"
        metric_name = metric_query.value
        period      = local.release.alarms.period_seconds
        stat        = "Sum"
        dimensions  = local.canary_llm_dimensions
      }
    }
  }
}

output "release" {
  description = "What `aigw release` acts on: the REST API, stage, deployments, the LLM function's alias and version, and the canary alarms (empty list unless release.alarms.enabled)."
  value = {
    rest_api_id          = module.gateway.rest_api_id
    rest_api_name        = module.gateway.rest_api_name
    stage_name           = module.gateway.stage_name
    deployment_id        = module.gateway.deployment_id
    deployment_key       = module.gateway.deployment_key
    canary_deployment_id = module.gateway.canary_deployment_id
    llm_function_name    = module.llm.function_name
    llm_alias_name       = local.llm_alias_name
    llm_function_version = module.llm.function_version
    canary_stage_metrics = local.canary_stage_dimension
    alarm_names = concat(
      [for a in aws_cloudwatch_metric_alarm.canary_stage : a.alarm_name],
      aws_cloudwatch_metric_alarm.canary_llm_error_rate[*].alarm_name,
    )
  }
}
