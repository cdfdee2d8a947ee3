# Direct integration to an existing SageMaker endpoint: no Lambda, lowest latency.
# The module creates only the role API Gateway assumes; pass `routes` to gateway-core.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "endpoint_name" {
  description = "An existing SageMaker endpoint that takes and returns JSON."
  type        = string
  default     = "sentiment-hf"
}

module "sagemaker" {
  source = "../../"

  name = "aigw-sm-basic"
  endpoints = {
    sentiment = { endpoint_name = var.endpoint_name }
  }

  tags = { project = "aigw", example = "sagemaker-route-basic" }
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.sagemaker.routes
}

output "apigateway_role_arn" {
  description = "Role API Gateway assumes to invoke the endpoint."
  value       = module.sagemaker.apigateway_role_arn
}
