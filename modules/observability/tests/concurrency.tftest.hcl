mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:111122223333:aigw-obs-alarms"
    }
  }
  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:aigw-obs-mock"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

# Concurrency headroom alarms (concurrency.tf, docs/capacity.md).

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
}

run "account_alarm_by_default_at_80_percent_of_1000" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["account_concurrency"].threshold == 800 && aws_cloudwatch_metric_alarm.this["account_concurrency"].metric_name == "ConcurrentExecutions" && aws_cloudwatch_metric_alarm.this["account_concurrency"].statistic == "Maximum" && length(coalesce(aws_cloudwatch_metric_alarm.this["account_concurrency"].dimensions, {})) == 0
    error_message = "The account alarm must watch the Region's ConcurrentExecutions against 80% of the default quota of 1,000."
  }

  assert {
    condition     = length([for k, a in aws_cloudwatch_metric_alarm.this : k if startswith(k, "function_concurrency/")]) == 0
    error_message = "Without reservations there is no per-function headroom to watch."
  }
}

run "function_alarm_against_its_reserved_concurrency" {
  command = plan

  variables {
    concurrency_alarms = { account_limit = 3000, threshold_percent = 90, reserved = { llm = 200 } }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["account_concurrency"].threshold == 2700
    error_message = "The account threshold is threshold_percent of account_limit."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["function_concurrency/llm"].threshold == 180 && aws_cloudwatch_metric_alarm.this["function_concurrency/llm"].dimensions.FunctionName == "aigw-llm-gateway"
    error_message = "A reserved function's alarm fires at threshold_percent of its reservation, on its own ConcurrentExecutions."
  }
}

run "off_when_disabled" {
  command = plan

  variables {
    concurrency_alarms = { enabled = false, reserved = { llm = 200 } }
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "account_concurrency") && length([for k, a in aws_cloudwatch_metric_alarm.this : k if startswith(k, "function_concurrency/")]) == 0
    error_message = "enabled = false creates no concurrency alarm."
  }
}

run "rejects_a_reservation_of_an_unknown_function" {
  command = plan

  variables {
    concurrency_alarms = { reserved = { sagemaker = 20 } }
  }

  expect_failures = [var.concurrency_alarms]
}

run "rejects_a_threshold_above_100_percent" {
  command = plan

  variables {
    concurrency_alarms = { threshold_percent = 120 }
  }

  expect_failures = [var.concurrency_alarms]
}
