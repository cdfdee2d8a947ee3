# Shared by envs/dev, envs/staging and envs/prod (symlinked): each env sets its values in
# its own terraform.tfvars. The composition itself lives in modules/ai-gateway; the inputs
# passed through to it are declared in variables_gateway.tf, generated from the module.

variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of: dev, staging, prod."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "allowed_account_ids" {
  description = "The AWS account(s) this environment may be applied to (a guard against the wrong credentials)."
  type        = list(string)
}

variable "name" {
  description = "Gateway name (prefix of every resource)."
  type        = string
}

variable "manifest_path" {
  description = "Build manifest written by `make build`."
  type        = string
  default     = "../../dist/manifest.json"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the whole gateway; null = one key per component."
  type        = string
  default     = null
}

variable "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role of the account and region: output account_cloudwatch_role_arn of `make bootstrap ENV=<env>`, or the role another stack set (then bootstrap with manage_account_cloudwatch_role = false). The stage's logs need it; the plan fails without it."
  type        = string
  default     = null
}
