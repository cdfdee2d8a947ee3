# The trust policy of a role API Gateway assumes: an integration's credentials role, or
# the account's CloudWatch Logs role. Internal: gateway-core's account-cloudwatch-role,
# ai-service-route and sagemaker-route take their roles' trust from here (ADR 0101).
# Pure: it creates nothing and calls no API.

terraform {
  required_version = ">= 1.11"
}

variable "sid" {
  description = "Sid of the one statement. Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.sid == null || can(regex("^[A-Za-z0-9]+$", coalesce(var.sid, "x")))
    error_message = "sid must be letters and digits only (IAM statement ids)."
  }
}

locals {
  # No aws:SourceAccount / aws:SourceArn condition: API Gateway sets neither key when it
  # assumes an integration's credentials role, so either condition denies every call
  # (500 "API Gateway does not have permission to assume the provided role"); the account
  # setting names its CloudWatch role itself, and AWS documents that role's trust without
  # conditions. Only principals allowed iam:PassRole on a role, in its account, can attach
  # it to an integration; each role's permission policy is what limits the blast radius.
  statement = merge(
    { for k, v in { Sid = var.sid } : k => v if v != null },
    {
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
    },
  )
}

output "json" {
  description = "The trust policy document (JSON) for a role's assume_role_policy."
  value       = jsonencode({ Version = "2012-10-17", Statement = [local.statement] })
}
