# Every route family and every function: per-route alarms from API Gateway's per-method
# metrics, SageMaker endpoint alarms, per-function alarms for any function of the map, and
# a dashboard section per family present (routes.tf, sagemaker.tf, functions.tf).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
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
  routes = {
    chat_completions = { method = "POST", path = "/v1/chat/completions", family = "llm" }
    translate        = { method = "POST", path = "/v1/translate", family = "ai_service" }
    sentiment        = { method = "GET", path = "/v1/sentiment", family = "ai_service", p99_latency_ms = 1500 }
    churn            = { method = "POST", path = "/v1/sagemaker/churn/invocations", family = "sagemaker" }
    inventory        = { method = "ANY", path = "/v1/inventory/{proxy+}", family = "private", errors_4xx_rate_percent = 0 }
    weather          = { method = "GET", path = "/v1/weather", family = "http" }
  }
  sagemaker_endpoints = {
    churn = { endpoint_name = "aigw-churn" }
    fraud = { endpoint_name = "fraud-model", variant_name = "blue", model_latency_p99_ms = 250, invocation_4xx_errors = 0 }
  }
}

run "every_route_alarms_on_its_own_method_metrics" {
  command = plan

  assert {
    condition = alltrue([for k, r in var.routes : alltrue([
      for kind in ["route_5xx", "route_4xx", "route_latency"] :
      aws_cloudwatch_metric_alarm.this["${kind}/${k}"].namespace == "AWS/ApiGateway" &&
      aws_cloudwatch_metric_alarm.this["${kind}/${k}"].dimensions == tomap({ ApiName = "aigw-api", Stage = "prod", Resource = r.path, Method = r.method })
      if contains(keys(aws_cloudwatch_metric_alarm.this), "${kind}/${k}")
    ])])
    error_message = "Per-route alarms must read AWS/ApiGateway with the dimensions ApiName, Stage, Resource (the route's path) and Method."
  }

  assert {
    condition     = length([for k in keys(aws_cloudwatch_metric_alarm.this) : k if startswith(k, "route_5xx/")]) == 6
    error_message = "Every route gets a 5XX-rate alarm."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["route_5xx/translate"].metric_name == "5XXError" &&
      aws_cloudwatch_metric_alarm.this["route_5xx/translate"].statistic == "Average" &&
      aws_cloudwatch_metric_alarm.this["route_5xx/translate"].threshold == 0.01 &&
      aws_cloudwatch_metric_alarm.this["route_4xx/translate"].metric_name == "4XXError" &&
      aws_cloudwatch_metric_alarm.this["route_4xx/translate"].threshold == 0.1 &&
      aws_cloudwatch_metric_alarm.this["route_4xx/chat_completions"].threshold == 0.25
    )
    error_message = "Error-rate alarms compare the Average of 5XXError / 4XXError (the rate) with the family's percentage as a fraction: 1% 5XX, 10% 4XX, 25% 4XX for LLM routes."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["route_latency/translate"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["route_latency/translate"].metric_name == "Latency" &&
      aws_cloudwatch_metric_alarm.this["route_latency/translate"].threshold == 5000 &&
      aws_cloudwatch_metric_alarm.this["route_latency/churn"].threshold == 10000 &&
      aws_cloudwatch_metric_alarm.this["route_latency/sentiment"].threshold == 1500
    )
    error_message = "Latency alarms take the family's p99 (ai_service 5000 ms, sagemaker 10000 ms) unless the route sets its own."
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "route_latency/chat_completions") && !contains(keys(aws_cloudwatch_metric_alarm.this), "route_4xx/inventory")
    error_message = "LLM routes have no Latency alarm by default (it spans the stream), and a threshold of 0 turns a route's alarm off."
  }

  assert {
    condition     = output.alarm_names["route_5xx/weather"] == "aigw-obs-route-weather-5xx-rate" && output.alarm_names["route_latency/inventory"] == "aigw-obs-route-inventory-p99-latency"
    error_message = "Per-route alarm names carry the module prefix and the route name."
  }
}

