# Internal module: the calling modules validate their public inputs (ranges, allowed
# values) with messages in their own names; only what no caller checks is validated here.

################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create any resource of this module (false: nothing, and every output is null)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the function, its execution role, its log group `/aws/lambda/<name>` and the alias of a created KMS key."
  type        = string
  nullable    = false
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Function
################################################################################

variable "description" {
  description = "Description of the function."
  type        = string
  default     = null
}

variable "handler" {
  description = "Handler of the function (`<package>.handler.handler` for aigw functions)."
  type        = string
  nullable    = false
}

variable "runtime" {
  description = "Lambda runtime of the function."
  type        = string
  default     = "python3.13"
  nullable    = false
}

variable "package" {
  description = "The built zip from dist/manifest.json: `filename` (zip path) and `source_code_hash` (base64 SHA-256). Required when create = true: the caller checks it (a precondition naming its own inputs), this module does not."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "architecture" {
  description = "Lambda architecture the package was built for (`make build ARCH=…`). Allowed values: arm64, x86_64."
  type        = string
  default     = "arm64"
  nullable    = false
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 256
  nullable    = false
}

variable "timeout" {
  description = "Timeout of the function in seconds."
  type        = number
  default     = 30
  nullable    = false
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function. Null (default) = no reservation (ADR 0093): a reservation fails to deploy in accounts whose concurrency quota would leave fewer than 100 unreserved."
  type        = number
  default     = null
}

variable "environment_variables" {
  description = "Environment variables of the function (encrypted with the module's key; never secrets)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "layers" {
  description = "Layer version ARNs of the function."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "code_signing_config_arn" {
  description = "Lambda code signing configuration to enforce, if any."
  type        = string
  default     = null
}

variable "tracing_mode" {
  description = "X-Ray tracing mode of the function. Allowed values: Active, PassThrough."
  type        = string
  default     = "Active"
  nullable    = false
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the function in. Empty: no VPC."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function when vpc_subnet_ids is set."
  type        = list(string)
  default     = []
  nullable    = false
}

################################################################################
# Versions and the `live` alias
################################################################################

variable "publish" {
  description = "Publish a version on every change and create the `live` alias pointing at it (what API Gateway should invoke). False: no versions, no alias; callers invoke the unqualified function."
  type        = bool
  default     = false
  nullable    = false
}

variable "canary" {
  description = "Weighted canary (needs publish = true): the `live` alias keeps serving `stable_version` and sends `weight` (0 to below 1) of the traffic to the version this apply publishes; weight 0 = the alias stays on `stable_version` with no routing (a rolled-back canary). null = the alias points at the new version."
  type = object({
    stable_version = string
    weight         = number
  })
  default = null

  validation {
    condition     = var.canary == null || try(var.canary.weight >= 0 && var.canary.weight < 1, false)
    error_message = "canary.weight must be at least 0 and below 1 (e.g. 0.1 for 10 %; 0 = rolled back, the alias stays on stable_version)."
  }
}

variable "provisioned_concurrent_executions" {
  description = "Provisioned concurrency on the `live` alias (needs publish = true; 0 = none)."
  type        = number
  default     = 0
  nullable    = false
}

################################################################################
# Logs
################################################################################

variable "configure_lambda_logging" {
  description = "Set the function's logging_config (log format and log group). Turn off only for sandboxes that do not implement it (moto), where it shows as drift."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_format" {
  description = "Format of the function's own log lines. Allowed values: JSON, Text."
  type        = string
  default     = "JSON"
  nullable    = false

  validation {
    condition     = contains(["JSON", "Text"], var.log_format)
    error_message = "log_format must be one of: JSON, Text."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group in days."
  type        = number
  default     = 365
  nullable    = false
}

################################################################################
# Execution role
################################################################################

variable "role_description" {
  description = "Description of the execution role."
  type        = string
  default     = null
}

variable "role_policy_name" {
  description = "Name of the role's inline policy. Changing it replaces the policy (IAM names are immutable): keep a deployed function's name."
  type        = string
  default     = "least-privilege"
  nullable    = false
}

variable "policy_statements" {
  description = "The caller's own IAM statements (Sid, Effect, Action, Resource, optional Condition), added to the base statements in the role's one inline policy. Every statement needs a Sid, unique across the policy, and resources as narrow as the action allows."
  type        = any
  default     = []
  nullable    = false

  validation {
    condition     = can(length(var.policy_statements)) && alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.Sid)) && contains(["Allow", "Deny"], try(s.Effect, "")) && can(s.Action) && can(s.Resource)])
    error_message = "policy_statements must be a list of IAM statements, each with an alphanumeric Sid, Effect Allow or Deny, Action and Resource."
  }
}

################################################################################
# Encryption
################################################################################

variable "create_kms_key" {
  description = "Whether the module creates its KMS key. Null = create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply (count cannot depend on an unknown ARN)."
  type        = bool
  default     = null
}

variable "kms_key_arn" {
  description = "Existing KMS key for the log group and the function's environment (and whatever else the caller encrypts with the `kms_key_arn` output). Null: the module creates a key with rotation. A given key's policy must allow CloudWatch Logs for the log group."
  type        = string
  default     = null
}

variable "kms_key_description" {
  description = "Description of a created KMS key: which component's data it encrypts."
  type        = string
  default     = "aigw Lambda function: logs and environment"
  nullable    = false
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a created KMS key is deleted (7-30 days)."
  type        = number
  default     = 30
  nullable    = false
}
