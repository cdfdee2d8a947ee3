variable "create" {
  description = "Whether the caller needs a key at all (false: the module creates nothing and its outputs are null). With true, key_arn and create_key decide whether the key is created here or given."
  type        = bool
  default     = true
  nullable    = false
}

variable "description" {
  description = "The key's description: which component's data it encrypts."
  type        = string
  nullable    = false
}

variable "alias" {
  description = "Alias name without the `alias/` prefix (e.g. `aigw/waf/prod`). Null: no alias."
  type        = string
  default     = null

  validation {
    condition     = var.alias == null || can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias)) && !startswith(coalesce(var.alias, "x"), "aws/")
    error_message = "alias must be 1-250 characters of letters, digits, '/', '_' and '-', and must not start with 'aws/' (reserved for AWS managed keys)."
  }
}

variable "deletion_window_days" {
  description = "Waiting period before a deleted key is destroyed (7-30 days). Null: 30."
  type        = number
  default     = null

  validation {
    condition     = var.deletion_window_days == null || try(var.deletion_window_days >= 7 && var.deletion_window_days <= 30, false)
    error_message = "deletion_window_days must be between 7 and 30."
  }
}

variable "key_arn" {
  description = "A key to use instead of creating one (its policy must already allow what the caller needs). Null: create the key."
  type        = string
  default     = null

  validation {
    condition     = var.key_arn == null || can(regex("^arn:[^:]+:kms:[^:]+:[0-9]{12}:(key|alias)/.+$", var.key_arn))
    error_message = "key_arn must be a KMS key or alias ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "create_key" {
  description = "Whether to create the key. Null: create it when key_arn is null. Set false explicitly when key_arn comes from a resource created in the same apply (a count cannot depend on an unknown ARN). True together with key_arn is an error; false without key_arn leaves key_arn null (callers refuse that where encryption is required)."
  type        = bool
  default     = null

  validation {
    condition     = !(var.create_key == true && var.key_arn != null)
    error_message = "create_key (create_kms_key in the calling module) = true and key_arn (kms_key_arn) are both set: either create a key or use the given one, not both."
  }
}

variable "log_group_arns" {
  description = "ARNs (wildcards allowed) of the CloudWatch log groups the Logs service may encrypt with this key. Empty: no Logs access."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.log_group_arns : can(regex("^arn:[^:]+:logs:", a))])
    error_message = "log_group_arns must be CloudWatch Logs log-group ARNs (arn:<partition>:logs:<region>:<account>:log-group:<name>)."
  }
}

variable "service_principals" {
  description = "Extra key-policy statements, keyed by statement Sid: an AWS service principal (e.g. `cloudwatch.amazonaws.com`) and the KMS actions it may use, always limited to calls made for this account (aws:SourceAccount)."
  type = map(object({
    service = string
    actions = list(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for sid, s in var.service_principals : can(regex("^[A-Za-z0-9]+$", sid)) && endswith(s.service, ".amazonaws.com") && length(s.actions) > 0 && alltrue([for a in s.actions : startswith(a, "kms:") && !can(regex("(?i)^${replace(a, "*", ".*")}$", "kms:CreateGrant"))])])
    error_message = "service_principals: keys are alphanumeric statement Sids; service must be an AWS service principal ending in .amazonaws.com; actions must be non-empty kms:<Action> names, none of which may allow kms:CreateGrant (kms:*, kms:Create* and kms:CreateGrant are refused: use allow_grants)."
  }
}

variable "allow_grants" {
  description = "Let the account's IAM policies allow kms:CreateGrant on this key, only for grants an AWS service creates for the caller (kms:GrantIsForAWSResource = true): DynamoDB tables, Lambda functions and SageMaker endpoints encrypted with the key need it. False: no principal can create a grant."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
  nullable    = false
}