run "family_thresholds_override_the_defaults" {
  command = plan

  variables {
    route_alarm_thresholds = {
      ai_service = { p99_latency_ms = 2000, errors_4xx_rate_percent = 0 }
      llm        = { p99_latency_ms = 60000 }
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["route_latency/translate"].threshold == 2000 &&
      aws_cloudwatch_metric_alarm.this["route_latency/sentiment"].threshold == 1500 &&
      aws_cloudwatch_metric_alarm.this["route_latency/chat_completions"].threshold == 60000 &&
      aws_cloudwatch_metric_alarm.this["route_5xx/translate"].threshold == 0.01
    )
    error_message = "A family's threshold replaces the default for its routes; a route's own threshold still wins; thresholds the family leaves out keep their defaults."
  }

  assert {
    condition     = length(setintersection(keys(aws_cloudwatch_metric_alarm.this), ["route_4xx/translate", "route_4xx/sentiment"])) == 0 && contains(keys(aws_cloudwatch_metric_alarm.this), "route_4xx/churn")
    error_message = "errors_4xx_rate_percent = 0 for a family turns the 4XX alarm of its routes off."
  }
}

run "sagemaker_endpoints_alarm_on_model_latency_in_microseconds_and_invocation_errors" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["sagemaker_model_latency/churn"].namespace == "AWS/SageMaker" &&
      aws_cloudwatch_metric_alarm.this["sagemaker_model_latency/churn"].metric_name == "ModelLatency" &&
      aws_cloudwatch_metric_alarm.this["sagemaker_model_latency/churn"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["sagemaker_model_latency/churn"].threshold == 10000000 &&
      aws_cloudwatch_metric_alarm.this["sagemaker_model_latency/fraud"].threshold == 250000
    )
    error_message = "ModelLatency is reported in microseconds: 10000 ms (the default) is 10,000,000 and 250 ms is 250,000."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["sagemaker_model_latency/churn"].dimensions == tomap({ EndpointName = "aigw-churn", VariantName = "AllTraffic" }) &&
      aws_cloudwatch_metric_alarm.this["sagemaker_5xx/fraud"].dimensions == tomap({ EndpointName = "fraud-model", VariantName = "blue" })
    )
    error_message = "SageMaker alarms use the EndpointName and VariantName dimensions (variant AllTraffic unless given)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["sagemaker_5xx/churn"].metric_name == "Invocation5XXErrors" &&
      aws_cloudwatch_metric_alarm.this["sagemaker_5xx/churn"].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.this["sagemaker_5xx/churn"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.this["sagemaker_4xx/churn"].metric_name == "Invocation4XXErrors" &&
      aws_cloudwatch_metric_alarm.this["sagemaker_4xx/churn"].threshold == 25
    )
    error_message = "Invocation errors alarm on their Sum per period at the alarms.sagemaker_* defaults."
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "sagemaker_4xx/fraud")
    error_message = "invocation_4xx_errors = 0 turns the endpoint's 4XX alarm off."
  }
}

run "a_new_function_gets_every_function_alarm_from_its_map_entry" {
  command = apply

  variables {
    function_names = {
      llm             = "aigw-llm-gateway"
      authorizer      = "aigw-authorizer"
      sagemaker_proxy = "aigw-sagemaker-proxy"
    }
    function_duration_alarms = { p99_ms = 20000, per_function = { llm = null } }
    concurrency_alarms       = { reserved = { sagemaker_proxy = 50 } }
  }

  assert {
    condition = alltrue([for kind in ["lambda_errors", "lambda_throttles", "lambda_duration", "function_concurrency"] :
      aws_cloudwatch_metric_alarm.this["${kind}/sagemaker_proxy"].dimensions == tomap({ FunctionName = "aigw-sagemaker-proxy" })
    ])
    error_message = "The proxy function gets errors, throttles, duration and (with its reservation) concurrency alarms from its map entry."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["lambda_duration/sagemaker_proxy"].metric_name == "Duration" &&
      aws_cloudwatch_metric_alarm.this["lambda_duration/sagemaker_proxy"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["lambda_duration/sagemaker_proxy"].threshold == 20000 &&
      aws_cloudwatch_metric_alarm.this["function_concurrency/sagemaker_proxy"].threshold == 40
    )
    error_message = "Duration alarms watch p99 Duration at p99_ms; the concurrency alarm fires at 80% of the reservation."
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "lambda_duration/llm") && contains(keys(aws_cloudwatch_metric_alarm.this), "lambda_duration/authorizer")
    error_message = "per_function = null turns one function's duration alarm off (a streaming function runs as long as its streams)."
  }

  assert {
    condition     = strcontains(output.dashboard_body, "aigw-sagemaker-proxy")
    error_message = "The new function appears in the Lambda widgets."
  }
}

