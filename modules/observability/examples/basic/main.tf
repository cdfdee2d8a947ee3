# Dashboard and alarms for one REST API stage, alarms mailed to on-call.

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
  name = "${var.name_prefix}-obs-basic"
}

module "observability" {
  source = "../../"

  name          = local.name
  rest_api_name = "${var.name_prefix}-basic"
  stage_name    = "v1"

  # This minimal stage has neither access logs nor a web ACL to watch.
  watch_access_log = false
  watch_waf        = false

  subscriptions = [
    { protocol = "email", endpoint = "oncall@example.com" },
  ]

  tags = {
    project = "aigw"
    example = "observability-basic"
  }
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.observability.dashboard_name
}

output "sns_topic_arn" {
  description = "Alarm topic."
  value       = module.observability.sns_topic_arn
}
