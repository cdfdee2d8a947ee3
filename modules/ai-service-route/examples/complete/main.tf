# Most services (the opt-in ones too) on custom paths with custom defaults and per-route
# throttles, authorised with SigV4 (AWS_IAM) for service-to-service callers, rendered into
# a REST API by gateway-core: speech answers audio bytes (binary media types come with
# its route), and the tier's usage plan throttles each route per API key.

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
    sentiment   = true
    pii         = true
    translate   = true
    labels      = false
    entities    = true
    key_phrases = true
    language    = true
    document    = true
    image_text  = true
    moderation  = true
    speech      = var.enable_speech
  }
  paths = {
    sentiment   = "/v1/text/sentiment"
    pii         = "/v1/text/pii"
    translate   = "/v1/text/translate"
    entities    = "/v1/text/entities"
    key_phrases = "/v1/text/key-phrases"
    language    = "/v1/text/language"
    speech      = "/v1/text/speech"
  }
  # Cheap text calls may go fast; documents and speech cost more per call.
  throttle = var.enable_route_throttles ? {
    sentiment = { rate_limit = 100, burst_limit = 200 }
    document  = { rate_limit = 5, burst_limit = 10 }
    speech    = { rate_limit = 10, burst_limit = 20 }
  } : {}
  speech_defaults        = { voice = "Vicki", engine = "neural", format = "mp3" }
  default_language       = "de"
  pii_default_language   = "en"
  route_auth             = "AWS_IAM"
  integration_timeout_ms = 10000

  tags = { project = "aigw", example = "ai-service-route-complete" }
}

module "gateway" {
  source = "../../../gateway-core"

  name   = "${var.name_prefix}-ai-complete"
  routes = module.ai_services.routes
  # The stage default for routes without their own throttle.
  default_throttle = { rate_limit = 50, burst_limit = 100 }
  tiers = {
    standard = {
      throttle = { rate_limit = 20, burst_limit = 40 }
      quota    = { limit = 100000, period = "MONTH" }
    }
  }
  logging_level = var.logging_level

  tags = { project = "aigw", example = "ai-service-route-complete" }
}

variable "enable_speech" {
  description = "Enable the speech route (Polly), whose audio media types become the API's binary media types. The local sandbox (moto 5.2.5) records a binary media type added by its path (/binaryMediaTypes/audio~1mpeg) as an empty value, so the re-plan never settles; sandbox.tfvars turns this off (examples/basic still emits the route and grants its action)."
  type        = bool
  default     = true
}

variable "enable_route_throttles" {
  description = "Give sentiment, document and speech their own throttle (stage method settings and per-method usage-plan throttles). The local sandbox (moto 5.2.5) stores a method setting under its escaped path (v1~1text~1sentiment/POST) and then cannot read it back, so sandbox.tfvars turns this off."
  type        = bool
  default     = true
}

variable "logging_level" {
  description = "Execution logging level (OFF, ERROR, INFO); needs the account-level API Gateway CloudWatch role."
  type        = string
  default     = "ERROR"
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.gateway.rest_api_id
}

output "openapi_document" {
  description = "The rendered OpenAPI document."
  value       = module.gateway.openapi_document
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.ai_services.routes
}

output "allowed_actions" {
  description = "What the role may call."
  value       = module.ai_services.allowed_actions
}
