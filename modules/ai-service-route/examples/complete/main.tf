# A subset of the services on custom paths with custom defaults, authorised with SigV4
# (AWS_IAM) for service-to-service callers.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
}

module "ai_services" {
  source = "../../"

  name = "${var.name_prefix}-ai-complete"

  services = {
    sentiment = true
    pii       = true
    translate = true
    labels    = false
  }
  paths = {
    sentiment = "/v1/text/sentiment"
    pii       = "/v1/text/pii"
    translate = "/v1/text/translate"
  }
  default_language       = "de"
  pii_default_language   = "en"
  route_auth             = "AWS_IAM"
  integration_timeout_ms = 10000

  tags = { project = "aigw", example = "ai-service-route-complete" }
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.ai_services.routes
}

output "allowed_actions" {
  description = "What the role may call."
  value       = module.ai_services.allowed_actions
}
