# The smallest useful gateway: a public health check and one SigV4-protected
# route, both proxied to an HTTP back end. No Lambda, no authorizer, no WAF.

provider "aws" {
  region = var.region
}

locals {
  name = "${var.name_prefix}-basic"
}

module "gateway" {
  source = "../../"

  name = local.name

  routes = {
    health = {
      path   = "/health"
      method = "GET"
      auth   = "NONE"
      public = true
      integration = {
        type = "HTTP_PROXY"
        uri  = "${var.backend_url}/health"
      }
    }
    echo = {
      path   = "/v1/echo"
      method = "POST"
      auth   = "AWS_IAM"
      integration = {
        type = "HTTP_PROXY"
        uri  = "${var.backend_url}/echo"
      }
      request_schema = jsonencode({
        type     = "object"
        required = ["input"]
        properties = {
          input = { type = "string", maxLength = 32768 }
        }
      })
    }
  }

  # Execution logging needs the account-level CloudWatch role; the sandbox has none.
  logging_level = var.logging_level

  tags = var.tags
}
