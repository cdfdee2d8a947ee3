# Per-route limits and binary answers: a route's throttle becomes the stage's method
# throttle (all callers) and, capped at each tier's own, a per-method throttle in every
# usage plan (per API key); a route that answers bytes brings its binary media types.

mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"
    }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = {
      arn = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/v1"
    }
  }
}

variables {
  name = "aigw-limits"
  # The IAM callers send their usage-plan key in x-api-key (with the default AUTHORIZER
  # source an AWS_IAM route requires no key, and no plan throttles it: iam_routes.tftest.hcl).
  api_key_source = "HEADER"
  kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  tiers = {
    free = { throttle = { rate_limit = 5, burst_limit = 10 } }
    pro  = { throttle = { rate_limit = 500, burst_limit = 1000 } }
  }
  routes = {
    sentiment = {
      path        = "/v1/ai/sentiment"
      method      = "POST"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/sentiment" }
      throttle    = { rate_limit = 100, burst_limit = 200 }
    }
    generate = {
      path        = "/v1/chat/completions"
      method      = "POST"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/chat" }
      throttle    = { rate_limit = 10, burst_limit = 20 }
    }
    models = {
      path        = "/v1/models"
      method      = "GET"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/models" }
      cache       = { ttl_seconds = 60 }
      throttle    = { rate_limit = 50.5, burst_limit = 60 }
    }
    health = {
      path        = "/health"
      method      = "GET"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/health" }
    }
  }
}

run "route_throttles_in_stage_method_settings" {
  command = apply

  assert {
    condition = (
      { for k, m in aws_api_gateway_method_settings.throttled : k => [m.method_path, m.settings[0].throttling_rate_limit, m.settings[0].throttling_burst_limit] } ==
      { sentiment = ["~1v1~1ai~1sentiment/POST", 100, 200], generate = ["~1v1~1chat~1completions/POST", 10, 20] }
    )
    error_message = "Each throttled route gets its own stage method setting (<resource path, slashes escaped as ~1>/<METHOD>) with its rate and burst."
  }

  assert {
    condition = (
      aws_api_gateway_method_settings.cached["models"].settings[0].throttling_rate_limit == 50.5 &&
      aws_api_gateway_method_settings.cached["models"].settings[0].throttling_burst_limit == 60 &&
      !contains(keys(aws_api_gateway_method_settings.throttled), "models")
    )
    error_message = "A cached route carries its throttle in its cache method setting (one setting per method path)."
  }

  assert {
    condition     = alltrue([for m in aws_api_gateway_method_settings.throttled : !m.settings[0].caching_enabled && m.settings[0].logging_level == "ERROR" && !m.settings[0].data_trace_enabled])
    error_message = "A route's own method setting keeps the stage's logging, no data trace and no cache."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all[0].settings[0].throttling_rate_limit == 500
    error_message = "Routes without a throttle keep the stage default."
  }
}

run "route_throttles_in_every_usage_plan_capped_at_the_tier" {
  command = apply

  assert {
    condition = {
      for t in flatten([for s in aws_api_gateway_usage_plan.this["pro"].api_stages : s.throttle]) : t.path => [t.rate_limit, t.burst_limit]
      } == {
      "/v1/ai/sentiment/POST"     = [100, 200]
      "/v1/chat/completions/POST" = [10, 20]
      "/v1/models/GET"            = [50.5, 60]
    }
    error_message = "The pro plan throttles each route per key with the route's limits (path /<resource>/<METHOD>)."
  }

  assert {
    condition = {
      for t in flatten([for s in aws_api_gateway_usage_plan.this["free"].api_stages : s.throttle]) : t.path => [t.rate_limit, t.burst_limit]
      } == {
      "/v1/ai/sentiment/POST"     = [5, 10]
      "/v1/chat/completions/POST" = [5, 10]
      "/v1/models/GET"            = [5, 10]
    }
    error_message = "In the free plan the route limits are capped at the tier's 5 rps / 10 burst."
  }
}

run "no_route_throttle_no_method_throttles" {
  command = apply

  variables {
    routes = {
      health = {
        path        = "/health"
        method      = "GET"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/health" }
      }
    }
  }

  assert {
    condition     = length(aws_api_gateway_method_settings.throttled) == 0 && alltrue([for p in aws_api_gateway_usage_plan.this : length(flatten([for s in p.api_stages : s.throttle])) == 0])
    error_message = "Without route throttles there is no per-route method setting and no per-method plan throttle."
  }
}

run "rejects_a_route_throttle_in_a_tier_without_throttle" {
  command = plan

  variables {
    tiers = {
      unlimited = { quota = { limit = 1000, period = "DAY" } }
    }
  }

  expect_failures = [aws_api_gateway_usage_plan.this["unlimited"]]
}

