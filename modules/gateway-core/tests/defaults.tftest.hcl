# Security defaults and the rendered OpenAPI document, with the AWS provider mocked.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
}

variables {
  name = "aigw-test"
  authorizer = {
    name                 = "tenant_authorizer"
    lambda_invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:authz/invocations"
    lambda_function_name = "authz"
    identity_sources     = ["method.request.header.Authorization"]
    result_ttl_seconds   = 300
  }
  tiers = {
    free = {
      throttle = { rate_limit = 5, burst_limit = 10 }
      quota    = { limit = 1000, period = "DAY" }
    }
    pro = {
      throttle = { rate_limit = 50, burst_limit = 100 }
    }
  }
  routes = {
    chat_completions = {
      path   = "/v1/chat/completions"
      method = "POST"
      integration = {
        type          = "AWS_PROXY"
        uri           = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:llm/invocations"
        transfer_mode = "STREAM"
      }
      lambda_function_name = "llm"
      request_schema = jsonencode({
        "$schema" = "http://json-schema.org/draft-04/schema#"
        type      = "object"
        required  = ["model", "messages"]
        properties = {
          model    = { type = "string" }
          messages = { type = "array", minItems = 1, items = { type = "object" } }
        }
      })
    }
    models = {
      path   = "/v1/models"
      method = "GET"
      integration = {
        type = "AWS_PROXY"
        uri  = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:llm/invocations"
      }
      lambda_function_name = "llm"
      cache                = { ttl_seconds = 60 }
    }
    model = {
      path   = "/v1/models/{model}"
      method = "GET"
      integration = {
        type = "AWS_PROXY"
        uri  = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:llm/invocations"
      }
      lambda_function_name = "llm"
    }
    sentiment = {
      path   = "/v1/sentiment"
      method = "POST"
      auth   = "AWS_IAM"
      integration = {
        type        = "AWS"
        uri         = "arn:aws:apigateway:us-east-1:comprehend:action/DetectSentiment"
        credentials = "arn:aws:iam::123456789012:role/comprehend-invoke"
        request_templates = {
          "application/json" = "{\"Text\": $input.json('$.input'), \"LanguageCode\": \"en\"}"
        }
        response_templates = {
          "application/json" = "$input.json('$')"
        }
      }
    }
    private_model = {
      path   = "/v1/private/{proxy+}"
      method = "ANY"
      integration = {
        type               = "HTTP_PROXY"
        uri                = "http://internal-alb.example.internal/{proxy}"
        connection_id      = "vpclink-123"
        integration_target = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/internal/abc"
        request_parameters = { "integration.request.path.proxy" = "method.request.path.proxy" }
      }
    }
    health = {
      path   = "/health"
      method = "GET"
      auth   = "NONE"
      public = true
      integration = {
        type               = "MOCK"
        response_templates = { "application/json" = "{\"status\":\"ok\"}" }
      }
    }
  }
}

run "access_logs_tracing_and_method_settings" {
  command = apply

  assert {
    condition     = length(aws_api_gateway_stage.this[0].access_log_settings) == 1
    error_message = "The stage must write access logs."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access[0].arn
    error_message = "Access logs must go to the module's log group."
  }

  assert {
    condition = alltrue([
      for f in ["requestId", "extendedRequestId", "tenant", "keyId", "route", "status", "responseLatency", "integrationLatency", "wafResponseCode", "userAgent"] :
      contains(keys(jsondecode(aws_api_gateway_stage.this[0].access_log_settings[0].format)), f)
    ])
    error_message = "The access log format must carry request ids, tenant and key id, route, status, latencies, WAF code and user agent."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_stage.this[0].access_log_settings[0].format).tenant == "$context.authorizer.tenant"
    error_message = "The tenant must come from the authorizer context."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].xray_tracing_enabled
    error_message = "X-Ray tracing must be on by default."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all[0].method_path == "*/*"
    error_message = "Default method settings must cover */*."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all[0].settings[0].data_trace_enabled == false
    error_message = "Data trace (full request/response logging) must be off by default."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all[0].settings[0].metrics_enabled && aws_api_gateway_method_settings.all[0].settings[0].logging_level == "ERROR"
    error_message = "Metrics must be on and execution logging at ERROR by default."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all[0].settings[0].caching_enabled == false
    error_message = "Caching must be off for all methods unless a route asks for it."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all[0].settings[0].throttling_rate_limit == 500 && aws_api_gateway_method_settings.all[0].settings[0].throttling_burst_limit == 1000
    error_message = "Default stage throttling must be applied."
  }
}

