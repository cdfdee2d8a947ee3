mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:aigw-obs-alarms"
    }
  }

  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:aigw-obs-mock"
    }
  }
}

variables {
  name                  = "aigw-obs"
  rest_api_name         = "aigw-api"
  stage_name            = "prod"
  access_log_group_name = "/aws/apigateway/aigw-api/prod"
  web_acl_name          = "aigw-waf"
  function_names = {
    llm        = "aigw-llm-gateway"
    authorizer = "aigw-authorizer"
  }
  token_budgets = {
    acme = {
      tenant         = "acme"
      models         = ["claude-sonnet", "gpt-4o"]
      tokens_per_day = 2400000
    }
  }
  subscriptions = [
    { protocol = "email", endpoint = "oncall@example.com" },
    { protocol = "sqs", endpoint = "arn:aws:sqs:us-east-1:123456789012:alerts" },
  ]
  tags = { project = "aigw" }
}

run "alarm_topic_is_kms_encrypted_and_only_alarms_publish" {
  command = apply

  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == module.kms_key.key_arn
    error_message = "The alarm topic must be encrypted with the module's KMS key."
  }

  assert {
    condition = anytrue([for s in jsondecode(module.kms_key.key_policy).Statement :
    try(s.Principal.Service, "") == "cloudwatch.amazonaws.com" && contains(s.Action, "kms:GenerateDataKey*")])
    error_message = "The key policy must let CloudWatch alarms use the key to publish."
  }

  assert {
    condition = one([for s in jsondecode(aws_sns_topic_policy.this[0].policy).Statement :
      s.Condition.ArnLike["aws:SourceArn"]
    if try(s.Principal.Service, "") == "cloudwatch.amazonaws.com"]) == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:aigw-obs-*"
    error_message = "Only this module's alarms may publish to the topic."
  }

  assert {
    condition     = !anytrue([for s in jsondecode(aws_sns_topic_policy.this[0].policy).Statement : contains(flatten([s.Action]), "*") || contains(flatten([s.Action]), "sns:*")])
    error_message = "The topic policy must not grant wildcard actions."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.this) == 2 && aws_sns_topic_subscription.this["0"].protocol == "email" && aws_sns_topic_subscription.this["1"].endpoint == "arn:aws:sqs:us-east-1:123456789012:alerts"
    error_message = "Every requested subscription must be created."
  }

  assert {
    condition     = aws_sns_topic.this[0].tags["project"] == "aigw"
    error_message = "Tags must reach the topic."
  }

  assert {
    condition     = one([for s in jsondecode(aws_sns_topic_policy.this[0].policy).Statement : s if s.Sid == "AccountManagesTopic"]).Condition.StringEquals["aws:PrincipalAccount"] == "123456789012"
    error_message = "Only principals of this account manage the topic."
  }
}

run "every_alarm_notifies_the_topic" {
  command = apply

  assert {
    condition     = length(output.alarm_arns) == 10
    error_message = "Expected 10 alarms: 5XX rate, p99 latency, throttling, WAF blocks, 2x Lambda errors, 2x Lambda throttles, account concurrency, 1 token budget."
  }

  assert {
    condition = alltrue(concat(
      [for k, a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset([aws_sns_topic.this[0].arn]) && a.ok_actions == toset([aws_sns_topic.this[0].arn])],
      [for a in aws_cloudwatch_metric_alarm.token_budget_burn : a.alarm_actions == toset([aws_sns_topic.this[0].arn])],
      [aws_cloudwatch_metric_alarm.this["api_5xx_rate"].alarm_actions == toset([aws_sns_topic.this[0].arn])],
      [aws_cloudwatch_metric_alarm.this["waf_blocked"].alarm_actions == toset([aws_sns_topic.this[0].arn])],
    ))
    error_message = "Alarms must notify the SNS topic on ALARM and OK."
  }

  assert {
    condition     = alltrue([for n in values(output.alarm_names) : startswith(n, "aigw-obs-")])
    error_message = "Alarm names must carry the module prefix (the topic policy relies on it)."
  }
}

