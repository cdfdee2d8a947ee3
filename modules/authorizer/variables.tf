variable "create" {
  description = "Whether to create any resource of this module."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the authorizer: the Lambda function, its role and log group, and the prefix of the `<name>-tenants` and `<name>-keys` tables."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 letters, digits, '-' or '_'."
  }
}

variable "stage_name" {
  description = "Stage (environment) the authorizer serves; API keys issued for another stage are refused. 1-16 lowercase letters or digits, e.g. dev, staging, prod. Required (or the deprecated `stage`)."
  type        = string
  default     = null

  validation {
    condition     = var.stage_name == null || can(regex("^[a-z0-9]{1,16}$", coalesce(var.stage_name, "-")))
    error_message = "stage_name must be 1-16 lowercase letters or digits (e.g. dev, staging, prod)."
  }
}

variable "stage" {
  description = "Deprecated: use stage_name; removed in 0.3.0."
  type        = string
  default     = null

  validation {
    condition     = var.stage == null || can(regex("^[a-z0-9]{1,16}$", coalesce(var.stage, "-")))
    error_message = "stage must be 1-16 lowercase letters or digits (e.g. dev, staging, prod)."
  }

  validation {
    condition     = var.stage == null || var.stage_name == null || var.stage == var.stage_name
    error_message = "stage (deprecated) and stage_name are both set, to different values: set only stage_name."
  }

  validation {
    condition     = var.stage != null || var.stage_name != null
    error_message = "stage_name is required: the stage (environment) the authorizer serves, e.g. dev."
  }
}

variable "architecture" {
  description = "Lambda architecture the package was built for (`make build ARCH=…`). Allowed values: arm64, x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be one of: arm64, x86_64."
  }
}

variable "package" {
  description = "The built authorizer zip from dist/manifest.json: `filename` (zip path) and `source_code_hash` (base64 SHA-256)."
  type = object({
    filename         = string
    source_code_hash = string
  })
}

variable "security_scheme_name" {
  description = "Name of the authorizer / OpenAPI security scheme in the `authorizer` output. Defaults to `name`."
  type        = string
  default     = null

  validation {
    condition     = var.security_scheme_name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", var.security_scheme_name))
    error_message = "security_scheme_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "identity_sources" {
  description = "Request parameters that identify the caller and key the API Gateway authorizer cache. A request missing any of them is refused with 401 before the Lambda runs."
  type        = list(string)
  default     = ["method.request.header.Authorization"]
  nullable    = false

  validation {
    condition     = length(var.identity_sources) > 0 && alltrue([for s in var.identity_sources : can(regex("^(method\\.request\\.(header|querystring|multivalueheader|multivaluequerystring)\\.[A-Za-z0-9_-]+|stageVariables\\.[A-Za-z0-9_]+|context\\.[A-Za-z0-9_.]+)$", s))])
    error_message = "identity_sources must be a non-empty list of method.request.header.<name>, method.request.querystring.<name>, stageVariables.<name> or context.<name>."
  }
}

variable "result_ttl_seconds" {
  description = "How long API Gateway caches a decision per identity source (0 disables the cache). Revocations take effect within this time."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.result_ttl_seconds >= 0 && var.result_ttl_seconds <= 3600
    error_message = "result_ttl_seconds must be between 0 and 3600."
  }
}

variable "jwt_issuers" {
  description = "Trusted OIDC/Cognito issuers. `jwks_uri` must be https; `audience_claim` is `aud` or `client_id` (Cognito access tokens); `tenant_claim` defaults to `jwt_tenant_claim`."
  type = list(object({
    issuer         = string
    jwks_uri       = string
    audiences      = list(string)
    audience_claim = optional(string, "aud")
    tenant_claim   = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for i in var.jwt_issuers : startswith(i.jwks_uri, "https://") && length(i.audiences) > 0 && contains(["aud", "client_id"], i.audience_claim)])
    error_message = "Each jwt_issuers entry needs an https:// jwks_uri, at least one audience, and audience_claim set to aud or client_id."
  }
}

variable "jwt_algorithms" {
  description = "JWS algorithms accepted for JWTs. Allowed values: RS256, ES256 (never none or HMAC)."
  type        = list(string)
  default     = ["RS256", "ES256"]
  nullable    = false

  validation {
    condition     = length(var.jwt_algorithms) > 0 && alltrue([for a in var.jwt_algorithms : contains(["RS256", "ES256"], a)])
    error_message = "jwt_algorithms must be a non-empty subset of: RS256, ES256."
  }
}

variable "jwt_leeway_seconds" {
  description = "Clock-skew leeway for exp, nbf and iat, in seconds."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.jwt_leeway_seconds >= 0 && var.jwt_leeway_seconds <= 300
    error_message = "jwt_leeway_seconds must be between 0 and 300."
  }
}

variable "jwt_tenant_claim" {
  description = "Default JWT claim holding the tenant name (e.g. tenant, custom:tenant)."
  type        = string
  default     = "tenant"
  nullable    = false
}

