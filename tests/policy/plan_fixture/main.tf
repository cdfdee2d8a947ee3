# A REST API whose OpenAPI body is computed from an input, as gateway-core does: the
# plan resolves it, so the plan-JSON scan can read every operation.
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

# Planning needs no account: no credential check, every endpoint on loopback.
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "plan-only"
  secret_key                  = "plan-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    apigateway = "http://127.0.0.1:9"
    sts        = "http://127.0.0.1:9"
    iam        = "http://127.0.0.1:9"
  }
}

variable "routes" {
  description = "Routes of the API: path => { public, auth } (auth NONE leaves the operation open)."
  type        = map(object({ public = bool, auth = string }))
}

locals {
  paths = {
    for path, r in var.routes : path => {
      get = merge(
        { security = r.auth == "NONE" ? [] : [{ api_key = [] }] },
        r.public ? { "x-aigw-public" = true } : {},
      )
    }
  }
}

resource "aws_api_gateway_rest_api" "computed" {
  name = "plan-fixture"
  body = jsonencode({
    openapi    = "3.0.1"
    info       = { title = "plan-fixture", version = "1" }
    paths      = local.paths
    components = { securitySchemes = { api_key = { type = "apiKey", name = "x-api-key", in = "header" } } }
  })
}
