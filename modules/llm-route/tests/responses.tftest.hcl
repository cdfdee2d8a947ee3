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
  config_source    = "sdk"
  providers_config = { bedrock = { type = "bedrock" } }
  models = {
    claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] }
  }
}

run "responses_table_and_its_statement" {
  command = apply

  override_resource {
    target = aws_dynamodb_table.responses
    values = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/aigw-llm-responses" }
  }

  assert {
    condition = (
      aws_dynamodb_table.responses[0].name == "aigw-llm-responses" &&
      aws_dynamodb_table.responses[0].hash_key == "pk" &&
      aws_dynamodb_table.responses[0].billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.responses[0].server_side_encryption[0].enabled &&
      aws_dynamodb_table.responses[0].server_side_encryption[0].kms_key_arn == module.function.kms_key_arn &&
      aws_dynamodb_table.responses[0].point_in_time_recovery[0].enabled &&
      aws_dynamodb_table.responses[0].ttl[0].enabled &&
      aws_dynamodb_table.responses[0].ttl[0].attribute_name == "expires_at" &&
      aws_dynamodb_table.responses[0].deletion_protection_enabled
    )
    error_message = "The responses table must be on-demand, KMS-encrypted with the module's key, with PITR, TTL on expires_at and deletion protection."
  }

  assert {
    condition = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "KeepOwnResponses"]) == {
      Sid      = "KeepOwnResponses"
      Effect   = "Allow"
      Action   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
      Resource = ["arn:aws:dynamodb:us-east-1:123456789012:table/aigw-llm-responses"]
    }
    error_message = "The function may get, put and delete items of the responses table, nothing else and no other table."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.function.role_policy).Statement :
      !contains(s.Resource, "arn:aws:dynamodb:us-east-1:123456789012:table/aigw-llm-responses") || s.Sid == "KeepOwnResponses"
    ])
    error_message = "Only the KeepOwnResponses statement names the responses table."
  }

  assert {
    condition = (
      module.function.function.environment[0].variables["AIGW_RESPONSES_TABLE"] == "aigw-llm-responses" &&
      module.function.function.environment[0].variables["AIGW_RESPONSES_RETENTION_DAYS"] == "30"
    )
    error_message = "The function is told the responses table and the retention (30 days by default)."
  }

  assert {
    condition = (
      output.routes.llm_responses.method == "POST" && output.routes.llm_responses.path == "/v1/responses" &&
      output.routes.llm_response_get.method == "GET" && output.routes.llm_response_get.path == "/v1/responses/{response_id}" &&
      output.routes.llm_response_delete.method == "DELETE" && output.routes.llm_response_delete.path == "/v1/responses/{response_id}"
    )
    error_message = "The module emits POST /v1/responses and GET and DELETE /v1/responses/{response_id}."
  }
}

run "retention_is_configurable" {
  command = plan

  variables {
    responses_retention_days = 365
  }

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_RESPONSES_RETENTION_DAYS"] == "365"
    error_message = "responses_retention_days reaches the function."
  }
}

run "rejects_no_retention" {
  command = plan

  variables {
    responses_retention_days = 0
  }

  expect_failures = [var.responses_retention_days]
}

run "rejects_more_than_a_year" {
  command = plan

  variables {
    responses_retention_days = 366
  }

  expect_failures = [var.responses_retention_days]
}

run "rejects_part_days" {
  command = plan

  variables {
    responses_retention_days = 1.5
  }

  expect_failures = [var.responses_retention_days]
}
