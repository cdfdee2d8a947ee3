# The route families besides the LLM routes (variables_routes.tf): SageMaker (direct and
# lambda mode, existing and created endpoints), the AI services, private back ends behind
# VPC links (NLB and ALB), public HTTP back ends and typed extra routes, with the AWS
# provider mocked; and each family's bad values refused by its validation.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
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
    llm_gateway     = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    authorizer      = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    sagemaker_proxy = { filename = "sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }
  llm = {
    providers                      = { bedrock = { type = "bedrock" } }
    models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }
  account_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"

  sagemaker = {
    endpoints = {
      churn = { endpoint_name = "churn-xgb", content_type = "text/csv" }
      summarise = {
        mode = "lambda"
        create = {
          image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/summarise:1"
          execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-execution"
          serverless         = { memory_size_in_mb = 2048, max_concurrency = 2 }
        }
      }
    }
  }
  ai_services = {
    services         = { speech = true, entities = true }
    default_language = "de"
    throttle         = { sentiment = { rate_limit = 100, burst_limit = 200 } }
  }
  private_backends = {
    models = {
      load_balancer = "nlb"
      vpc_id        = "vpc-0123456789abcdef0"
      subnet_ids    = ["subnet-0123456789abcdef0"]
      target_groups = { api = { target_type = "ip", port = 8080, targets = { a = { target_id = "10.0.1.10" } } } }
      listeners     = { tcp = { port = 80, target_group_key = "api" } }
      routes = {
        rerank = { path = "/v1/private/rerank", backend_path = "/rerank", throttle = { rate_limit = 5, burst_limit = 10 } }
      }
    }
    tools = {
      load_balancer       = "alb"
      subnet_ids          = ["subnet-0123456789abcdef0"]
      security_group_ids  = ["sg-0123456789abcdef0"]
      alb_arn             = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/tools/0123456789abcdef"
      alb_integration_uri = "https://tools.internal.example.com"
      routes              = { search = { path = "/v1/tools/search", method = "GET" } }
    }
  }
  http_backends = {
    weather = {
      url    = "https://api.weather.example.com/v2"
      routes = { forecast = { path = "/v1/weather/forecast", method = "GET", backend_path = "/forecast" } }
    }
  }
  extra_routes = {
    status = {
      path        = "/v1/status"
      method      = "GET"
      auth        = "NONE"
      public      = true
      integration = { type = "MOCK" }
    }
  }
}

