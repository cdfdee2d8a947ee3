# The alarm topic key moved into the shared kms-key module.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this
}

# One alarm resource for every single-metric alarm, keyed as in the output alarm_names
# (ADR 0131). Instance keys of a moved block must be literal: below are the singletons, every
# route ttft_routes accepted before (chat_completions, prompts) and the function labels the
# composed gateway and the examples use (llm, authorizer). A caller watching functions under
# other labels adds, in its own configuration, for each label L:
#   moved {
#     from = module.<call>.aws_cloudwatch_metric_alarm.lambda_errors["L"]
#     to   = module.<call>.aws_cloudwatch_metric_alarm.this["lambda_errors/L"]
#   }
# and the same for lambda_throttles and function_concurrency.
moved {
  from = aws_cloudwatch_metric_alarm.api_5xx_rate[0]
  to   = aws_cloudwatch_metric_alarm.this["api_5xx_rate"]
}

moved {
  from = aws_cloudwatch_metric_alarm.api_p99_latency[0]
  to   = aws_cloudwatch_metric_alarm.this["api_p99_latency"]
}

moved {
  from = aws_cloudwatch_metric_alarm.api_throttled[0]
  to   = aws_cloudwatch_metric_alarm.this["api_throttled"]
}

moved {
  from = aws_cloudwatch_metric_alarm.waf_blocked[0]
  to   = aws_cloudwatch_metric_alarm.this["waf_blocked"]
}

moved {
  from = aws_cloudwatch_metric_alarm.account_concurrency[0]
  to   = aws_cloudwatch_metric_alarm.this["account_concurrency"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ttft_p99["chat_completions"]
  to   = aws_cloudwatch_metric_alarm.this["ttft_p99/chat_completions"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ttft_p99["prompts"]
  to   = aws_cloudwatch_metric_alarm.this["ttft_p99/prompts"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_errors["llm"]
  to   = aws_cloudwatch_metric_alarm.this["lambda_errors/llm"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_errors["authorizer"]
  to   = aws_cloudwatch_metric_alarm.this["lambda_errors/authorizer"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_throttles["llm"]
  to   = aws_cloudwatch_metric_alarm.this["lambda_throttles/llm"]
}

moved {
  from = aws_cloudwatch_metric_alarm.lambda_throttles["authorizer"]
  to   = aws_cloudwatch_metric_alarm.this["lambda_throttles/authorizer"]
}

moved {
  from = aws_cloudwatch_metric_alarm.function_concurrency["llm"]
  to   = aws_cloudwatch_metric_alarm.this["function_concurrency/llm"]
}

moved {
  from = aws_cloudwatch_metric_alarm.function_concurrency["authorizer"]
  to   = aws_cloudwatch_metric_alarm.this["function_concurrency/authorizer"]
}