run "api_alarms_watch_the_stage" {
  command = apply

  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.this["api_5xx_rate"].metric_query : q.expression if q.return_data == true]) == "IF(requests > 0, 100 * errors / requests, 0)"
    error_message = "The 5XX alarm must watch the 5XX rate in percent."
  }

  assert {
    condition = alltrue([for q in aws_cloudwatch_metric_alarm.this["api_5xx_rate"].metric_query :
    q.metric[0].dimensions == tomap({ ApiName = "aigw-api", Stage = "prod" }) if length(q.metric) > 0])
    error_message = "5XX rate metrics must be scoped to the API name and stage."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["api_5xx_rate"].threshold == 1
    error_message = "The default 5XX rate threshold is 1%."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["api_p99_latency"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.this["api_p99_latency"].metric_name == "Latency"
    error_message = "The latency alarm must watch p99 Latency."
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.throttled[0].log_group_name == "/aws/apigateway/aigw-api/prod" && strcontains(aws_cloudwatch_log_metric_filter.throttled[0].pattern, "$.status = 429")
    error_message = "A metric filter must count 429 answers in the access log."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["api_throttled"].namespace == aws_cloudwatch_log_metric_filter.throttled[0].metric_transformation[0].namespace
    error_message = "The throttling alarm must watch the metric filter's metric."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["waf_blocked"].dimensions == tomap({ WebACL = "aigw-waf", Region = "us-east-1", Rule = "ALL" })
    error_message = "The WAF alarm must watch BlockedRequests of the web ACL (all rules)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["lambda_throttles/llm"].dimensions["FunctionName"] == "aigw-llm-gateway" && aws_cloudwatch_metric_alarm.this["lambda_errors/authorizer"].metric_name == "Errors"
    error_message = "Every Lambda gets an errors and a throttles alarm."
  }
}

run "streamed_routes_alarm_on_time_to_first_token_not_on_stream_length" {
  command = apply

  variables {
    ttft_routes = ["chat_completions", "prompts"]
    alarms      = { api_latency_alarm = false, ttft_p99_ms = 8000 }
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "api_p99_latency")
    error_message = "A streaming stage must not alarm on API Gateway Latency: it spans the whole stream, so long answers would page."
  }

  assert {
    condition = alltrue([for r in ["chat_completions", "prompts"] :
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].namespace == "aigw" &&
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].metric_name == "TimeToFirstTokenMs" &&
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].dimensions == tomap({ Route = r }) &&
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].threshold == 8000 &&
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].alarm_actions == toset([aws_sns_topic.this[0].arn])
    ])
    error_message = "Each streamed route must alarm on the gateway's p99 TimeToFirstTokenMs (EMF dimension Route) and notify the topic."
  }

  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.this), "api_5xx_rate") && length(output.alarm_arns) == 11
    error_message = "The 5XX rate alarm stays; two TTFT alarms replace the latency alarm (10 - 1 + 2)."
  }
}

run "ttft_routes_are_the_streamed_llm_routes" {
  command = plan

  variables {
    ttft_routes = ["embeddings"]
  }

  expect_failures = [var.ttft_routes]
}

run "token_budget_burn_reads_the_emf_metrics" {
  command = apply

  assert {
    condition     = aws_cloudwatch_metric_alarm.token_budget_burn["acme"].threshold == 200000
    error_message = "2.4M tokens/day over a 1 h window at burn rate 2 must alarm above 200000 tokens."
  }

  assert {
    condition     = one([for q in aws_cloudwatch_metric_alarm.token_budget_burn["acme"].metric_query : q.expression if q.return_data == true]) == "FILL(in0, 0) + FILL(out0, 0) + FILL(in1, 0) + FILL(out1, 0)"
    error_message = "The burn alarm must add input and output tokens of every model."
  }

  assert {
    condition = alltrue([for q in aws_cloudwatch_metric_alarm.token_budget_burn["acme"].metric_query :
      q.metric[0].namespace == "aigw" && q.metric[0].dimensions["Tenant"] == "acme" && q.metric[0].period == 3600
    if length(q.metric) > 0])
    error_message = "Burn metrics must come from the EMF namespace with the Tenant dimension over the window."
  }

  assert {
    condition = sort([for q in aws_cloudwatch_metric_alarm.token_budget_burn["acme"].metric_query :
    "${q.metric[0].metric_name}/${q.metric[0].dimensions["Model"]}" if length(q.metric) > 0]) == tolist(["InputTokens/claude-sonnet", "InputTokens/gpt-4o", "OutputTokens/claude-sonnet", "OutputTokens/gpt-4o"])
    error_message = "Burn metrics must cover input and output tokens of each model."
  }
}

run "dashboard_shows_api_waf_lambda_and_tokens" {
  command = apply

  assert {
    condition = toset([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w.properties.title if w.type == "metric"]) == toset([
      "Requests and errors",
      "Latency and integration latency (ms)",
      "Throttled and over-quota requests (429)",
      "WAF requests",
      "Lambda errors and throttles",
      "Lambda duration (ms)",
      "Lambda concurrency",
      "Tokens by tenant and model",
      "Estimated cost (USD) by tenant and model",
      "Model latency and time to first token p99 (ms)",
      "Provider errors and token-quota rejections",
    ])
    error_message = "The dashboard must carry every metric widget."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "SEARCH('{aigw,Model,Tenant} MetricName=\\\"InputTokens\\\"', 'Sum', 300)")
    error_message = "Token widgets must search the EMF namespace by Tenant and Model."
  }

  assert {
    condition     = length([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w if w.type == "alarm"]) == 1
    error_message = "The dashboard must show the alarm status."
  }

  assert {
    condition     = length(distinct([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : "${w.x}/${w.y}"])) == length(jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets)
    error_message = "Widgets must not overlap."
  }
}

