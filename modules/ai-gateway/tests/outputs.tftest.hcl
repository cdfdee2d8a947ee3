# The composition passes module outputs, never names it rebuilds: with the authorizer's
# outputs overridden, the dashboard and alarms watch the function the module reports.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

override_module {
  target = module.authorizer
  outputs = {
    authorizer = {
      name                 = "aigw"
      lambda_invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:renamed-authorizer/invocations"
      lambda_function_name = "renamed-authorizer"
      identity_sources     = ["method.request.header.Authorization"]
      result_ttl_seconds   = 300
      credentials_role_arn = null
    }
    function_name      = "renamed-authorizer"
    tenants_table_name = "renamed-tenants"
    keys_table_name    = "renamed-keys"
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
  }
  account_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"
}

run "observability_watches_the_functions_the_modules_report" {
  command = apply

  assert {
    condition     = strcontains(module.observability.dashboard_body, "\"renamed-authorizer\"") && !strcontains(module.observability.dashboard_body, "\"aigw-test-authorizer\"")
    error_message = "The dashboard must watch the authorizer function the authorizer module reports, not a name rebuilt from var.name."
  }

  assert {
    condition     = strcontains(module.observability.dashboard_body, "\"${module.llm.function_name}\"") && strcontains(module.observability.dashboard_body, "{${module.llm.metrics_namespace},Model,Tenant}")
    error_message = "The dashboard must watch the LLM function and EMF namespace the llm-route module reports."
  }
}