run "rejects_a_zero_rate" {
  command = plan

  variables {
    routes = {
      r = {
        path        = "/r"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/r" }
        throttle    = { rate_limit = 0, burst_limit = 10 }
      }
    }
  }

  expect_failures = [var.routes]
}

run "rejects_a_fractional_burst" {
  command = plan

  variables {
    routes = {
      r = {
        path        = "/r"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/r" }
        throttle    = { rate_limit = 1, burst_limit = 2.5 }
      }
    }
  }

  expect_failures = [var.routes]
}

run "rejects_a_zero_burst" {
  command = plan

  variables {
    routes = {
      r = {
        path        = "/r"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/r" }
        throttle    = { rate_limit = 1, burst_limit = 0 }
      }
    }
  }

  expect_failures = [var.routes]
}

################################################################################
# Binary answers
################################################################################

run "binary_route_brings_its_media_types_and_headers" {
  command = plan

  variables {
    binary_media_types = ["image/png"]
    routes = {
      speech = {
        path   = "/v1/ai/speech"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type        = "AWS"
          uri         = "arn:aws:apigateway:us-east-1:polly:path/v1/speech"
          credentials = "arn:aws:iam::123456789012:role/speech"
          responses = {
            "2\\d{2}" = {
              status_code         = "200"
              content_handling    = "CONVERT_TO_BINARY"
              response_parameters = { "method.response.header.Content-Type" = "integration.response.header.Content-Type" }
            }
            default = {
              status_code        = "502"
              content_handling   = "CONVERT_TO_TEXT"
              response_templates = { "application/json" = "{\"error\": {}}" }
            }
          }
        }
        binary_media_types = ["audio/mpeg", "audio/ogg", "image/png"]
      }
    }
  }

  assert {
    condition = (
      tolist(jsondecode(output.openapi_document)["x-amazon-apigateway-binary-media-types"]) == tolist(["image/png", "audio/mpeg", "audio/ogg"]) &&
      tolist(aws_api_gateway_rest_api.this[0].binary_media_types) == tolist(["image/png", "audio/mpeg", "audio/ogg"])
    )
    error_message = "The API's binary media types are the module's plus the routes' (each once)."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/ai/speech"].post["x-amazon-apigateway-integration"].responses["2\\d{2}"].contentHandling == "CONVERT_TO_BINARY" &&
      jsondecode(output.openapi_document).paths["/v1/ai/speech"].post["x-amazon-apigateway-integration"].responses["default"].contentHandling == "CONVERT_TO_TEXT"
    )
    error_message = "Integration responses carry their content handling."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/ai/speech"].post.responses["200"].headers == { "Content-Type" = { schema = { type = "string" } } } &&
      !can(jsondecode(output.openapi_document).paths["/v1/ai/speech"].post.responses["502"].headers)
    )
    error_message = "The method response declares the headers its integration response maps (and only those)."
  }
}

run "rejects_binary_answers_without_binary_media_types" {
  command = plan

  variables {
    routes = {
      speech = {
        path   = "/v1/ai/speech"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type        = "AWS"
          uri         = "arn:aws:apigateway:us-east-1:polly:path/v1/speech"
          credentials = "arn:aws:iam::123456789012:role/speech"
          responses = {
            "2\\d{2}" = { status_code = "200", content_handling = "CONVERT_TO_BINARY" }
          }
        }
      }
    }
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "rejects_an_unknown_response_content_handling" {
  command = plan

  variables {
    routes = {
      r = {
        path   = "/r"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type        = "AWS"
          uri         = "arn:aws:apigateway:us-east-1:polly:path/v1/speech"
          credentials = "arn:aws:iam::123456789012:role/speech"
          responses   = { default = { status_code = "200", content_handling = "BINARY" } }
        }
      }
    }
  }

  expect_failures = [var.routes]
}

run "lambda_answering_base64_may_convert_without_binary_media_types" {
  command = plan

  variables {
    routes = {
      thumbnail = {
        path   = "/v1/thumbnail"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type        = "AWS"
          uri         = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:thumbnail/invocations"
          credentials = "arn:aws:iam::123456789012:role/invoke-thumbnail"
          responses   = { default = { status_code = "200", content_handling = "CONVERT_TO_BINARY" } }
        }
      }
    }
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/thumbnail"].post["x-amazon-apigateway-integration"].responses["default"].contentHandling == "CONVERT_TO_BINARY"
    error_message = "A Lambda that answers base64 text may be decoded to binary without binary media types (API Gateway base64-decodes the text)."
  }
}
