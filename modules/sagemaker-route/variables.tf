################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create any resource. When false nothing is created, `routes` is empty and every other output is null."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name prefix of the module's resources: the API Gateway execution role (direct mode), the proxy function, its role and log group (lambda mode), the KMS alias and created SageMaker models."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9-_]{0,51}$", var.name))
    error_message = "name must be 1-52 characters of letters, digits, '-' and '_', starting with a letter or digit."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "mode" {
  description = "direct: an AWS integration from API Gateway to the SageMaker runtime with mapping templates (no Lambda, lowest latency). lambda: the sagemaker_proxy function (JSON/CSV normalisation, output parsing, error mapping)."
  type        = string
  default     = "direct"
  nullable    = false

  validation {
    condition     = contains(["direct", "lambda"], var.mode)
    error_message = "mode must be one of: direct, lambda."
  }
}

################################################################################
# Endpoints and routes
################################################################################

variable "endpoints" {
  description = <<-EOT
    SageMaker endpoints to expose, one route each (key = route name, letters, digits, '_' and '-').
    - endpoint_name: the SageMaker endpoint (default: the key). Existing unless `create` is set.
    - path: route path (default /v1/sagemaker/<key>/invocations).
    - content_type: what the endpoint accepts, application/json or text/csv.
    - accept: what the endpoint answers (default: content_type).
    - target_variant: production variant to call (optional).
    - response_format: envelope (default; JSON object with `predictions`) or raw (the endpoint's body as is).
    - create: create the model, endpoint configuration (KMS-encrypted EBS volumes; instance types
      with local instance storage, e.g. ml.g5 or ml.m5d, are hardware-encrypted and take no key) and endpoint:
      image, model_data_url, execution_role_arn (the SageMaker role that reads the image and
      model), environment; either serverless { memory_size_in_mb, max_concurrency,
      provisioned_concurrency } or instance_type + initial_instance_count; autoscaling
      { min_capacity, max_capacity, target_invocations_per_instance } for instance endpoints.
  EOT
  type = map(object({
    endpoint_name   = optional(string)
    path            = optional(string)
    content_type    = optional(string, "application/json")
    accept          = optional(string)
    target_variant  = optional(string)
    response_format = optional(string, "envelope")
    create = optional(object({
      image              = string
      model_data_url     = optional(string)
      execution_role_arn = string
      environment        = optional(map(string), {})
      serverless = optional(object({
        memory_size_in_mb       = optional(number, 2048)
        max_concurrency         = optional(number, 5)
        provisioned_concurrency = optional(number)
      }))
      instance_type          = optional(string)
      initial_instance_count = optional(number, 1)
      volume_size_in_gb      = optional(number)
      autoscaling = optional(object({
        min_capacity                    = optional(number, 1)
        max_capacity                    = number
        target_invocations_per_instance = optional(number, 100)
        scale_in_cooldown_seconds       = optional(number, 300)
        scale_out_cooldown_seconds      = optional(number, 60)
      }))
    }))
  }))
  nullable = false

  validation {
    condition     = length(var.endpoints) > 0
    error_message = "endpoints needs at least one entry."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : can(regex("^[A-Za-z0-9_-]{1,48}$", k))])
    error_message = "endpoints keys must be 1-48 characters of letters, digits, '_' and '-' (they become route names and URL paths)."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", coalesce(e.endpoint_name, k)))])
    error_message = "SageMaker endpoint names must be 1-63 characters of letters, digits and '-', starting and ending with a letter or digit: invalid in ${join(", ", [for k, e in var.endpoints : coalesce(e.endpoint_name, k) if !can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", coalesce(e.endpoint_name, k)))])}."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : contains(["application/json", "text/csv"], e.content_type)])
    error_message = "content_type must be one of: application/json, text/csv."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : contains(["envelope", "raw"], e.response_format)])
    error_message = "response_format must be one of: envelope, raw."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : e.path == null ? true : can(regex("^(/[A-Za-z0-9._~-]+)+$", e.path))])
    error_message = "path must start with '/', have no trailing '/' and only literal segments of letters, digits, '.', '_', '~' and '-' (one route per endpoint)."
  }

  validation {
    condition     = length(distinct([for k, e in var.endpoints : coalesce(e.path, "/v1/sagemaker/${k}/invocations")])) == length(var.endpoints)
    error_message = "Two endpoints use the same path; every route needs its own path."
  }

  validation {
    condition = alltrue([
      for k, e in var.endpoints : e.create == null ? true : (e.create.serverless == null) != (e.create.instance_type == null)
    ])
    error_message = "A created endpoint needs exactly one of create.serverless or create.instance_type (serverless or provisioned)."
  }

  validation {
    condition = alltrue([
      for k, e in var.endpoints : try(e.create.instance_type, null) == null ? true : can(regex("^ml\\.[a-z0-9-]+\\.[a-z0-9-]+$", e.create.instance_type))
    ])
    error_message = "create.instance_type must be a SageMaker instance type such as ml.g5.2xlarge (ml.<family>.<size>); invalid in ${join(", ", [for k, e in var.endpoints : k if !(try(e.create.instance_type, null) == null ? true : can(regex("^ml\\.[a-z0-9-]+\\.[a-z0-9-]+$", e.create.instance_type)))])}."
  }

  validation {
    condition = alltrue([
      for k, e in var.endpoints : e.create == null ? true : (e.create.autoscaling == null ? true : e.create.instance_type != null)
    ])
    error_message = "create.autoscaling applies to instance (provisioned) endpoints only; serverless endpoints scale by max_concurrency."
  }

  validation {
    condition = alltrue([
      for k, e in var.endpoints : e.create == null ? true : (e.create.autoscaling == null ? true : (e.create.autoscaling.min_capacity >= 1 && e.create.autoscaling.max_capacity >= e.create.autoscaling.min_capacity))
    ])
    error_message = "create.autoscaling needs 1 <= min_capacity <= max_capacity."
  }

  validation {
    condition = alltrue([
      for k, e in var.endpoints : e.create == null ? true : (e.create.serverless == null ? true : (contains([1024, 2048, 3072, 4096, 5120, 6144], e.create.serverless.memory_size_in_mb) && e.create.serverless.max_concurrency >= 1 && e.create.serverless.max_concurrency <= 200))
    ])
    error_message = "create.serverless.memory_size_in_mb must be one of: 1024, 2048, 3072, 4096, 5120, 6144; max_concurrency must be between 1 and 200."
  }

  validation {
    condition = alltrue([
      for k, e in var.endpoints : e.create == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", e.create.execution_role_arn))
    ])
    error_message = "create.execution_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>): the role SageMaker assumes to pull the image and model data."
  }
}

