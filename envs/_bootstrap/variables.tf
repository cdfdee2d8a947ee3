variable "environment" {
  description = "Environment the key (and, for a deployed env, the state bucket) is for: local, dev, staging or prod. local = the key only, in the local AWS sandbox (set sandbox_endpoint)."
  type        = string

  validation {
    condition     = contains(["local", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of: local, dev, staging, prod."
  }
}

variable "sandbox_endpoint" {
  description = "URL of the local AWS sandbox, for environment = \"local\" only (set by `make apply ENV=local`; null = http://127.0.0.1:4599). Must stay null for a deployed env."
  type        = string
  default     = null

  validation {
    condition     = var.sandbox_endpoint == null || can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+$", var.sandbox_endpoint))
    error_message = "sandbox_endpoint must be a loopback URL such as http://127.0.0.1:4599: the sandbox key stack never talks to a real AWS endpoint."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "us-east-1"
}

variable "allowed_account_ids" {
  description = "The AWS account(s) the environment lives in (null = any; set it)."
  type        = list(string)
  default     = null
}

variable "bucket_name" {
  description = "Name of the state bucket; null = aigw-tfstate-<account id>-<environment>. Unused for local (no bucket)."
  type        = string
  default     = null
}

variable "noncurrent_version_days" {
  description = "How long superseded state versions are kept."
  type        = number
  default     = 90
}

variable "manage_account_cloudwatch_role" {
  description = "Own API Gateway's account-level CloudWatch Logs role for this account and region (an IAM role and aws_api_gateway_account). Set false where another stack already owns the setting, e.g. a second environment in the same account and region, and pass that stack's role ARN as the env's account_cloudwatch_role_arn."
  type        = bool
  default     = true
  nullable    = false
}