variable "jwks_cache_seconds" {
  description = "How long a warm Lambda keeps an issuer's JWKS before refetching it."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.jwks_cache_seconds >= 0 && var.jwks_cache_seconds <= 86400
    error_message = "jwks_cache_seconds must be between 0 and 86400."
  }
}

variable "jwks_failure_cache_seconds" {
  description = "After a failed JWKS fetch, how long a warm Lambda waits before fetching again (negative cache); meanwhile requests use the stale key set or fail closed at once. 0 retries on every request."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.jwks_failure_cache_seconds >= 0 && var.jwks_failure_cache_seconds <= 300
    error_message = "jwks_failure_cache_seconds must be between 0 and 300."
  }
}

variable "jwks_stale_if_error_seconds" {
  description = "How long after its jwks_cache_seconds lifetime a warm Lambda may keep verifying with the last good JWKS while the issuer cannot be reached (each use is logged as the JwksStaleKeysUsed metric). 0 disables stale keys."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.jwks_stale_if_error_seconds >= 0 && var.jwks_stale_if_error_seconds <= 86400
    error_message = "jwks_stale_if_error_seconds must be between 0 and 86400."
  }
}

variable "require_usage_key" {
  description = "Deny tenants that have no API Gateway key (usageIdentifierKey); keep true when usage plans are enforced."
  type        = bool
  default     = true
  nullable    = false
}

variable "memory_size" {
  description = "Lambda memory in MB."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240."
  }
}

variable "timeout" {
  description = "Lambda timeout in seconds (API Gateway waits at most 30 s for an authorizer)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 30
    error_message = "timeout must be between 1 and 30 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the authorizer Lambda. Null (default) = no reservation: a reservation fails to deploy in accounts whose concurrency quota would leave fewer than 100 unreserved (new accounts), and tenants are already capped by usage plans and WAF rate rules. Set it only where the account's quota has room (docs/aws-readiness.md)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1, false)
    error_message = "reserved_concurrent_executions must be null (no reservation: the function scales in the account's unreserved pool) or at least 1 (0 would throttle every invocation). Lambda keeps 100 of the account's concurrency unreserved, so a reservation needs an account quota of at least 100 plus every reservation and provisioned concurrency in the region."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode of the Lambda. Allowed values: Active, PassThrough."
  type        = string
  default     = "Active"
  nullable    = false

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be one of: Active, PassThrough."
  }
}

variable "configure_lambda_logging" {
  description = "Set the Lambda's logging_config (log group). Turn off only for sandboxes that do not implement it (moto), where it shows as drift."
  type        = bool
  default     = true
  nullable    = false
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the Lambda in (needs a route to DynamoDB and the JWKS endpoints). Empty: no VPC."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "vpc_security_group_ids" {
  description = "Security groups of the Lambda when vpc_subnet_ids is set."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "code_signing_config_arn" {
  description = "Lambda code signing configuration to enforce, if any."
  type        = string
  default     = null
}

variable "create_kms_key" {
  description = "Whether the module creates its KMS key. Null = create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply (count cannot depend on an unknown ARN)."
  type        = bool
  default     = null
}

variable "kms_key_arn" {
  description = "Existing KMS key for the tables, log group and Lambda environment. Null: the module creates a key with rotation. A given key's policy must allow CloudWatch Logs for the log group."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a created KMS key is deleted, 7-30 days. Null: 30 (or the deprecated `kms_deletion_window_in_days`)."
  type        = number
  default     = null

  validation {
    condition     = var.kms_key_deletion_window_days == null || try(var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30, false)
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Deprecated: use kms_key_deletion_window_days; removed in 0.3.0."
  type        = number
  default     = null

  validation {
    condition     = var.kms_deletion_window_in_days == null || try(var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30, false)
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }

  validation {
    condition     = var.kms_deletion_window_in_days == null || var.kms_key_deletion_window_days == null || var.kms_deletion_window_in_days == var.kms_key_deletion_window_days
    error_message = "kms_deletion_window_in_days (deprecated) and kms_key_deletion_window_days are both set, to different values: set only kms_key_deletion_window_days."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambda log group in days. Null: 365 (or the deprecated `log_retention_in_days`). Allowed values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = null

  validation {
    condition     = var.log_retention_days == null || contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.log_retention_days, 0))
    error_message = "log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_retention_in_days" {
  description = "Deprecated: use log_retention_days; removed in 0.3.0."
  type        = number
  default     = null

  validation {
    condition     = var.log_retention_in_days == null || contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], coalesce(var.log_retention_in_days, 0))
    error_message = "log_retention_in_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }

  validation {
    condition     = var.log_retention_in_days == null || var.log_retention_days == null || var.log_retention_in_days == var.log_retention_days
    error_message = "log_retention_in_days (deprecated) and log_retention_days are both set, to different values: set only log_retention_days."
  }
}

variable "deletion_protection_enabled" {
  description = "Deletion protection of the tenants and keys tables."
  type        = bool
  default     = true
  nullable    = false
}

variable "point_in_time_recovery_enabled" {
  description = "Point-in-time recovery of the tenants and keys tables."
  type        = bool
  default     = true
  nullable    = false
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
