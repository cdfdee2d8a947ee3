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
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/aigw-llm-usage" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/aigw-llm" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-llm" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm"
      version    = "4"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm/invocations"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm:live"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm:live/invocations"
    }
  }
}

variables {
  name = "aigw-llm"
  package = {
    filename         = "llm_gateway.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  config_source = "sdk"
  providers_config = {
    bedrock = { type = "bedrock" }
    openai = {
      type               = "openai"
      base_url           = "https://api.openai.example/v1"
      api_key_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key-AbCdEf"
    }
  }
  models = {
    claude = {
      targets = [
        { provider = "bedrock", model = "us.anthropic.claude-3-7-sonnet-20250219-v1:0", guardrail = { id = "gr1", version = "2" } },
        { provider = "openai", model = "gpt-4o" },
      ]
    }
    titan = {
      type    = "embedding"
      targets = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }]
    }
  }
  prompt_templates = {
    summarise = {
      model     = "claude"
      messages  = [{ role = "user", content = "Summarise: {{ text }}" }]
      variables = { text = { max_length = 20000 } }
    }
  }
  quotas = { tiers = { standard = 2000000 } }
}


# kms_deletion_window_in_days was renamed kms_key_deletion_window_days (CONTRIBUTING.md
# naming table): the old name keeps working until 0.3.0, warns, and may not contradict.
run "old_deletion_window_name_still_works_and_warns" {
  command = plan

  variables {
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
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 30
    error_message = "The created key's deletion window defaults to 30 days."
  }
}

run "old_and_new_deletion_window_may_not_disagree" {
  command = plan

  variables {
    kms_key_deletion_window_days = 7
    kms_deletion_window_in_days  = 30
  }

  expect_failures = [var.kms_deletion_window_in_days]
}
