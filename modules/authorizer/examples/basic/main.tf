# The smallest deployment: API keys only, module-managed KMS key.
# The package comes from the build: `make build` writes dist/manifest.json.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region."
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

variable "manifest_path" {
  description = "Path of the build manifest (dist/manifest.json)."
  type        = string
  default     = "../../../../dist/manifest.json"
}

variable "configure_lambda_logging" {
  description = "Off only for the local sandbox, which does not implement logging_config."
  type        = bool
  default     = true
}

locals {
  package = jsondecode(file(var.manifest_path)).packages.authorizer
}

module "authorizer" {
  source = "../../"

  name       = "${var.name_prefix}-dev-authorizer"
  stage_name = "dev"
  package = {
    filename         = "${dirname(var.manifest_path)}/${local.package.filename}"
    source_code_hash = local.package.sha256_base64
  }
  configure_lambda_logging = var.configure_lambda_logging

  # Examples are meant to be destroyed; keep the default (true) in real deployments.
  deletion_protection_enabled = false

  tags = { project = "aigw", env = "dev" }
}

output "authorizer" {
  description = "Spec for gateway-core's authorizer input."
  value       = module.authorizer.authorizer
}

output "cli_environment" {
  description = "Environment for `aigw tenants` / `aigw keys`."
  value       = module.authorizer.cli_environment
}
