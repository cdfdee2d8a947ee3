# Smallest useful web ACL: managed rules, body-size rule, per-IP rate limit and
# KMS-encrypted logs with credentials redacted -- all module defaults.

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

locals {
  name = "${var.name_prefix}-basic"
}

variable "enable_logging" {
  description = "WAF logging (off only for the local sandbox, which lacks it)."
  type        = bool
  default     = true
}

variable "enable_custom_responses" {
  description = "OpenAI-shaped 429/413 bodies (off only for the local sandbox)."
  type        = bool
  default     = true
}

module "waf" {
  source = "../../"

  name                    = local.name
  enable_logging          = var.enable_logging
  enable_custom_responses = var.enable_custom_responses

  tags = {
    project = "aigw"
    example = "waf-basic"
  }
}

output "web_acl_arn" {
  description = "Web ACL ARN for gateway-core's web_acl_arn."
  value       = module.waf.web_acl_arn
}

output "log_group_name" {
  description = "WAF log group."
  value       = module.waf.log_group_name
}
