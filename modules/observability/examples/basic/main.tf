# Dashboard and alarms for one REST API stage, alarms mailed to on-call.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Dashboard name and alarm prefix."
  type        = string
  default     = "aigw-obs-basic"
}

module "observability" {
  source = "../../"

  name          = var.name
  rest_api_name = "aigw-basic"
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
