output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "dashboard_arn" {
  description = "ARN of the CloudWatch dashboard."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_arn, null)
}

output "dashboard_body" {
  description = "Rendered dashboard JSON (also useful to review or diff)."
  value       = var.create ? local.dashboard_body : null
}

output "sns_topic_arn" {
  description = "ARN of the SNS topic the alarms notify (created or supplied)."
  value       = var.create ? local.topic_arn : null
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the alarm topic (created or supplied)."
  value       = var.create && var.create_sns_topic ? local.kms_key_arn : null
}

output "alarm_arns" {
  description = "ARNs of every alarm the module created."
  value       = var.create ? local.alarm_arns : []
}

output "alarm_names" {
  description = "Alarm names by purpose: api_5xx_rate, api_p99_latency, ttft_p99/<route>, api_throttled, waf_blocked, lambda_errors/<label>, lambda_throttles/<label>, lambda_duration/<label>, account_concurrency, function_concurrency/<label>, route_5xx/<route>, route_4xx/<route>, route_latency/<route>, sagemaker_model_latency/<key>, sagemaker_5xx/<key>, sagemaker_4xx/<key>, token_budget_burn/<key>."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.token_budget_burn : "token_budget_burn/${k}" => a.alarm_name },
  )
}

output "throttled_metric" {
  description = "Namespace and name of the access-log metric counting 429 answers, or null when watch_access_log = false."
  value       = var.create && local.watch_access_log ? { namespace = local.access_log_metric_namespace, metric_name = "ThrottledRequests" } : null
}