run "minimal_inputs_drop_optional_widgets_and_alarms" {
  command = apply

  variables {
    watch_access_log      = false
    access_log_group_name = null
    watch_waf             = false
    web_acl_name          = null
    function_names        = {}
    token_budgets         = {}
    subscriptions         = []
    metrics_namespace     = "acme/llm"
  }

  assert {
    condition     = length(aws_cloudwatch_log_metric_filter.throttled) == 0 && !contains(keys(aws_cloudwatch_metric_alarm.this), "api_throttled") && !contains(keys(aws_cloudwatch_metric_alarm.this), "waf_blocked")
    error_message = "Without access log and WAF there is no throttling metric and no WAF alarm."
  }

  assert {
    condition     = length(output.alarm_arns) == 3
    error_message = "Only the 5XX rate, latency and account concurrency alarms remain."
  }

  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "AWS/WAFV2") && !strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "AWS/Lambda")
    error_message = "WAF and Lambda widgets must be dropped when not watched."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "{acme/llm,Model,Tenant}")
    error_message = "Token widgets must follow metrics_namespace."
  }
}

run "existing_topic_is_used_without_creating_one" {
  command = apply

  variables {
    create_sns_topic = false
    sns_topic_arn    = "arn:aws:sns:us-east-1:123456789012:shared-alarms"
  }

  assert {
    condition     = length(aws_sns_topic.this) == 0 && module.kms_key.key_arn == null && length(aws_sns_topic_subscription.this) == 0
    error_message = "No topic, key or subscription when an existing topic is supplied."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["api_5xx_rate"].alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:shared-alarms"])
    error_message = "Alarms must notify the supplied topic."
  }
}

run "alarms_can_be_switched_off" {
  command = apply

  variables {
    alarms = { enabled = false }
  }

  assert {
    condition     = length(output.alarm_arns) == 0 && length([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w if w.type == "alarm"]) == 0
    error_message = "alarms.enabled = false must create no alarm (and no alarm widget)."
  }
}

run "plain_http_subscription_is_rejected" {
  command = plan

  variables {
    subscriptions = [{ protocol = "http", endpoint = "http://example.com/hook" }]
  }

  expect_failures = [var.subscriptions]
}

run "too_many_models_per_budget_is_rejected" {
  command = plan

  variables {
    token_budgets = {
      big = { tenant = "acme", models = ["a", "b", "c", "d", "e", "f"], tokens_per_day = 1000 }
    }
  }

  expect_failures = [var.token_budgets]
}

run "unencrypted_topic_is_refused" {
  command = plan

  variables {
    create_kms_key = false
  }

  expect_failures = [aws_sns_topic.this]
}

run "aws_namespace_is_rejected" {
  command = plan

  variables {
    metrics_namespace = "AWS/Lambda"
  }

  expect_failures = [var.metrics_namespace]
}

run "waf_watch_without_web_acl_name_is_refused" {
  command = plan

  variables {
    web_acl_name = null
  }

  expect_failures = [aws_cloudwatch_metric_alarm.this]
}

run "waf_widget_without_web_acl_name_is_refused" {
  command = plan

  variables {
    web_acl_name = null
    alarms       = { enabled = false }
  }

  expect_failures = [aws_cloudwatch_dashboard.this]
}

run "access_log_watch_without_log_group_is_refused" {
  command = plan

  variables {
    access_log_group_name = null
  }

  expect_failures = [aws_cloudwatch_log_metric_filter.throttled]
}

run "create_false_creates_nothing" {
  command = apply

  variables {
    create = false
  }

  assert {
    condition     = length(aws_sns_topic.this) == 0 && length(aws_cloudwatch_dashboard.this) == 0 && length(output.alarm_arns) == 0 && module.kms_key.key_arn == null
    error_message = "create = false must create nothing."
  }
}

# CloudWatch's dashboard body takes each metric widget's `metrics` as an array of arrays
# (one row per metric); the Lambda widgets list two rows per function.
run "every_metric_widget_lists_one_row_per_metric" {
  command = apply

  assert {
    condition = alltrue(flatten([for w in jsondecode(output.dashboard_body).widgets : [
      for m in try(w.properties.metrics, []) : can(m[0])
    ]]))
    error_message = "Each entry of a metric widget's metrics must be an array (a row), not a bare string."
  }

  assert {
    condition     = length(one([for w in jsondecode(output.dashboard_body).widgets : w.properties.metrics if try(w.properties.title, "") == "Lambda errors and throttles"])) == 4
    error_message = "The Lambda errors widget has an Errors row and a Throttles row per watched function."
  }
}
