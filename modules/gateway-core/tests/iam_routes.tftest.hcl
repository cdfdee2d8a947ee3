# AWS_IAM routes next to usage plans (ADR 0146): with api_key_source = AUTHORIZER only a
# Lambda authorizer supplies the usage-plan key, and a SigV4-signed request runs none, so
# an IAM route requires no key and is limited by the stage and route throttles; with
# HEADER the caller sends x-api-key and the route stays metered by its plan.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name        = "aigw-iam"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  authorizer = {
    name                 = "tenant_authorizer"
    lambda_invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:authz/invocations"
    lambda_function_name = "authz"
    identity_sources     = ["method.request.header.Authorization"]
    result_ttl_seconds   = 300
  }
  tiers = {
    standard = { throttle = { rate_limit = 5, burst_limit = 10 } }
  }
  default_throttle = { rate_limit = 50, burst_limit = 100 }
  routes = {
    chat = {
      path                 = "/v1/chat/completions"
      method               = "POST"
      integration          = { type = "AWS_PROXY", uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:llm/invocations" }
      lambda_function_name = "llm"
      throttle             = { rate_limit = 2, burst_limit = 4 }
    }
    sentiment = {
      path        = "/v1/ai/sentiment"
      method      = "POST"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/sentiment" }
      throttle    = { rate_limit = 20, burst_limit = 40 }
    }
    labels = {
      path        = "/v1/ai/labels"
      method      = "POST"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/labels" }
    }
  }
}

run "iam_routes_need_no_key_with_the_authorizer_key_source" {
  command = plan

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/ai/sentiment"].post.security == [{ sigv4 = [] }] &&
      jsondecode(output.openapi_document).paths["/v1/ai/labels"].post.security == [{ sigv4 = [] }]
    )
    error_message = "With tiers and api_key_source = AUTHORIZER an AWS_IAM route requires SigV4 and no usage-plan key (no authorizer runs to supply one)."
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/chat/completions"].post.security == [{ api_key = [], tenant_authorizer = [] }]
    error_message = "CUSTOM routes of the same API still require the authorizer and the usage-plan key."
  }

  assert {
    condition     = keys(jsondecode(output.openapi_document).components.securitySchemes) == ["api_key", "sigv4", "tenant_authorizer"]
    error_message = "The document keeps the api_key scheme (the CUSTOM routes use it) next to sigv4."
  }
}

run "iam_routes_are_throttled_by_the_stage_not_the_plans" {
  command = apply

  assert {
    condition = (
      aws_api_gateway_method_settings.throttled["sentiment"].method_path == "~1v1~1ai~1sentiment/POST" &&
      aws_api_gateway_method_settings.throttled["sentiment"].settings[0].throttling_rate_limit == 20 &&
      aws_api_gateway_method_settings.throttled["sentiment"].settings[0].throttling_burst_limit == 40 &&
      aws_api_gateway_method_settings.all[0].settings[0].throttling_rate_limit == 50
    )
    error_message = "An IAM route's own throttle is its stage method setting (all IAM callers together); the others keep the stage default."
  }

  assert {
    condition = {
      for t in flatten([for s in aws_api_gateway_usage_plan.this["standard"].api_stages : s.throttle]) : t.path => [t.rate_limit, t.burst_limit]
    } == { "/v1/chat/completions/POST" = [2, 4] }
    error_message = "The plan throttles only keyed methods: an IAM route without a key has no per-method plan throttle."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_stage.this[0].access_log_settings[0].format).callerArn == "$context.identity.userArn"
    error_message = "The access log names the IAM caller (userArn), the only per-caller record of IAM routes."
  }
}

run "iam_routes_stay_metered_with_the_header_key_source" {
  command = apply

  variables {
    api_key_source = "HEADER"
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/ai/sentiment"].post.security == [{ api_key = [], sigv4 = [] }]
    error_message = "With api_key_source = HEADER the IAM caller sends x-api-key: the route requires SigV4 and the key."
  }

  assert {
    condition = {
      for t in flatten([for s in aws_api_gateway_usage_plan.this["standard"].api_stages : s.throttle]) : t.path => [t.rate_limit, t.burst_limit]
    } == { "/v1/chat/completions/POST" = [2, 4], "/v1/ai/sentiment/POST" = [5, 10] }
    error_message = "Keyed IAM routes get their per-method plan throttle, capped at the tier's."
  }
}

run "iam_route_may_opt_out_of_the_key_with_header_source" {
  command = plan

  variables {
    api_key_source = "HEADER"
    routes = {
      sentiment = {
        path             = "/v1/ai/sentiment"
        method           = "POST"
        auth             = "AWS_IAM"
        api_key_required = false
        integration      = { type = "HTTP_PROXY", uri = "https://backend.example/sentiment" }
      }
    }
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/ai/sentiment"].post.security == [{ sigv4 = [] }]
    error_message = "An explicit api_key_required = false wins."
  }
}

run "rejects_an_iam_route_requiring_a_key_only_an_authorizer_could_supply" {
  command = plan

  variables {
    routes = {
      sentiment = {
        path             = "/v1/ai/sentiment"
        method           = "POST"
        auth             = "AWS_IAM"
        api_key_required = true
        integration      = { type = "HTTP_PROXY", uri = "https://backend.example/sentiment" }
      }
    }
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}
