# The LLM gateway with the deterministic mock provider: no model access needed.
# Build the package first (`make build`); the example reads dist/manifest.json.

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

variable "manifest_path" {
  description = "Build manifest written by `make build`."
  type        = string
  default     = "../../../../dist/manifest.json"
}

variable "config_source" {
  description = "extension (needs parameters_extension_layer_arn) or sdk."
  type        = string
  default     = "sdk"
}

variable "configure_lambda_logging" {
  description = "Off only for the local sandbox, which does not implement logging_config."
  type        = bool
  default     = true
}

locals {
  package = jsondecode(file(var.manifest_path)).packages.llm_gateway
}

module "llm" {
  source = "../../"

  name = "${var.name_prefix}-llm-basic"
  package = {
    filename         = "${dirname(var.manifest_path)}/${local.package.filename}"
    source_code_hash = local.package.sha256_base64
  }
  config_source            = var.config_source
  configure_lambda_logging = var.configure_lambda_logging

  # The mock provider echoes: fine for an example, refused unless allowed explicitly.
  allow_mock_provider = true
  providers_config = {
    mock = { type = "mock" }
  }
  models = {
    "mock-chat"  = { targets = [{ provider = "mock", model = "echo" }] }
    "mock-embed" = { type = "embedding", targets = [{ provider = "mock", model = "hash" }] }
  }

  # Examples are meant to be destroyed; keep the default (true) in real deployments.
  deletion_protection_enabled = false
  log_retention_days          = 30

  tags = { project = "aigw", example = "llm-route-basic" }
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.llm.routes
}

output "function_name" {
  description = "The LLM gateway function."
  value       = module.llm.function_name
}

output "config_parameter_name" {
  description = "SSM parameter holding the config document."
  value       = module.llm.config_parameter_name
}
