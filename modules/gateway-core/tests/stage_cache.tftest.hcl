# The stage cache (ADR 0143): routes opt in with cache { enabled, ttl_seconds,
# key_parameters }; cached methods are encrypted, Cache-Control needs authorization, the
# key parameters must be declared method request parameters, and a route whose cache is
# switched off renders no cache keys and gets no cache method setting.

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
  name        = "aigw-cache"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  routes = {
    translate_get = {
      path        = "/v1/ai/translate"
      method      = "GET"
      auth        = "AWS_IAM"
      integration = { type = "HTTP", uri = "https://backend.example/translate" }
      request_parameters = {
        "method.request.querystring.text"            = true
        "method.request.querystring.target_language" = true
        "method.request.header.Authorization"        = false
      }
      cache = {
        ttl_seconds    = 120
        key_parameters = ["method.request.querystring.target_language", "method.request.querystring.text", "method.request.header.Authorization"]
      }
      throttle = { rate_limit = 5, burst_limit = 10 }
    }
    sentiment_get = {
      path               = "/v1/ai/sentiment"
      method             = "GET"
      auth               = "AWS_IAM"
      integration        = { type = "HTTP", uri = "https://backend.example/sentiment" }
      request_parameters = { "method.request.querystring.text" = true }
      cache              = { enabled = false, key_parameters = ["method.request.querystring.text"] }
      throttle           = { rate_limit = 7, burst_limit = 9 }
    }
  }
}

run "opted_in_routes_are_cached_encrypted_and_keyed" {
  command = apply

  assert {
    condition     = keys(aws_api_gateway_method_settings.cached) == ["translate_get"]
    error_message = "Only the route whose cache is enabled gets a cache method setting."
  }

  assert {
    condition = (
      aws_api_gateway_method_settings.cached["translate_get"].method_path == "~1v1~1ai~1translate/GET" &&
      aws_api_gateway_method_settings.cached["translate_get"].settings[0].caching_enabled &&
      aws_api_gateway_method_settings.cached["translate_get"].settings[0].cache_ttl_in_seconds == 120 &&
      aws_api_gateway_method_settings.cached["translate_get"].settings[0].cache_data_encrypted &&
      aws_api_gateway_method_settings.cached["translate_get"].settings[0].require_authorization_for_cache_control &&
      aws_api_gateway_method_settings.cached["translate_get"].settings[0].unauthorized_cache_control_header_strategy == "FAIL_WITH_403"
    )
    error_message = "A cached method: its TTL, encrypted data, Cache-Control only with authorization, unauthorized invalidation refused (the default)."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/ai/translate"].get["x-amazon-apigateway-integration"].cacheKeyParameters == ["method.request.querystring.target_language", "method.request.querystring.text", "method.request.header.Authorization"] &&
      jsondecode(output.openapi_document).paths["/v1/ai/translate"].get["x-amazon-apigateway-integration"].cacheNamespace == "translate_get"
    )
    error_message = "The cached route's integration carries its cache key parameters and its own namespace."
  }

  assert {
    condition = (
      !contains(keys(jsondecode(output.openapi_document).paths["/v1/ai/sentiment"].get["x-amazon-apigateway-integration"]), "cacheKeyParameters") &&
      aws_api_gateway_method_settings.throttled["sentiment_get"].settings[0].throttling_rate_limit == 7 &&
      !aws_api_gateway_method_settings.throttled["sentiment_get"].settings[0].caching_enabled
    )
    error_message = "A route with cache.enabled = false renders no cache keys and keeps its own throttle, uncached."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].cache_cluster_enabled && aws_api_gateway_stage.this[0].cache_cluster_size == "0.5"
    error_message = "The stage cache exists (default size 0.5 GB) when a route is cached."
  }
}

run "no_enabled_cache_no_cluster" {
  command = plan

  variables {
    routes = {
      sentiment_get = {
        path               = "/v1/ai/sentiment"
        method             = "GET"
        auth               = "AWS_IAM"
        integration        = { type = "HTTP", uri = "https://backend.example/sentiment" }
        request_parameters = { "method.request.querystring.text" = true }
        cache              = { enabled = false, key_parameters = ["method.request.querystring.text"] }
      }
    }
  }

  assert {
    condition     = !aws_api_gateway_stage.this[0].cache_cluster_enabled && aws_api_gateway_stage.this[0].cache_cluster_size == null
    error_message = "No stage cache (billed per hour) while no route enables caching."
  }
}

run "strategy_is_configurable" {
  command = plan

  variables {
    unauthorized_cache_control_header_strategy = "SUCCEED_WITH_RESPONSE_HEADER"
    cache_cluster_size                         = "1.6"
  }

  assert {
    condition     = aws_api_gateway_method_settings.cached["translate_get"].settings[0].unauthorized_cache_control_header_strategy == "SUCCEED_WITH_RESPONSE_HEADER" && aws_api_gateway_stage.this[0].cache_cluster_size == "1.6"
    error_message = "unauthorized_cache_control_header_strategy and cache_cluster_size reach the stage."
  }
}

run "the_sandbox_skips_the_cached_method_settings_only" {
  command = plan

  variables {
    enable_cached_method_settings = false
  }

  assert {
    condition = (
      length(aws_api_gateway_method_settings.cached) == 0 &&
      aws_api_gateway_stage.this[0].cache_cluster_enabled &&
      keys(output.stage_cache.routes) == ["translate_get"] &&
      length(jsondecode(output.openapi_document).paths["/v1/ai/translate"].get["x-amazon-apigateway-integration"].cacheKeyParameters) == 3
    )
    error_message = "Without the cached method settings the stage keeps its cache, the document its keys and the output its routes (what serve emulates)."
  }
}

run "rejects_an_unknown_strategy" {
  command = plan

  variables {
    unauthorized_cache_control_header_strategy = "IGNORE"
  }

  expect_failures = [var.unauthorized_cache_control_header_strategy]
}

run "rejects_an_unknown_cache_size" {
  command = plan

  variables {
    cache_cluster_size = "2"
  }

  expect_failures = [var.cache_cluster_size]
}

run "rejects_undeclared_cache_key_parameters" {
  command = plan

  variables {
    routes = {
      translate_get = {
        path               = "/v1/ai/translate"
        method             = "GET"
        auth               = "AWS_IAM"
        integration        = { type = "HTTP", uri = "https://backend.example/translate" }
        request_parameters = { "method.request.querystring.text" = true }
        cache              = { key_parameters = ["method.request.querystring.text", "method.request.header.Authorization"] }
      }
    }
  }

  expect_failures = [var.routes]
}

run "rejects_a_ttl_out_of_range" {
  command = plan

  variables {
    routes = {
      translate_get = {
        path        = "/v1/ai/translate"
        method      = "GET"
        auth        = "AWS_IAM"
        integration = { type = "HTTP", uri = "https://backend.example/translate" }
        cache       = { ttl_seconds = 3601 }
      }
    }
  }

  expect_failures = [var.routes]
}
