# Test fixture (tests/gateway_core.tftest.hcl): this module's routes rendered by
# gateway-core into the OpenAPI document, behind the authorizer.

module "llm" {
  source = "../../"

  name = "aigw-llm-compose"
  package = {
    filename         = "llm_gateway.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  config_source    = "sdk"
  providers_config = { bedrock = { type = "bedrock" } }
  models = {
    claude = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-7-sonnet-20250219-v1:0" }] }
  }
}

module "gateway" {
  source = "../../../gateway-core"

  name   = "aigw-llm-compose"
  routes = module.llm.routes
  authorizer = {
    name                 = "tenant"
    lambda_invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"
    lambda_function_name = "auth"
    identity_sources     = ["method.request.header.Authorization"]
    result_ttl_seconds   = 300
  }
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = module.gateway.openapi_document
}
