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

variable "name" {
  description = "Name of the web ACL."
  type        = string
  default     = "aigw-basic"
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

  name                    = var.name
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
