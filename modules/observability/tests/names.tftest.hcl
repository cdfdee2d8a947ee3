# Inputs renamed to the project's naming table (CONTRIBUTING.md, "Names") keep working
# under their old names for one minor version, with a warning; the key input means what
# it means in every module (modules/kms-key decides).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name                  = "aigw-obs"
  rest_api_name         = "aigw-api"
  stage_name            = "prod"
  access_log_group_name = "/aws/apigateway/aigw-api/prod"
  web_acl_name          = "aigw-waf"
}

run "deprecated_lambda_function_names_still_works_and_warns" {
  command = plan

  variables {
    lambda_function_names = { llm = "aigw-llm" }
  }

  expect_failures = [check.deprecated_inputs]

  assert {
    condition     = [for k, a in aws_cloudwatch_metric_alarm.this : k if startswith(k, "lambda_errors/")] == ["lambda_errors/llm"] && aws_cloudwatch_metric_alarm.this["lambda_errors/llm"].dimensions.FunctionName == "aigw-llm"
    error_message = "The deprecated lambda_function_names still reaches the function alarms."
  }
}

run "deprecated_and_new_function_names_must_agree" {
  command = plan

  variables {
    function_names        = { llm = "aigw-llm" }
    lambda_function_names = { llm = "other" }
  }

  expect_failures = [var.lambda_function_names]
}

run "metrics_namespace_reaches_the_alarms" {
  command = apply

  variables {
    metrics_namespace = "acme/llm"
    ttft_routes       = ["chat_completions"]
  }

  assert {
    condition     = length([for k, a in aws_cloudwatch_metric_alarm.this : k if startswith(k, "ttft_p99/")]) == 1 && alltrue([for k, a in aws_cloudwatch_metric_alarm.this : a.namespace == "acme/llm" if startswith(k, "ttft_p99/")])
    error_message = "metrics_namespace sets the namespace of the EMF alarms."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "acme/llm")
    error_message = "metrics_namespace sets the namespace of the dashboard's EMF widgets."
  }
}

run "deprecated_emf_namespace_still_works_and_warns" {
  command = apply

  variables {
    emf_namespace = "acme/llm"
  }

  expect_failures = [check.deprecated_inputs]

  assert {
    condition     = strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "acme/llm") && local.metrics_namespace == "acme/llm"
    error_message = "The deprecated emf_namespace still reaches the dashboard."
  }
}

run "deprecated_and_new_namespace_must_agree" {
  command = plan

  variables {
    metrics_namespace = "aigw"
    emf_namespace     = "acme/llm"
  }

  expect_failures = [var.emf_namespace]
}

run "a_given_key_is_used_without_create_kms_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/22222222-3333-4444-5555-666666666666"
  }

  assert {
    condition     = !module.kms_key.key_created && aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/22222222-3333-4444-5555-666666666666"
    error_message = "kms_key_arn alone (create_kms_key left null) uses the given key and creates none."
  }
}

run "no_key_given_creates_one" {
  command = plan

  assert {
    condition     = module.kms_key.key_created
    error_message = "Without kms_key_arn the module creates its key."
  }
}
