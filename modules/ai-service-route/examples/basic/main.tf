# Comprehend, Translate and Rekognition behind the gateway: no Lambda, one role.
# Pass `routes` to gateway-core (the routes are AWS integrations with mapping templates).

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into (Comprehend, Translate and Rekognition must be available there)."
  type        = string
  default     = "us-east-1"
}

module "ai_services" {
  source = "../../"

  name = "aigw-ai-basic"
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
