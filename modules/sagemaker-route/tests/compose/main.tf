# Test fixture (tests/gateway_core.tftest.hcl): the routes of this module and of
# ai-service-route, rendered by gateway-core into one OpenAPI document.

variable "mode" {
  description = "sagemaker-route mode under test."
  type        = string
  default     = "direct"
}

module "sagemaker" {
  source = "../../"

  name = "aigw-sm-compose"
  mode = var.mode
  package = var.mode == "lambda" ? {
    filename         = "sagemaker_proxy.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  } : null
  endpoints = {
    sentiment = { endpoint_name = "sentiment-hf" }
    churn     = { endpoint_name = "churn-xgb", content_type = "text/csv", target_variant = "blue" }
  }
}

module "ai_services" {
  source = "../../../ai-service-route"

  name = "aigw-ai-compose"
}

module "gateway" {
  source = "../../../gateway-core"

  name   = "aigw-compose"
  routes = merge(module.sagemaker.routes, module.ai_services.routes)
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
