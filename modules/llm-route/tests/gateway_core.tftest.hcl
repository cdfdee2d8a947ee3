# The emitted routes, Anthropic's Messages API included, render into gateway-core's
# OpenAPI document behind the authorizer.
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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-llm-compose" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/aigw-llm-usage" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = { arn = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/v1" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id            = "abc123"
      execution_arn = "arn:aws:execute-api:us-east-1:123456789012:abc123"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm-compose"
      version    = "4"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm-compose/invocations"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm-compose:live"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm-compose:live/invocations"
    }
  }
}

run "messages_routes_render_behind_the_authorizer" {
  command = apply

  module {
    source = "./tests/compose"
  }

  assert {
    condition = alltrue([
      for p in ["/v1/messages", "/v1/messages/count_tokens"] :
      contains(keys(jsondecode(output.openapi_document).paths), p) &&
      length(jsondecode(output.openapi_document).paths[p].post.security) == 1 &&
      keys(jsondecode(output.openapi_document).paths[p].post.security[0]) == ["tenant-messages"]
    ])
    error_message = "POST /v1/messages and /v1/messages/count_tokens are secured by the authorizer's messages variant."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).components.securitySchemes["tenant-messages"]["x-amazon-apigateway-authorizer"] == {
        type                         = "request"
        authorizerUri                = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"
        authorizerResultTtlInSeconds = 0
      }
    )
    error_message = "The messages variant calls the same authorizer function with no identity source and no cache, so x-api-key or Authorization: Bearer reaches it (API Gateway refuses a request missing any identity source)."
  }

  assert {
    condition = (
      keys(jsondecode(output.openapi_document).paths["/v1/chat/completions"].post.security[0]) == ["tenant"] &&
      jsondecode(output.openapi_document).components.securitySchemes.tenant["x-amazon-apigateway-authorizer"].identitySource == "method.request.header.Authorization" &&
      jsondecode(output.openapi_document).components.securitySchemes.tenant["x-amazon-apigateway-authorizer"].authorizerResultTtlInSeconds == 300
    )
    error_message = "The OpenAI routes keep the cached Authorization scheme."
  }

  assert {
    condition = alltrue([
      for p in ["/v1/messages", "/v1/messages/count_tokens"] :
      endswith(jsondecode(output.openapi_document).paths[p].post["x-amazon-apigateway-integration"].uri, "aigw-llm-compose:live/response-streaming-invocations")
    ])
    error_message = "The Messages routes invoke the live alias of the gateway function, streaming."
  }
}
