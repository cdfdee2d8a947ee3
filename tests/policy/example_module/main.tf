# A module that renders its REST API body from an input, like gateway-core: only a plan
# (here the example's mocked plan) resolves the document.
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

variable "open_paths" {
  description = "Paths rendered without a security requirement (and not marked public)."
  type        = list(string)
}

locals {
  document = jsonencode({
    openapi = "3.0.1"
    info    = { title = "example-module", version = "1" }
    paths = merge(
      { "/v1/chat" = { post = { security = [{ api_key = [] }] } } },
      { for p in var.open_paths : p => { get = { security = [] } } },
    )
    components = { securitySchemes = { api_key = { type = "apiKey", name = "x-api-key", in = "header" } } }
  })
}

resource "aws_api_gateway_rest_api" "this" {
  name = "example-module"
  body = local.document
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = local.document
}
