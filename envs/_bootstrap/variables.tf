variable "environment" {
  description = "Environment the state bucket and key are for: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of: dev, staging, prod."
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
  description = "Name of the state bucket; null = aigw-tfstate-<account id>-<environment>."
  type        = string
  default     = null
}

variable "noncurrent_version_days" {
  description = "How long superseded state versions are kept."
  type        = number
  default     = 90
}