run "no_duration_alarm_unless_asked" {
  command = plan

  assert {
    condition     = length([for k in keys(aws_cloudwatch_metric_alarm.this) : k if startswith(k, "lambda_duration/")]) == 0
    error_message = "Duration alarms are opt-in (function_duration_alarms.p99_ms), as before."
  }
}

run "streamed_responses_and_messages_routes_get_ttft_alarms" {
  command = plan

  variables {
    ttft_routes = ["chat_completions", "prompts", "responses", "messages"]
  }

  assert {
    condition = alltrue([for r in ["responses", "messages"] :
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].metric_name == "TimeToFirstTokenMs" &&
      aws_cloudwatch_metric_alarm.this["ttft_p99/${r}"].dimensions == tomap({ Route = r })
    ])
    error_message = "The Responses and Messages APIs stream and emit TimeToFirstTokenMs with Route = responses / messages."
  }
}

run "dashboard_has_a_section_per_family_present" {
  command = apply

  variables {
    routes = {
      translate = { method = "POST", path = "/v1/translate", family = "ai_service" }
      churn     = { method = "POST", path = "/v1/sagemaker/churn/invocations", family = "sagemaker" }
    }
  }

  assert {
    condition = toset([for t in [for w in jsondecode(output.dashboard_body).widgets : try(w.properties.title, "")] : t if strcontains(t, "routes:") || startswith(t, "SageMaker")]) == toset([
      "AI service routes: requests and errors",
      "AI service routes: latency p99 (ms)",
      "SageMaker routes: requests and errors",
      "SageMaker routes: latency p99 (ms)",
      "SageMaker endpoints: invocations and errors",
      "SageMaker model latency p99 (ms)",
    ])
    error_message = "Only the families present (ai_service, sagemaker) and the SageMaker endpoints get dashboard sections."
  }

  assert {
    condition = one([for w in jsondecode(output.dashboard_body).widgets : w.properties.metrics if try(w.properties.title, "") == "AI service routes: requests and errors"]) == [
      ["AWS/ApiGateway", "Count", "ApiName", "aigw-api", "Stage", "prod", "Resource", "/v1/translate", "Method", "POST", { label = "translate Count" }],
      ["AWS/ApiGateway", "4XXError", "ApiName", "aigw-api", "Stage", "prod", "Resource", "/v1/translate", "Method", "POST", { label = "translate 4XXError" }],
      ["AWS/ApiGateway", "5XXError", "ApiName", "aigw-api", "Stage", "prod", "Resource", "/v1/translate", "Method", "POST", { label = "translate 5XXError" }],
    ]
    error_message = "A family's request widget lists Count, 4XXError and 5XXError of each of its routes by Resource and Method."
  }

  assert {
    condition     = strcontains(output.dashboard_body, "us0 / 1000") && strcontains(output.dashboard_body, "\"ModelLatency\",\"EndpointName\",\"aigw-churn\",\"VariantName\",\"AllTraffic\"")
    error_message = "The SageMaker latency widget converts ModelLatency (microseconds) to milliseconds."
  }

  assert {
    condition     = length(distinct([for w in jsondecode(output.dashboard_body).widgets : "${w.x}/${w.y}"])) == length(jsondecode(output.dashboard_body).widgets)
    error_message = "Widgets must not overlap."
  }

  assert {
    condition     = alltrue([for w in jsondecode(output.dashboard_body).widgets : alltrue([for m in try(w.properties.metrics, []) : can(m[0])])])
    error_message = "Each entry of a metric widget's metrics must be a row (an array)."
  }
}

