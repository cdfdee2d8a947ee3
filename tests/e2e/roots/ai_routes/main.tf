# The AI service routes (modules/ai-service-route, as in its basic example) behind
# gateway-core with the project's web ACL, for the serve e2e tests: `aigw serve --state-file` serves this root's
# applied OpenAPI document against the sandbox it was applied to. A second instance serves
# cached GET variants behind the Lambda authorizer (the stage cache keys on its credential).

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

variable "manifest_path" {
  description = "Path of the build manifest (dist/manifest.json): the authorizer's package."
  type        = string
  default     = "../../../../dist/manifest.json"
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
  tags = { project = "aigw", example = "serve-ai-routes" }
}

# The Lambda authorizer of the cached routes (tenants and keys in the sandbox's tables).
module "authorizer" {
  source = "../../../../modules/authorizer"

  name       = "${var.name_prefix}-ai-serve-authorizer"
  stage_name = "v1"
  package = {
    filename         = "${dirname(var.manifest_path)}/${jsondecode(file(var.manifest_path)).packages.authorizer.filename}"
    source_code_hash = jsondecode(file(var.manifest_path)).packages.authorizer.sha256_base64
  }
  configure_lambda_logging    = false
  deletion_protection_enabled = false
  tags                        = { project = "aigw", example = "serve-ai-routes" }
}

# Cacheable GET variants of translate and sentiment behind the authorizer, on their own paths.
module "cached_ai" {
  source = "../../../../modules/ai-service-route"

  name     = "${var.name_prefix}-ai-serve-cached"
  services = { sentiment = true, translate = true, pii = false, labels = false }
  paths    = { sentiment = "/v1/cached/sentiment", translate = "/v1/cached/translate" }
  cache = {
    translate = { ttl_seconds = 300 }
    sentiment = { ttl_seconds = 300 }
  }
  tags = { project = "aigw", example = "serve-ai-routes" }
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

  name = "${var.name_prefix}-ai-serve"
  # The cached routes answer the authorizer's tenants without a usage-plan key.
  routes     = merge(module.ai_services.routes, { for k, r in module.cached_ai.routes : "cached_${k}" => merge(r, { api_key_required = false }) })
  authorizer = module.authorizer.authorizer
  stage_name = "v1"
  # As ai-gateway in sandbox_mode: moto cannot hold the method settings of /v1/cached/…;
  # serve emulates the cache from the stage_cache output.
  enable_cached_method_settings = false
  api_key_source                = "HEADER"
  web_acl_arn                   = module.waf.web_acl_arn
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

output "stage_cache" {
  description = "The stage cache (what serve emulates)."
  value       = module.gateway.stage_cache
}

output "tables" {
  description = "The authorizer's tenants and keys tables (the tests create tenants there)."
  value       = { tenants = module.authorizer.tenants_table_name, keys = module.authorizer.keys_table_name }
}
