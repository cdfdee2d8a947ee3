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

module "ai_services" {
  source = "../../"

  name = "aigw-ai-complete"

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