run "log_groups_are_kms_encrypted_with_retention" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.access[0].name == "/aws/apigateway/aigw-test/v1"
    error_message = "Access log group name must be /aws/apigateway/<name>/<stage>."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access[0].kms_key_id == module.kms_key.key_arn && aws_cloudwatch_log_group.execution[0].kms_key_id == module.kms_key.key_arn
    error_message = "Both log groups must be encrypted with the module's KMS key when kms_key_arn is null."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access[0].retention_in_days == 365 && aws_cloudwatch_log_group.execution[0].retention_in_days == 365
    error_message = "Log groups must keep logs for 365 days by default."
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution[0].name == "API-Gateway-Execution-Logs_abc123/v1"
    error_message = "The execution log group must be the name API Gateway writes to."
  }

  assert {
    condition     = length(one([for s in jsondecode(module.kms_key.key_policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]) == 2
    error_message = "The module's KMS key lets CloudWatch Logs use it for the access and execution log groups only."
  }

  assert {
    condition     = module.account_cloudwatch_role.account_setting_role_arn == null
    error_message = "The account-wide CloudWatch role must be off by default."
  }
}

run "given_kms_key_is_used_and_no_key_created" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = !module.kms_key.key_created && module.kms_key.key_id == null
    error_message = "No key must be created when kms_key_arn is given."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    error_message = "The given key must encrypt the access logs."
  }
}

run "every_operation_is_secured_unless_public" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for p, item in jsondecode(output.openapi_document).paths : [
        for m, op in item : length(op.security) > 0 && alltrue([for req in op.security : length(req) > 0])
        if !try(op["x-aigw-public"], false)
      ]
    ]))
    error_message = "Every non-public operation must carry a security requirement."
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/health"].get.security == [] && jsondecode(output.openapi_document).paths["/health"].get["x-aigw-public"]
    error_message = "The public health route must be marked public and carry no security."
  }

  assert {
    condition     = keys(jsondecode(output.openapi_document).paths["/v1/chat/completions"].post.security[0]) == ["api_key", "tenant_authorizer"]
    error_message = "CUSTOM routes must require the authorizer and, with tiers, the usage-plan key."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/models/{model}"].get.parameters == [
        { name = "model", in = "path", required = true, schema = { type = "string" } }
      ] &&
      keys(jsondecode(output.openapi_document).paths["/v1/models/{model}"].get.security[0]) == ["api_key", "tenant_authorizer"]
    )
    error_message = "A path template renders its parameter as a required path parameter, behind the same auth as the other routes."
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/sentiment"].post.security == [{ sigv4 = [] }]
    error_message = "AWS_IAM routes must require SigV4 (and, with api_key_source = AUTHORIZER, no usage-plan key: no authorizer supplies one)."
  }

  assert {
    condition     = jsondecode(output.openapi_document).components.securitySchemes.tenant_authorizer["x-amazon-apigateway-authorizer"].type == "request"
    error_message = "The authorizer must be a REQUEST authorizer."
  }

  assert {
    condition     = jsondecode(output.openapi_document)["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    error_message = "The API key must come from the authorizer by default."
  }
}

run "streaming_routes_stream_and_are_never_cached" {
  command = apply

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/chat/completions"].post["x-amazon-apigateway-integration"].responseTransferMode == "STREAM"
    error_message = "Streaming routes must set responseTransferMode STREAM."
  }

  assert {
    condition     = endswith(jsondecode(output.openapi_document).paths["/v1/chat/completions"].post["x-amazon-apigateway-integration"].uri, "/2021-11-15/functions/arn:aws:lambda:us-east-1:123456789012:function:llm/response-streaming-invocations")
    error_message = "Streaming Lambda routes must call the response-streaming invocation URI."
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/chat/completions"].post["x-amazon-apigateway-integration"].timeoutInMillis == 900000
    error_message = "Streaming routes must get the 15-minute timeout."
  }

  assert {
    condition     = !contains(keys(jsondecode(output.openapi_document).paths["/v1/chat/completions"].post["x-amazon-apigateway-integration"]), "cacheKeyParameters") && !contains(keys(aws_api_gateway_method_settings.cached), "chat_completions")
    error_message = "Streaming routes must have no cache."
  }

  assert {
    condition     = keys(aws_api_gateway_method_settings.cached) == ["models"]
    error_message = "Only the route that asked for a cache gets cache settings."
  }

  assert {
    condition     = aws_api_gateway_method_settings.cached["models"].method_path == "~1v1~1models/GET" && aws_api_gateway_method_settings.cached["models"].settings[0].cache_data_encrypted && aws_api_gateway_method_settings.cached["models"].settings[0].cache_ttl_in_seconds == 60
    error_message = "Cached routes must be encrypted with their own TTL."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].cache_cluster_enabled
    error_message = "The stage cache cluster must exist when a route is cached."
  }
}

