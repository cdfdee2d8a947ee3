variable "sandbox_endpoint" {
  description = "URL of the local AWS sandbox (set by `make apply ENV=local` from the running sandbox)."
  type        = string
  default     = "http://127.0.0.1:4599"

  validation {
    condition     = can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+$", var.sandbox_endpoint))
    error_message = "sandbox_endpoint must be a loopback URL such as http://127.0.0.1:4599: the local env never talks to a real AWS endpoint."
  }
}

variable "kms_key_arn" {
  description = "The local environment's KMS key in the sandbox (output kms_key_arn of envs/_bootstrap applied with environment = \"local\"; `make apply ENV=local` creates it and passes it)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); run `make apply ENV=local`, which creates the sandbox key and passes it."
  }
}

variable "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role that envs/_bootstrap (environment = \"local\") set in the sandbox; `make apply ENV=local` passes it. The sandbox does not enforce the setting, so null plans too."
  type        = string
  default     = null
}

variable "region" {
  description = "Region name the sandbox reports."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name prefix for every resource of this environment."
  type        = string
  default     = "aigw-local"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "manifest_path" {
  description = "Path of the build manifest written by `make build`."
  type        = string
  default     = "../../dist/manifest.json"
}

variable "log_retention_days" {
  description = "Retention of the environment's log groups, in days."
  type        = number
  default     = 365
}

variable "release" {
  description = "The release in progress, written by `aigw release` to release.auto.tfvars.json beside this file (stage canary, LLM alias canary, rolled_back, opt-in canary alarms; docs/releases.md). {} = steady state. Passed through as any: the type and its checks live in modules/ai-gateway (variables_release.tf)."
  type        = any
  default     = {}
}

variable "http_backend_url" {
  description = "Base URL of the HTTP back end of the env's http_backends family: a loopback URL (`aigw serve` forwards its routes there; start a server on it to answer them)."
  type        = string
  default     = "http://127.0.0.1:8081"

  validation {
    condition     = can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\]):[0-9]+$", var.http_backend_url))
    error_message = "http_backend_url must be a loopback URL such as http://127.0.0.1:8081: the local env never calls out."
  }
}
