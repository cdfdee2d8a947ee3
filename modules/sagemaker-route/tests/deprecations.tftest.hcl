mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/aigw-sm" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-sm-apigw" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-sm"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-sm/invocations"
    }
  }
  mock_resource "aws_sagemaker_endpoint" {
    defaults = { arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/created" }
  }
  mock_resource "aws_sagemaker_endpoint_configuration" {
    defaults = { arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/created" }
  }
  mock_resource "aws_sagemaker_model" {
    defaults = { arn = "arn:aws:sagemaker:us-east-1:123456789012:model/created" }
  }
}

variables {
  name = "aigw-sm"
  endpoints = {
    sentiment = { endpoint_name = "Sentiment-HF" }
    churn = {
      endpoint_name  = "churn-xgb"
      content_type   = "text/csv"
      target_variant = "blue"
      path           = "/v1/models/churn/predict"
    }
  }
}


# kms_deletion_window_in_days was renamed kms_key_deletion_window_days (CONTRIBUTING.md
# naming table): the old name keeps working until 0.3.0, warns, and may not contradict.
run "old_deletion_window_name_still_works_and_warns" {
  command = plan

  variables {
    mode                        = "lambda"
    package                     = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    kms_deletion_window_in_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "The deprecated kms_deletion_window_in_days must still set the created key's deletion window."
  }

  expect_failures = [check.deprecated_inputs]
}

run "new_deletion_window_name" {
  command = plan

  variables {
    mode                         = "lambda"
    package                      = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    kms_key_deletion_window_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "kms_key_deletion_window_days must set the created key's deletion window."
  }
}

run "deletion_window_defaults_to_30_days" {
  command = plan

  variables {
    mode    = "lambda"
    package = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 30
    error_message = "The created key's deletion window defaults to 30 days."
  }
}

run "old_and_new_deletion_window_may_not_disagree" {
  command = plan

  variables {
    mode                         = "lambda"
    package                      = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    kms_key_deletion_window_days = 7
    kms_deletion_window_in_days  = 30
  }

  expect_failures = [var.kms_deletion_window_in_days]
}