run "lambda_permissions_are_scoped_to_api_and_stage" {
  command = apply

  assert {
    condition     = keys(aws_lambda_permission.function) == ["llm"]
    error_message = "Three Lambda-backed routes of one function need one permission, not one per route."
  }

  assert {
    condition     = aws_lambda_permission.function["llm"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/*" && aws_lambda_permission.function["llm"].principal == "apigateway.amazonaws.com" && aws_lambda_permission.function["llm"].action == "lambda:InvokeFunction"
    error_message = "The permission must let this API's stage (any method and path) invoke the function, and nothing else."
  }

  assert {
    condition     = aws_lambda_permission.authorizer[0].source_arn == "arn:aws:execute-api:us-east-1:123456789012:abc123/authorizers/*" && aws_lambda_permission.authorizer[0].function_name == "authz"
    error_message = "The authorizer Lambda must be invocable by this API's authorizers only."
  }
}

run "usage_plans_from_tiers" {
  command = apply

  assert {
    condition     = { for k, p in aws_api_gateway_usage_plan.this : k => p.name } == { free = "aigw-test-free", pro = "aigw-test-pro" }
    error_message = "One usage plan per tier, named <name>-<tier>."
  }

  assert {
    condition     = aws_api_gateway_usage_plan.this["free"].description == "Tier free of aigw-test"
    error_message = "A tier without a description gets one naming the tier and the API."
  }

  assert {
    condition = alltrue([for p in aws_api_gateway_usage_plan.this : length(p.api_stages) == 1 && alltrue([
      for s in p.api_stages : s.api_id == "abc123" && s.stage == "v1"
    ])])
    error_message = "Every usage plan must be bound to this API's stage (v1), and only to it."
  }

  assert {
    condition     = output.usage_plan_ids == { for k, p in aws_api_gateway_usage_plan.this : k => p.id }
    error_message = "usage_plan_ids must map each tier to its plan's id."
  }

  assert {
    condition     = [for q in aws_api_gateway_usage_plan.this["free"].quota_settings : [q.limit, q.period]] == [[1000, "DAY"]] && [for t in aws_api_gateway_usage_plan.this["free"].throttle_settings : [t.rate_limit, t.burst_limit]] == [[5, 10]]
    error_message = "The free tier's quota (1000 a DAY) and throttle (5/s, burst 10) must become the plan's settings."
  }

  assert {
    condition     = [for t in aws_api_gateway_usage_plan.this["pro"].throttle_settings : [t.rate_limit, t.burst_limit]] == [[50, 100]] && length(aws_api_gateway_usage_plan.this["pro"].quota_settings) == 0
    error_message = "Tier throttle must be applied, and no quota when none is asked."
  }
}

run "deployment_redeploys_on_document_change" {
  command = apply

  assert {
    condition     = aws_api_gateway_deployment.this[0].triggers.redeployment == sha1(output.openapi_document)
    error_message = "The deployment must be triggered by the sha1 of the document."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].deployment_id == aws_api_gateway_deployment.this[0].id
    error_message = "The stage must serve the current deployment."
  }
}

# The same inputs again: the same document, so the same deployment (no needless redeploy).
run "deployment_is_kept_for_an_unchanged_document" {
  command = apply

  assert {
    condition     = output.openapi_document == run.deployment_redeploys_on_document_change.openapi_document
    error_message = "The same inputs must render the same document."
  }

  assert {
    condition     = output.deployment_id == run.deployment_redeploys_on_document_change.deployment_id
    error_message = "An unchanged document must keep the deployment."
  }
}

# One route changes (the models list moves): a new document, so a new redeployment trigger
# (triggers force a replacement; the mocked provider keeps the mock id, so the trigger and
# the deployment's description are what this run can see change).
run "deployment_redeploys_when_a_route_changes" {
  command = apply

  variables {
    routes = merge(var.routes, { models = merge(var.routes.models, { path = "/v1/catalogue" }) })
  }

  assert {
    condition     = strcontains(output.openapi_document, "/v1/catalogue") && !strcontains(run.deployment_redeploys_on_document_change.openapi_document, "/v1/catalogue")
    error_message = "The changed route must be in the new document only."
  }

  assert {
    condition     = aws_api_gateway_deployment.this[0].triggers.redeployment == sha1(output.openapi_document) && aws_api_gateway_deployment.this[0].triggers.redeployment != sha1(run.deployment_redeploys_on_document_change.openapi_document)
    error_message = "A changed document must change the redeployment trigger."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].deployment_id == aws_api_gateway_deployment.this[0].id && strcontains(aws_api_gateway_deployment.this[0].description, sha1(output.openapi_document))
    error_message = "The stage must serve the deployment of the changed document."
  }
}

run "waf_not_associated_without_acl" {
  command = plan

  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 0
    error_message = "No WAF association without a web ACL."
  }
}

run "waf_associated_when_given" {
  command = apply

  variables {
    web_acl_arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw/1111"
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this[0].web_acl_arn == "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw/1111"
    error_message = "The web ACL must be associated when given."
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this[0].resource_arn == aws_api_gateway_stage.this[0].arn
    error_message = "The web ACL must be associated with the stage."
  }
}

run "waf_association_can_be_switched_off_for_the_sandbox" {
  command = plan

  variables {
    web_acl_arn       = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw/1111"
    associate_web_acl = false
  }

  assert {
    condition     = length(aws_wafv2_web_acl_association.this) == 0
    error_message = "associate_web_acl = false must skip the association."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_api_gateway_rest_api.this) == 0 && length(aws_api_gateway_stage.this) == 0 && length(aws_cloudwatch_log_group.access) == 0 && module.kms_key.key_arn == null && length(aws_lambda_permission.function) == 0
    error_message = "create = false must create nothing."
  }

  assert {
    condition     = output.rest_api_id == null && output.stage_invoke_url == null
    error_message = "Outputs must be null when nothing is created."
  }
}
