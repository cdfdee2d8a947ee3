# API keys plus JWTs from a Cognito user pool, a shared KMS key, a shorter cache TTL,
# VPC attachment and every security knob spelled out.

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

variable "user_pool_id" {
  description = "Cognito user pool whose access tokens are accepted."
  type        = string
  default     = "eu-west-1_EXAMPLE"
}

variable "app_client_ids" {
  description = "Cognito app clients allowed to call the gateway."
  type        = list(string)
  default     = ["example-app-client-id"]
}

variable "subnet_ids" {
  description = "Private subnets with routes to DynamoDB (gateway endpoint) and Cognito; empty = no VPC attachment."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of the authorizer Lambda (with subnet_ids)."
  type        = list(string)
  default     = []
}

variable "configure_lambda_logging" {
  description = "Off only for the local sandbox, which does not implement logging_config."
  type        = bool
  default     = true
}

locals {
  package = jsondecode(file(var.manifest_path)).packages.authorizer
}

data "aws_caller_identity" "current" {}

module "kms_key" {
  source = "../../../kms-key"

  description    = "aigw prod gateway data"
  log_group_arns = ["arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-prod-*"]
  # DynamoDB and Lambda create grants on the key for the caller.
  allow_grants = true
}

module "authorizer" {
  source = "../../"

  name       = "${var.name_prefix}-prod-authorizer"
  stage_name = "prod"
  package = {
    filename         = "${dirname(var.manifest_path)}/${local.package.filename}"
    source_code_hash = local.package.sha256_base64
  }
  security_scheme_name = "aigw"

  jwt_issuers = [{
    issuer         = "https://cognito-idp.${var.region}.amazonaws.com/${var.user_pool_id}"
    jwks_uri       = "https://cognito-idp.${var.region}.amazonaws.com/${var.user_pool_id}/.well-known/jwks.json"
    audiences      = var.app_client_ids
    audience_claim = "client_id"
    tenant_claim   = "custom:tenant"
  }]
  jwt_algorithms     = ["RS256"]
  jwt_leeway_seconds = 30

  identity_sources   = ["method.request.header.Authorization"]
  result_ttl_seconds = 60

  memory_size              = 512
  tracing_mode             = "Active"
  vpc_subnet_ids           = var.subnet_ids
  vpc_security_group_ids   = var.security_group_ids
  configure_lambda_logging = var.configure_lambda_logging

  create_kms_key                 = false # the key below is created in the same apply
  kms_key_arn                    = module.kms_key.key_arn
  log_retention_days             = 731
  deletion_protection_enabled    = false # examples are meant to be destroyed; keep true in real deployments
  point_in_time_recovery_enabled = true

  tags = { project = "aigw", env = "prod" }
}

output "authorizer" {
  description = "Spec for gateway-core's authorizer input."
  value       = module.authorizer.authorizer
}

output "tenants_table_name" {
  description = "Tenants table for the CLI."
  value       = module.authorizer.tenants_table_name
}

output "keys_table_name" {
  description = "Keys table for the CLI."
  value       = module.authorizer.keys_table_name
}