run "every_family_is_one_gateway" {
  command = apply

  assert {
    condition = alltrue([for p in ["/v1/chat/completions", "/v1/sagemaker/churn/invocations", "/v1/sagemaker/summarise/invocations", "/v1/ai/sentiment", "/v1/ai/speech", "/v1/ai/entities", "/v1/private/rerank", "/v1/tools/search", "/v1/weather/forecast", "/v1/status"] :
    contains(keys(jsondecode(output.openapi_document).paths), p)])
    error_message = "The one API serves the LLM routes and every family's routes."
  }

  assert {
    condition = alltrue([
      for p in ["/v1/sagemaker/churn/invocations", "/v1/sagemaker/summarise/invocations", "/v1/ai/sentiment", "/v1/private/rerank", "/v1/tools/search", "/v1/weather/forecast"] :
      alltrue([for m, op in jsondecode(output.openapi_document).paths[p] : contains(keys(op.security[0]), "aigw")])
    ])
    error_message = "Every family's routes sit behind the project's Lambda authorizer by default."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/sagemaker/churn/invocations"].post["x-amazon-apigateway-integration"].type == "aws" &&
      jsondecode(output.openapi_document).paths["/v1/sagemaker/summarise/invocations"].post["x-amazon-apigateway-integration"].type == "aws_proxy"
    )
    error_message = "SageMaker endpoints in direct mode are AWS integrations; in lambda mode the proxy function's."
  }

  assert {
    condition     = output.function_names.sagemaker_proxy == "aigw-test-sagemaker-proxy" && output.sagemaker_proxy_function_name == "aigw-test-sagemaker-proxy"
    error_message = "The SageMaker proxy function is one of the gateway's functions (and observability's)."
  }

  assert {
    condition     = output.sagemaker_endpoint_names == tomap({ churn = "churn-xgb", summarise = "summarise" }) && jsonencode(keys(output.sagemaker_created_endpoint_arns)) == jsonencode(["summarise"])
    error_message = "Endpoint names come from sagemaker-route; only the endpoint with `create` is created."
  }

  assert {
    condition     = contains(output.ai_services_allowed_actions, "polly:SynthesizeSpeech") && contains(output.ai_services_allowed_actions, "comprehend:DetectEntities") && contains(output.ai_services_allowed_actions, "comprehend:DetectSentiment") && !contains(output.ai_services_allowed_actions, "textract:DetectDocumentText")
    error_message = "Services left out keep ai-service-route's defaults (sentiment on, document off); speech and entities are on."
  }

  assert {
    condition     = strcontains(jsondecode(output.openapi_document).paths["/v1/ai/sentiment"].post["x-amazon-apigateway-integration"].requestTemplates["application/json"], "\"de\"")
    error_message = "ai_services.default_language reaches the sentiment route's template."
  }

  assert {
    condition     = contains(jsondecode(output.openapi_document)["x-amazon-apigateway-binary-media-types"], "audio/mpeg")
    error_message = "The speech route's audio is a binary media type of the API."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/private/rerank"].post["x-amazon-apigateway-integration"].connectionType == "VPC_LINK" &&
      jsondecode(output.openapi_document).paths["/v1/private/rerank"].post["x-amazon-apigateway-integration"].connectionId == output.vpc_link_ids.models &&
      endswith(jsondecode(output.openapi_document).paths["/v1/private/rerank"].post["x-amazon-apigateway-integration"].uri, ":80/rerank") &&
      jsondecode(output.openapi_document).paths["/v1/private/rerank"].post["x-amazon-apigateway-integration"].type == "http_proxy"
    )
    error_message = "An NLB back end's routes are HTTP_PROXY integrations over its v1 VPC link to the listener, with the back-end path."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/tools/search"].get["x-amazon-apigateway-integration"].integrationTarget == "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/tools/0123456789abcdef" &&
      jsondecode(output.openapi_document).paths["/v1/tools/search"].get["x-amazon-apigateway-integration"].uri == "https://tools.internal.example.com/v1/tools/search" &&
      jsondecode(output.openapi_document).paths["/v1/tools/search"].get["x-amazon-apigateway-integration"].connectionId == output.vpc_link_ids.tools
    )
    error_message = "An ALB back end's routes go over its v2 VPC link with the ALB as integrationTarget."
  }

  assert {
    condition     = jsonencode(keys(output.nlb_arns)) == jsonencode(["models"]) && jsonencode(keys(output.target_group_arns.models)) == jsonencode(["api"])
    error_message = "Only the nlb back end gets an NLB and target groups."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/weather/forecast"].get["x-amazon-apigateway-integration"].uri == "https://api.weather.example.com/v2/forecast" &&
      jsondecode(output.openapi_document).paths["/v1/weather/forecast"].get["x-amazon-apigateway-integration"].type == "http_proxy" &&
      jsondecode(output.openapi_document).paths["/v1/weather/forecast"].get["x-amazon-apigateway-integration"].httpMethod == "GET"
    )
    error_message = "An HTTP back end's route is an HTTP_PROXY integration to its base URL plus the back-end path."
  }

  assert {
    condition = (
      output.route_keys.sagemaker == tolist(["sagemaker_churn", "sagemaker_summarise"]) &&
      output.route_keys.ai_services == tolist(["ai_entities", "ai_labels", "ai_pii", "ai_sentiment", "ai_speech", "ai_translate"]) &&
      output.route_keys.private_backends == tolist(["private_models_rerank", "private_tools_search"]) &&
      output.route_keys.http_backends == tolist(["http_weather_forecast"]) &&
      output.route_keys.extra == tolist(["status"]) &&
      output.routes.http_backends.http_weather_forecast.method == "GET" && output.routes.http_backends.http_weather_forecast.path == "/v1/weather/forecast"
    )
    error_message = "Route keys and method/path per family are outputs (for per-route alarms)."
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/status"].get.security == []
    error_message = "extra_routes keep the routes contract (a public MOCK route here)."
  }
}

run "without_families_only_the_llm_routes" {
  command = plan

  variables {
    sagemaker        = {}
    ai_services      = null
    private_backends = {}
    http_backends    = {}
    extra_routes     = {}
  }

  assert {
    condition     = length(output.route_keys.sagemaker) == 0 && length(output.route_keys.ai_services) == 0 && length(output.route_keys.private_backends) == 0 && length(output.route_keys.http_backends) == 0 && jsonencode(keys(output.function_names)) == jsonencode(["authorizer", "llm"])
    error_message = "No family is on by default."
  }
}

