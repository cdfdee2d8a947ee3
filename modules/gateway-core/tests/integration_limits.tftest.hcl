# What API Gateway refuses or ignores that the sandbox accepts: buffered integrations
# longer than the account's integration timeout quota (29 s unless raised), and response
# compression on streamed routes (content encoding does not apply to STREAM responses).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name        = "aigw-limits"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  routes = {
    models = {
      path        = "/v1/models"
      method      = "GET"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/v1/models" }
    }
    chat = {
      path        = "/v1/chat/completions"
      method      = "POST"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/v1/chat/completions", transfer_mode = "STREAM" }
    }
  }
}

run "defaults_fit_the_default_quota" {
  command = plan

  assert {
    condition = (
      jsondecode(aws_api_gateway_rest_api.this[0].body).paths["/v1/models"].get["x-amazon-apigateway-integration"].timeoutInMillis == 29000 &&
      jsondecode(aws_api_gateway_rest_api.this[0].body).paths["/v1/chat/completions"].post["x-amazon-apigateway-integration"].timeoutInMillis == 900000
    )
    error_message = "Buffered routes wait 29 s, streamed routes up to 15 minutes."
  }
}

run "rejects_a_buffered_timeout_above_the_quota" {
  command = plan

  variables {
    default_timeout_ms = 60000
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "rejects_a_route_timeout_above_the_quota" {
  command = plan

  variables {
    routes = {
      slow = {
        path        = "/v1/slow"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/v1/slow", timeout_ms = 29001 }
      }
    }
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "a_raised_quota_allows_longer_buffered_routes" {
  command = plan

  variables {
    default_timeout_ms           = 120000
    integration_timeout_quota_ms = 120000
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this[0].body).paths["/v1/models"].get["x-amazon-apigateway-integration"].timeoutInMillis == 120000
    error_message = "With the quota raised (and said so), buffered routes may wait longer than 29 s."
  }
}

run "rejects_a_quota_beyond_what_aws_grants" {
  command = plan

  variables {
    integration_timeout_quota_ms = 900000
  }

  expect_failures = [var.integration_timeout_quota_ms]
}

run "warns_that_streamed_routes_are_not_compressed" {
  command = plan

  variables {
    minimum_compression_size = 1024
  }

  expect_failures = [check.compression_skips_streamed_routes]
}

run "compression_without_streamed_routes_is_quiet" {
  command = plan

  variables {
    minimum_compression_size = 1024
    routes = {
      models = {
        path        = "/v1/models"
        method      = "GET"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/v1/models" }
      }
    }
  }

  assert {
    condition     = aws_api_gateway_rest_api.this[0].minimum_compression_size == "1024"
    error_message = "Buffered routes are compressed above minimum_compression_size."
  }
}
