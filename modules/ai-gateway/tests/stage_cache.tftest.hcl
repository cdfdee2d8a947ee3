# The stage_cache input (ADR 0143): size and Cache-Control strategy reach gateway-core, the
# AI services opt in through ai_service_cache, and no LLM route may be stage-cached.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:aigw-test-alarms" }
  }

  mock_resource "aws_cloudwatch_dashboard" {
    defaults = { dashboard_arn = "arn:aws:cloudwatch::123456789012:dashboard/aigw-test" }
  }
}

# Not about the web ACL: module.waf is replaced by its two outputs the composition reads.
# The web ACL's plan is more than half of each run's CPU time; the WAF composition is
# tested in waf.tftest.hcl and by the example and envs/local applies (docs/testing.md).
override_module {
  target = module.waf
  outputs = {
    web_acl_arn  = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw-test/a1b2c3d4-5678-90ab-cdef-111122223333"
    web_acl_name = "aigw-test"
  }
}

variables {
  name = "aigw-test"
  packages = {
    llm_gateway = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    authorizer  = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }
  llm = {
    providers                      = { bedrock = { type = "bedrock" } }
    models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
    prompt_templates = {
      triage = { model = "claude", messages = [{ role = "user", content = "Triage: {{ ticket }}" }] }
    }
  }
  account_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"
}

run "no_stage_cache_by_default" {
  command = plan

  assert {
    condition     = !output.stage_cache.enabled && output.stage_cache.cluster_size == null && output.stage_cache.routes == {} && output.stage_cache.ai_service_cache == {}
    error_message = "No route is cached and no stage cache is billed unless services opt in."
  }
}

run "size_ttl_and_services_reach_their_consumers" {
  command = apply

  variables {
    stage_cache = {
      cluster_size                               = "1.6"
      ttl_seconds                                = 900
      services                                   = ["translate", "translate"]
      unauthorized_cache_control_header_strategy = "SUCCEED_WITH_RESPONSE_HEADER"
    }
    extra_routes = {
      ai_translate_get = {
        path               = "/v1/ai/translate"
        method             = "GET"
        integration        = { type = "HTTP", uri = "https://backend.example/translate" }
        request_parameters = { "method.request.querystring.text" = true, "method.request.header.Authorization" = false }
        cache              = { enabled = true, ttl_seconds = 900, key_parameters = ["method.request.querystring.text", "method.request.header.Authorization"] }
      }
    }
  }

  assert {
    condition     = output.stage_cache.ai_service_cache == { translate = { enabled = true, ttl_seconds = 900 } }
    error_message = "Each opted-in service gets the stage TTL (ai-service-route's cache input), once."
  }

  assert {
    condition = (
      output.stage_cache.enabled && output.stage_cache.cluster_size == "1.6" && keys(output.stage_cache.routes) == ["ai_translate_get"] &&
      output.stage_cache.routes.ai_translate_get.method_path == "~1v1~1ai~1translate/GET" && output.stage_cache.routes.ai_translate_get.ttl_seconds == 900 &&
      join(" ", output.stage_cache.routes.ai_translate_get.key_parameters) == "method.request.querystring.text method.request.header.Authorization"
    )
    error_message = "A cached route creates the stage cache at the configured size, and the output names the cached route."
  }

  assert {
    condition     = output.stage_cache.unauthorized_cache_control_header_strategy == "SUCCEED_WITH_RESPONSE_HEADER"
    error_message = "The Cache-Control strategy reaches gateway-core."
  }
}

run "refuses_a_cached_llm_route" {
  command = plan

  variables {
    llm = {
      providers                      = { bedrock = { type = "bedrock" } }
      models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
      parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
      streaming                      = false
    }
    # A route of the LLM function: it answers per tenant and streams.
    extra_routes = {
      cached_models = {
        path                 = "/v1/cached-models"
        method               = "GET"
        lambda_function_name = "aigw-test-llm"
        integration          = { type = "AWS_PROXY", uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-test-llm/invocations" }
        cache                = { ttl_seconds = 60 }
      }
    }
  }

  expect_failures = [output.stage_cache]
}

run "refuses_services_whose_get_route_is_not_composed" {
  command = plan

  variables {
    stage_cache = { services = ["sentiment"] }
  }

  expect_failures = [output.stage_cache]
}

run "rejects_an_llm_route_name_in_services" {
  command = plan

  variables {
    stage_cache = { services = ["chat_completions"] }
  }

  expect_failures = [var.stage_cache]
}

run "rejects_an_unknown_cluster_size" {
  command = plan

  variables {
    stage_cache = { cluster_size = "1" }
  }

  expect_failures = [var.stage_cache]
}

run "rejects_a_ttl_out_of_range" {
  command = plan

  variables {
    stage_cache = { ttl_seconds = -1 }
  }

  expect_failures = [var.stage_cache]
}

run "rejects_an_unknown_strategy" {
  command = plan

  variables {
    stage_cache = { unauthorized_cache_control_header_strategy = "IGNORE" }
  }

  expect_failures = [var.stage_cache]
}
