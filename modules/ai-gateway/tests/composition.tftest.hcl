# The composition: authorizer + LLM route + WAF + gateway-core, with the AWS provider mocked.

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

# Outside the sandbox the stage's logs need the account's CloudWatch Logs role, which
# Terraform cannot read at plan time: a gateway that names no owner fails the plan.
run "a_deployed_gateway_names_the_account_cloudwatch_role" {
  command = plan

  variables {
    account_cloudwatch_role_arn = null
  }

  expect_failures = [output.stage_invoke_url]
}

run "production_shape" {
  command = apply

  assert {
    condition     = toset(keys(jsondecode(output.openapi_document).paths)) == toset(["/v1/chat/completions", "/v1/models", "/v1/models/{model}", "/v1/embeddings", "/v1/prompts/triage", "/v1/responses", "/v1/responses/{response_id}", "/v1/messages", "/v1/messages/count_tokens"])
    error_message = "The API serves every LLM route, one per prompt template."
  }

  assert {
    condition = alltrue(flatten([
      for path, p in jsondecode(output.openapi_document).paths : [for op in p : contains(keys(op.security[0]), startswith(path, "/v1/messages") ? "aigw-messages" : "aigw")]
    ]))
    error_message = "Every operation requires the Lambda authorizer (the Messages routes its uncached variant, which takes x-api-key too)."
  }

  assert {
    condition     = jsondecode(output.openapi_document)["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    error_message = "Usage plans read the key the authorizer returns (OpenAI clients send a Bearer token)."
  }

  assert {
    condition     = output.web_acl_arn != null && module.gateway.web_acl_association_id != null
    error_message = "A WAF web ACL guards the stage outside the sandbox."
  }

  assert {
    condition     = module.llm.config_parameter_name == "/aigw-test-llm/config" && !can(regex("(?i)api_key\"\\s*:", module.llm.config_document))
    error_message = "The LLM config is stored in its parameter and holds no key."
  }

  assert {
    condition     = output.alarm_topic_arn != null && length(module.observability.alarm_names) > 0
    error_message = "Alarms notify the gateway's SNS topic."
  }

  assert {
    condition = (
      !contains(keys(module.observability.alarm_names), "api_p99_latency") &&
      contains(keys(module.observability.alarm_names), "ttft_p99/chat_completions") &&
      contains(keys(module.observability.alarm_names), "ttft_p99/prompts") &&
      contains(keys(module.observability.alarm_names), "api_5xx_rate")
    )
    error_message = "A streaming gateway alarms on time to first token and 5XX rate, never on the stage's Latency (which spans whole streams)."
  }

  assert {
    condition     = output.cli_environment.AIGW_USAGE_PLAN_PREFIX == "aigw-test" && output.cli_environment.AIGW_STAGE == "v1"
    error_message = "The CLI finds tier usage plans by <name>-<tier> and binds keys to the stage."
  }
}

run "sandbox_mode_turns_off_only_what_moto_lacks" {
  command = plan

  variables {
    sandbox_mode = true
  }

  assert {
    condition     = local.waf_enabled && !local.deletion_protection
    error_message = "The sandbox implements the WAF, so it stays on; deletion protection is off so the sandbox can be torn down."
  }

  assert {
    condition     = length(module.llm.routes) == 10 && module.llm.config_parameter_name == "/aigw-test-llm/config"
    error_message = "The gateway itself is complete in the sandbox."
  }
}

run "buffered_gateway_keeps_the_latency_alarm" {
  command = apply

  variables {
    llm = {
      providers = { bedrock = { type = "bedrock" } }
      models    = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
      streaming = false
    }
  }

  assert {
    condition     = contains(keys(module.observability.alarm_names), "api_p99_latency") && !contains(keys(module.observability.alarm_names), "ttft_p99/chat_completions")
    error_message = "Without streaming every answer ends within the integration timeout: the stage's p99 Latency is the alarm, there is no TTFT alarm."
  }
}

run "rejects_a_bad_name" {
  command = plan
  variables {
    name = "AI_Gateway"
  }
  expect_failures = [var.name]
}

run "the_sandbox_does_not_model_the_account_setting" {
  command = plan

  variables {
    sandbox_mode                = true
    account_cloudwatch_role_arn = null
  }

  assert {
    condition     = module.gateway.stage_name == "v1"
    error_message = "sandbox_mode plans without the account role (moto does not model the setting)."
  }
}

run "the_packages_architecture_reaches_both_functions" {
  command = plan

  variables {
    packages = {
      llm_gateway = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", architecture = "x86_64" }
      authorizer  = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", architecture = "x86_64" }
    }
    llm = {
      providers                      = { bedrock = { type = "bedrock" } }
      models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
      parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
    }
  }

  assert {
    condition     = module.authorizer.architecture == "x86_64" && module.llm.architecture == "x86_64"
    error_message = "A package built for x86_64 (make build ARCH=x86_64) must run on x86_64, the authorizer included."
  }
}

run "packages_without_an_architecture_run_on_arm64" {
  command = plan

  assert {
    condition     = module.authorizer.architecture == "arm64" && module.llm.architecture == "arm64"
    error_message = "Packages default to arm64 (the build's default)."
  }
}

run "stage_default_throttle_can_be_lifted_to_the_account_limit" {
  command = plan

  variables {
    default_throttle = null
  }
}

run "rejects_a_fractional_default_burst" {
  command = plan

  variables {
    default_throttle = { rate_limit = 100, burst_limit = 150.5 }
  }

  expect_failures = [var.default_throttle]
}

run "rejects_a_zero_default_rate" {
  command = plan

  variables {
    default_throttle = { rate_limit = 0, burst_limit = 10 }
  }

  expect_failures = [var.default_throttle]
}

run "passes_the_dialect_settings_to_the_llm_route" {
  command = plan

  variables {
    llm = {
      providers                = { bedrock = { type = "bedrock" } }
      models                   = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
      responses_retention_days = 7
      enable_messages_routes   = false
    }
  }

  assert {
    condition     = length([for k, r in module.llm.routes : k if startswith(r.path, "/v1/messages")]) == 0 && contains([for k, r in module.llm.routes : r.path], "/v1/responses")
    error_message = "llm.enable_messages_routes = false drops the Messages routes (and keeps the others)."
  }
}

run "uploads_are_off_by_default" {
  command = plan

  assert {
    condition     = output.upload_bucket_name == null && module.llm.uploads == null && !contains(keys(module.llm.routes), "llm_uploads")
    error_message = "Without uploads.enabled there is no bucket and no uploads route."
  }
}

# The defaults (as envs/local sets them): no content_types, the function's own list; the
# AI service media routes take upload ids and their role reads tenants/* of the bucket.
run "uploads_with_the_defaults_reach_the_llm_and_ai_service_routes" {
  command = apply

  variables {
    uploads     = { enabled = true }
    ai_services = { services = { labels = true, moderation = true } }
  }

  assert {
    condition     = module.llm.uploads.content_types == null && module.llm.uploads.max_bytes == 52428800
    error_message = "uploads.content_types left null reaches llm-route as null (its default media types)."
  }

  assert {
    condition = alltrue([
      for p, schema in { "/v1/ai/labels" = "AiLabelsRequest", "/v1/ai/moderation" = "AiModerationRequest" } :
      strcontains(jsondecode(output.openapi_document).components.schemas[schema].properties.upload.pattern, "^upload_[0-9a-f]{32}") &&
      strcontains(jsonencode(jsondecode(output.openapi_document).paths[p]), "S3Object")
    ])
    error_message = "With uploads on, the AI service media routes take an upload id and read the object from S3."
  }
}

run "iam_authorized_ai_services_take_bytes_only_next_to_uploads" {
  command = plan

  variables {
    uploads     = { enabled = true }
    ai_services = { services = { labels = true }, auth = "AWS_IAM" }
  }

  assert {
    condition     = !contains(local.ai_services_allowed_actions, "s3:GetObject")
    error_message = "AWS_IAM AI service routes have no tenant to scope an upload by: they take bytes, and their role reads no upload."
  }

  assert {
    condition     = !contains(keys(jsondecode(output.openapi_document).components.schemas.AiLabelsRequest.properties), "upload")
    error_message = "The labels route of AWS_IAM AI services takes no upload id."
  }
}

run "uploads_create_the_bucket_and_the_route" {
  command = apply

  variables {
    uploads = { enabled = true, expiration_days = 3, max_bytes = 10485760, content_types = ["image/png", "application/pdf"] }
  }

  assert {
    condition     = output.upload_bucket_name == "aigw-test-uploads-123456789012"
    error_message = "The bucket is named <name>-uploads-<account id> unless bucket_name says otherwise."
  }

  assert {
    condition     = module.uploads.expiration_days == 3
    error_message = "uploads.expiration_days reaches the bucket's lifecycle rule."
  }

  assert {
    condition     = contains(keys(jsondecode(output.openapi_document).paths), "/v1/uploads")
    error_message = "The API serves POST /v1/uploads."
  }

  assert {
    condition = (
      module.llm.uploads.bucket_name == "aigw-test-uploads-123456789012" &&
      module.llm.uploads.bucket_arn == module.uploads.bucket_arn &&
      module.llm.uploads.kms_key_arn == module.uploads.kms_key_arn &&
      module.llm.uploads.max_bytes == 10485760 &&
      module.llm.uploads.content_types == tolist(["image/png", "application/pdf"])
    )
    error_message = "The LLM function learns the bucket and the limits."
  }
}