run "empty_inputs_add_no_route_or_endpoint_alarm_or_widget" {
  command = apply

  variables {
    routes              = {}
    sagemaker_endpoints = {}
  }

  assert {
    condition     = length([for k in keys(aws_cloudwatch_metric_alarm.this) : k if startswith(k, "route_") || startswith(k, "sagemaker_")]) == 0
    error_message = "Without routes or endpoints there is no per-route or SageMaker alarm."
  }

  assert {
    condition     = !strcontains(output.dashboard_body, "AWS/SageMaker") && !strcontains(output.dashboard_body, "routes:") && !strcontains(output.dashboard_body, "\"Resource\"")
    error_message = "Without routes or endpoints the dashboard has no family section."
  }
}

run "route_alarms_notify_the_topic" {
  command = apply

  assert {
    condition     = alltrue([for k, a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset([aws_sns_topic.this[0].arn]) if startswith(k, "route_") || startswith(k, "sagemaker_")])
    error_message = "Per-route and SageMaker alarms notify the topic."
  }

  assert {
    condition     = length(output.alarm_arns) == length(output.alarm_names)
    error_message = "The alarm widget and output list every alarm the module creates."
  }
}

run "routes_need_detailed_metrics" {
  command = plan

  variables {
    metrics_enabled = false
  }

  expect_failures = [var.routes]
}

run "no_routes_need_no_detailed_metrics" {
  command = plan

  variables {
    metrics_enabled = false
    routes          = {}
  }

  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.this), "api_5xx_rate")
    error_message = "A stage without detailed metrics keeps its stage-level alarms."
  }
}

run "rejects_an_unknown_family" {
  command = plan

  variables {
    routes = { x = { method = "POST", path = "/v1/x", family = "grpc" } }
  }

  expect_failures = [var.routes]
}

run "rejects_a_lower_case_method" {
  command = plan

  variables {
    routes = { x = { method = "post", path = "/v1/x", family = "http" } }
  }

  expect_failures = [var.routes]
}

run "rejects_a_path_that_is_not_a_resource_path" {
  command = plan

  variables {
    routes = { x = { method = "POST", path = "v1/x/", family = "http" } }
  }

  expect_failures = [var.routes]
}

run "rejects_a_route_rate_above_100_percent" {
  command = plan

  variables {
    routes = { x = { method = "POST", path = "/v1/x", family = "http", errors_5xx_rate_percent = 150 } }
  }

  expect_failures = [var.routes]
}

run "rejects_thresholds_for_an_unknown_family" {
  command = plan

  variables {
    route_alarm_thresholds = { soap = { p99_latency_ms = 100 } }
  }

  expect_failures = [var.route_alarm_thresholds]
}

run "rejects_a_negative_family_latency" {
  command = plan

  variables {
    route_alarm_thresholds = { http = { p99_latency_ms = -1 } }
  }

  expect_failures = [var.route_alarm_thresholds]
}

run "rejects_an_invalid_endpoint_name" {
  command = plan

  variables {
    sagemaker_endpoints = { x = { endpoint_name = "bad_name" } }
  }

  expect_failures = [var.sagemaker_endpoints]
}

run "rejects_a_negative_endpoint_threshold" {
  command = plan

  variables {
    sagemaker_endpoints = { x = { endpoint_name = "ok", invocation_5xx_errors = -1 } }
  }

  expect_failures = [var.sagemaker_endpoints]
}

run "rejects_a_negative_sagemaker_default" {
  command = plan

  variables {
    alarms = { sagemaker_model_latency_p99_ms = -5 }
  }

  expect_failures = [var.alarms]
}

run "rejects_a_duration_alarm_for_an_unknown_function" {
  command = plan

  variables {
    function_duration_alarms = { per_function = { sagemaker_proxy = 1000 } }
  }

  expect_failures = [var.function_duration_alarms]
}

run "rejects_a_duration_beyond_lambdas_limit" {
  command = plan

  variables {
    function_duration_alarms = { p99_ms = 1000000 }
  }

  expect_failures = [var.function_duration_alarms]
}

run "rejects_a_null_function_name" {
  command = plan

  variables {
    function_names = { llm = "aigw-llm-gateway", sagemaker_proxy = null }
  }

  expect_failures = [var.function_names]
}

run "rejects_a_ttft_route_that_does_not_stream" {
  command = plan

  variables {
    ttft_routes = ["messages_count_tokens"]
  }

  expect_failures = [var.ttft_routes]
}
