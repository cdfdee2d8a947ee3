# The smallest complete gateway: authorizer, LLM route with the deterministic mock
# provider, WAF and the REST API. Build the packages first (`make build`).

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

variable "parameters_extension_layer_arn" {
  description = "The AWS Parameters and Secrets Lambda extension layer (arm64) for the region (not needed in sandbox_mode)."
  type        = string
  default     = null
}

variable "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role of the account and region (envs/_bootstrap's output account_cloudwatch_role_arn, or the role another stack set). When null outside sandbox_mode, the example creates the role and sets it for the account and region."
  type        = string
  default     = null
}

variable "sandbox_mode" {
  description = "true only for the local AWS sandbox (see the module README)."
  type        = bool
  default     = false
}

# The Lambda packages of this build (dist/manifest.json, written by `make build`).
module "packages" {
  source = "../../modules/packages"

  manifest_path = var.manifest_path
}

module "gateway" {
  source = "../../"

  name         = "${var.name_prefix}-basic"
  packages     = module.packages.packages
  sandbox_mode = var.sandbox_mode

  # API Gateway's account CloudWatch Logs role: the given one, or (in an AWS account with
  # none given) the example creates it; the sandbox does not model the account setting.
  account_cloudwatch_role_arn    = var.account_cloudwatch_role_arn
  create_account_cloudwatch_role = var.account_cloudwatch_role_arn == null && !var.sandbox_mode

  # Examples are meant to be destroyed; keep the default (true) in real deployments.
  deletion_protection_enabled = false

  llm = {
    # The mock provider echoes: fine for an example, refused unless allowed explicitly.
    allow_mock_provider            = true
    providers                      = { mock = { type = "mock" } }
    models                         = { "mock-chat" = { targets = [{ provider = "mock", model = "echo" }] } }
    parameters_extension_layer_arn = var.parameters_extension_layer_arn
  }

  tags = { project = "aigw", example = "ai-gateway-basic" }
}

output "stage_invoke_url" {
  description = "Base URL of the gateway."
  value       = module.gateway.stage_invoke_url
}

output "cli_environment" {
  description = "Environment for `aigw tenants|keys|usage`."
  value       = module.gateway.cli_environment
}

output "openapi_document" {
  description = "The API's OpenAPI document."
  value       = module.gateway.openapi_document
}
