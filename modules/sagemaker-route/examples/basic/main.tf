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

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
}

variable "endpoint_name" {
  description = "An existing SageMaker endpoint that takes and returns JSON."
  type        = string
  default     = "sentiment-hf"
}

module "sagemaker" {
  source = "../../"

  name = "${var.name_prefix}-sm-basic"
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