variable "route_auth" {
  description = "Authorization of the emitted routes: CUSTOM (the Lambda authorizer, default) or AWS_IAM."
  type        = string
  default     = "CUSTOM"
  nullable    = false

  validation {
    condition     = contains(["CUSTOM", "AWS_IAM"], var.route_auth)
    error_message = "route_auth must be one of: CUSTOM, AWS_IAM (SageMaker routes are never public)."
  }
}

variable "integration_timeout_ms" {
  description = "Integration timeout of the routes in milliseconds (API Gateway REST: 50-29000 by default)."
  type        = number
  default     = 29000
  nullable    = false

  validation {
    condition     = var.integration_timeout_ms >= 50 && var.integration_timeout_ms <= 29000
    error_message = "integration_timeout_ms must be between 50 and 29000."
  }
}

################################################################################
# Proxy function (mode = "lambda")
################################################################################

variable "package" {
  description = "The sagemaker_proxy package: `filename` (zip path) and `source_code_hash` (base64 SHA-256), both from dist/manifest.json (`make build`). Required when mode = \"lambda\"."
  type = object({
    filename         = string
    source_code_hash = string
  })
  default = null
}

variable "architecture" {
  description = "Lambda architecture the package was built for: arm64 or x86_64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be one of: arm64, x86_64."
  }
}

variable "memory_size" {
  description = "Memory of the proxy function in MB."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Proxy function timeout in seconds (REST integrations end at 29 s)."
  type        = number
  default     = 29
  nullable    = false

  validation {
    condition     = var.timeout >= 3 && var.timeout <= 900
    error_message = "timeout must be between 3 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the proxy function. Null (default) = no reservation: a reservation fails to deploy in accounts whose concurrency quota would leave fewer than 100 unreserved (new accounts). Set it only where the account's quota has room (docs/aws-readiness.md)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1, false)
    error_message = "reserved_concurrent_executions must be null (no reservation: the function scales in the account's unreserved pool) or at least 1 (0 would throttle every invocation). Lambda keeps 100 of the account's concurrency unreserved, so a reservation needs an account quota of at least 100 plus every reservation and provisioned concurrency in the region."
  }
}

variable "max_body_bytes" {
  description = "Largest request body the proxy forwards (413 above)."
  type        = number
  default     = 4194304
  nullable    = false

  validation {
    condition     = var.max_body_bytes >= 1 && var.max_body_bytes <= 6291456
    error_message = "max_body_bytes must be between 1 and 6291456 (Lambda's synchronous payload limit)."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing mode of the proxy function: Active or PassThrough."
  type        = string
  default     = "Active"
  nullable    = false

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be one of: Active, PassThrough."
  }
}

variable "configure_lambda_logging" {
  description = "Set the function's logging_config (JSON logs to its log group). Turn off only for sandboxes that do not implement it (moto), where it shows as drift."
  type        = bool
  default     = true
  nullable    = false
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the proxy function in (they need a route to the SageMaker runtime endpoint). Empty: no VPC."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "vpc_security_group_ids" {
  description = "Security groups of the proxy function when vpc_subnet_ids is set."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "code_signing_config_arn" {
  description = "Code signing configuration for the proxy function (optional)."
  type        = string
  default     = null
}

################################################################################
# Encryption and logs
################################################################################

variable "create_kms_key" {
  description = "Whether the module creates its KMS key. Null = create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply (count cannot depend on an unknown ARN)."
  type        = bool
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the proxy's log group and environment and for created endpoints' volumes. null = the module creates one (with rotation) when it needs one."
  type        = string
  default     = null
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
  description = "Retention of the proxy function's log group in days."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}
