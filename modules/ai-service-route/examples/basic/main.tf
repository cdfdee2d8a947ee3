# Every AI service behind the gateway: no Lambda, one role. Pass `routes` to gateway-core
# (the routes are AWS integrations with mapping templates).

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into (Comprehend, Translate, Rekognition, Textract and Polly must be available there)."
  type        = string
  default     = "us-east-1"
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

  name = "${var.name_prefix}-ai-basic"
  # The four original services are on by default; the others are opt-in.
  services = {
    entities    = true
    key_phrases = true
    language    = true
    document    = true
    image_text  = true
    moderation  = true
    speech      = true
  }
  tags = { project = "aigw", example = "ai-service-route-basic" }
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.ai_services.routes
}

output "role_arn" {
  description = "Role API Gateway assumes to call the services."
  value       = module.ai_services.role_arn
}
