# The AI service routes (modules/ai-service-route, as in its basic example) behind
# gateway-core with the project's web ACL, for the serve e2e tests: `aigw serve --state-file` serves this root's
# applied OpenAPI document against the sandbox it was applied to.

terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the root creates (test runs pass their own)."
  type        = string
  default     = "aigw"
}

module "ai_services" {
  source = "../../../../modules/ai-service-route"

  name       = "${var.name_prefix}-ai-serve"
  route_auth = "AWS_IAM"
  # Every service the module offers; speech answers audio bytes.
  services = {
    sentiment   = true
    pii         = true
    translate   = true
    labels      = true
    entities    = true
    key_phrases = true
    language    = true
    document    = true
    image_text  = true
    moderation  = true
    speech      = true
  }
  tags     = { project = "aigw", example = "serve-ai-routes" }
}

# The project's web ACL with a small body-size limit, associated with the stage.
module "waf" {
  source = "../../../../modules/waf"

  name                  = "${var.name_prefix}-ai-serve"
  enable_logging        = false
  body_size_limit_bytes = 2048
  tags                  = { project = "aigw", example = "serve-ai-routes" }
}

module "gateway" {
  source = "../../../../modules/gateway-core"

  name           = "${var.name_prefix}-ai-serve"
  routes         = module.ai_services.routes
  api_key_source = "HEADER"
  web_acl_arn    = module.waf.web_acl_arn
  # The ARN is only known after apply.
  associate_web_acl = true
  # One tier: two requests at once, one a second after that, twenty a day.
  tiers = {
    test = {
      throttle = { rate_limit = 1, burst_limit = 2 }
      quota    = { limit = 20, period = "DAY" }
    }
  }
  # Execution logging needs the account-level CloudWatch role the sandbox does not model.
  logging_level = "OFF"
  tags          = { project = "aigw", example = "serve-ai-routes" }
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = module.gateway.openapi_document
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.gateway.rest_api_id
}

output "stage_name" {
  description = "Stage name."
  value       = module.gateway.stage_name
}

output "usage_plan_ids" {
  description = "Usage plan per tier."
  value       = module.gateway.usage_plan_ids
}