run "the_families_can_use_sigv4" {
  command = plan

  variables {
    sagemaker   = { auth = "AWS_IAM", endpoints = { churn = {} } }
    ai_services = { auth = "AWS_IAM" }
  }

  assert {
    condition     = module.sagemaker_direct[0].routes.sagemaker_churn.auth == "AWS_IAM" && alltrue([for k, r in module.ai_services[0].routes : r.auth == "AWS_IAM"])
    error_message = "auth = AWS_IAM reaches the routes of the family."
  }
}

run "rejects_an_unknown_sagemaker_mode" {
  command = plan
  variables {
    sagemaker = { endpoints = { churn = { mode = "proxy" } } }
  }
  expect_failures = [var.sagemaker]
}

run "rejects_a_public_sagemaker_route" {
  command = plan
  variables {
    sagemaker = { auth = "NONE", endpoints = { churn = {} } }
  }
  expect_failures = [var.sagemaker]
}

run "rejects_lambda_mode_without_its_package" {
  command = plan
  variables {
    packages = {
      llm_gateway = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
      authorizer  = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    }
    sagemaker = { endpoints = { churn = { mode = "lambda" } } }
  }
  expect_failures = [var.sagemaker]
}

run "rejects_an_unknown_sagemaker_content_type" {
  command = plan
  variables {
    sagemaker = { endpoints = { churn = { content_type = "application/x-npy" } } }
  }
  expect_failures = [var.sagemaker]
}

run "rejects_an_unknown_ai_service" {
  command = plan
  variables {
    ai_services = { services = { ocr = true } }
  }
  expect_failures = [var.ai_services]
}

run "rejects_an_unknown_sentiment_language" {
  command = plan
  variables {
    ai_services = { default_language = "xx" }
  }
  expect_failures = [var.ai_services]
}

run "rejects_an_unknown_speech_format" {
  command = plan
  variables {
    ai_services = { speech_defaults = { format = "wav" } }
  }
  expect_failures = [var.ai_services]
}

run "rejects_an_unknown_load_balancer" {
  command = plan
  variables {
    private_backends = {
      models = { load_balancer = "gwlb", subnet_ids = ["subnet-1"], routes = { a = { path = "/v1/a" } } }
    }
  }
  expect_failures = [var.private_backends]
}

run "rejects_an_nlb_backend_without_its_network" {
  command = plan
  variables {
    private_backends = {
      models = { load_balancer = "nlb", subnet_ids = ["subnet-1"], routes = { a = { path = "/v1/a" } } }
    }
  }
  expect_failures = [var.private_backends]
}

run "rejects_an_alb_backend_without_the_alb" {
  command = plan
  variables {
    private_backends = {
      tools = { load_balancer = "alb", subnet_ids = ["subnet-1"], security_group_ids = ["sg-1"], routes = { a = { path = "/v1/a" } } }
    }
  }
  expect_failures = [var.private_backends]
}

run "rejects_a_public_private_backend_route" {
  command = plan
  variables {
    private_backends = {
      tools = {
        load_balancer       = "alb"
        subnet_ids          = ["subnet-1"]
        security_group_ids  = ["sg-1"]
        alb_arn             = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/tools/0123456789abcdef"
        alb_integration_uri = "https://tools.internal.example.com"
        routes              = { a = { path = "/v1/a", auth = "NONE" } }
      }
    }
  }
  expect_failures = [var.private_backends]
}

run "rejects_an_http_backend_url_without_a_scheme" {
  command = plan
  variables {
    http_backends = { weather = { url = "api.weather.example.com", routes = { a = { path = "/v1/a" } } } }
  }
  expect_failures = [var.http_backends]
}

run "rejects_an_unknown_http_integration_type" {
  command = plan
  variables {
    http_backends = { weather = { url = "https://api.weather.example.com", type = "AWS", routes = { a = { path = "/v1/a" } } } }
  }
  expect_failures = [var.http_backends]
}

run "rejects_templates_on_a_proxy_http_route" {
  command = plan
  variables {
    http_backends = { weather = { url = "https://api.weather.example.com", routes = { a = { path = "/v1/a", request_templates = { "application/json" = "{}" } } } } }
  }
  expect_failures = [var.http_backends]
}

run "rejects_an_unknown_http_route_method" {
  command = plan
  variables {
    http_backends = { weather = { url = "https://api.weather.example.com", routes = { a = { path = "/v1/a", method = "FETCH" } } } }
  }
  expect_failures = [var.http_backends]
}

run "rejects_extra_routes_that_reuse_a_family_key" {
  command = plan
  variables {
    extra_routes = {
      sagemaker_churn = { path = "/v1/other", method = "GET", auth = "NONE", public = true, integration = { type = "MOCK" } }
    }
  }
  expect_failures = [output.route_keys]
}
