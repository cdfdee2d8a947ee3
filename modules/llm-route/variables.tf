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
  description = "Name of the LLM gateway function; prefix of its role, log group, tables, parameter and KMS alias."
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

################################################################################
# Function
################################################################################

variable "package" {
  description = "The built package: `filename` (zip path) and `source_code_hash` (base64 SHA-256), both from dist/manifest.json (`make build`)."
  type = object({
    filename         = string
    source_code_hash = string
  })
  nullable = false
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
  description = "Memory of the function in MB."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Function timeout in seconds. Streaming routes may run up to 900 s; buffered REST integrations end at 29 s."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.timeout >= 3 && var.timeout <= 900
    error_message = "timeout must be between 3 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the gateway function. Null (default) = no reservation: a reservation fails to deploy in accounts whose concurrency quota would leave fewer than 100 unreserved (new accounts), and tenants are already capped by usage plans and WAF rate rules. Set it only where the account's quota has room (docs/aws-readiness.md)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 1, false)
    error_message = "reserved_concurrent_executions must be null (no reservation: the function scales in the account's unreserved pool) or at least 1 (0 would throttle every invocation). Lambda keeps 100 of the account's concurrency unreserved, so a reservation needs an account quota of at least 100 plus every reservation and provisioned concurrency in the region."
  }
}

variable "provisioned_concurrent_executions" {
  description = "Provisioned concurrency on the `live` alias (0 = none). Not implemented by the local sandbox."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.provisioned_concurrent_executions >= 0
    error_message = "provisioned_concurrent_executions must be 0 or more."
  }
}

variable "canary" {
  description = "Weighted canary: the `live` alias keeps serving `stable_version` and sends `weight` (0 to below 1) of the traffic to the version this apply publishes; weight 0 = the alias stays on `stable_version` with no routing (a rolled-back canary). null = the alias points at the new version."
  type = object({
    stable_version = string
    weight         = number
  })
  default = null

  validation {
    condition     = var.canary == null || try(var.canary.weight >= 0 && var.canary.weight < 1, false)
    error_message = "canary.weight must be at least 0 and below 1 (e.g. 0.1 for 10 %; 0 = rolled back, the alias stays on stable_version)."
  }

  validation {
    condition     = var.canary == null || can(regex("^[0-9]+$", try(var.canary.stable_version, "")))
    error_message = "canary.stable_version must be a published version number such as \"7\"."
  }
}

variable "streaming" {
  description = "Serve POST /v1/chat/completions with Lambda response streaming (route transfer_mode STREAM and the function's streaming runtime loop)."
  type        = bool
  default     = true
  nullable    = false
}

variable "config_source" {
  description = "How the function reads its config document: `extension` (the AWS Parameters and Secrets Lambda extension; no AWS SDK on the hot path, needs parameters_extension_layer_arn) or `sdk` (boto3). null = extension when the layer is given, else sdk."
  type        = string
  default     = null

  validation {
    condition     = var.config_source == null || contains(["extension", "sdk"], coalesce(var.config_source, "sdk"))
    error_message = "config_source must be one of: extension, sdk (or null to choose from parameters_extension_layer_arn)."
  }
}

variable "parameters_extension_layer_arn" {
  description = "Version ARN of the AWS Parameters and Secrets Lambda extension layer for this region and architecture (required when config_source = \"extension\"): layer AWS-Parameters-and-Secrets-Lambda-Extension for x86_64, AWS-Parameters-and-Secrets-Lambda-Extension-Arm64 for arm64, in the function's region. Pinned on purpose: move to a new version after reading its release notes."
  type        = string
  default     = null

  validation {
    condition     = var.parameters_extension_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", coalesce(var.parameters_extension_layer_arn, "x")))
    error_message = "parameters_extension_layer_arn must be a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>), e.g. arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12."
  }
}

variable "config_cache_ttl_seconds" {
  description = "How long a warm function keeps the config document before reading it again."
  type        = number
  default     = 60
  nullable    = false
}

variable "tracing_mode" {
  description = "X-Ray tracing mode: Active or PassThrough."
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
  description = "Subnets to run the function in (they need routes to Bedrock/DynamoDB/SSM endpoints and to the providers). Empty: no VPC."
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

variable "code_signing_config_arn" {
  description = "Code signing configuration for the function (optional)."
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
  description = "KMS key for the log group, tables, config parameter and function environment. null = the module creates one (with rotation)."
  type        = string
  default     = null
}

variable "secrets_kms_key_arns" {
  description = "Customer-managed KMS keys that encrypt the providers' API key secrets (providers_config[*].api_key_secret_arn), e.g. the environment's key. The function may use them only through Secrets Manager, for those secrets. Secrets under the AWS managed key aws/secretsmanager need nothing here."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.secrets_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", a))])
    error_message = "secrets_kms_key_arns must hold KMS key ARNs (arn:aws:kms:<region>:<account>:key/<key id>): aliases and key ids do not work in an IAM policy's Resource."
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
  description = "Retention of the function's log group in days."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "deletion_protection_enabled" {
  description = "Deletion protection on the usage and responses tables."
  type        = bool
  default     = true
  nullable    = false
}

variable "point_in_time_recovery_enabled" {
  description = "Point-in-time recovery on the usage and responses tables."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# Gateway config (rendered into the config document, docs/llm-gateway.md)
################################################################################

variable "providers_config" {
  description = "Upstream connections by name. type: bedrock | openai | mock (mock is the deterministic local/test provider, never a real model, refused unless allow_mock_provider = true). openai needs base_url; its key lives in Secrets Manager (api_key_secret_arn), never here."
  type = map(object({
    type               = string
    region             = optional(string)
    endpoint_url       = optional(string)
    base_url           = optional(string)
    api_key_secret_arn = optional(string)
    auth_header        = optional(string)
    query              = optional(map(string))
    connect_timeout_ms = optional(number)
    read_timeout_ms    = optional(number)
  }))
  nullable = false

  validation {
    condition     = alltrue([for k, p in var.providers_config : contains(["bedrock", "openai", "mock"], p.type)])
    error_message = "Unknown provider type in: ${join(", ", [for k, p in var.providers_config : "${k} (${p.type})" if !contains(["bedrock", "openai", "mock"], p.type)])}. Allowed values: bedrock, openai, mock."
  }

  validation {
    condition     = alltrue([for k, p in var.providers_config : p.type != "openai" || try(startswith(p.base_url, "https://") || startswith(p.base_url, "http://"), false)])
    error_message = "Providers of type openai need base_url (an http:// or https:// URL): missing in ${join(", ", [for k, p in var.providers_config : k if p.type == "openai" && !try(startswith(p.base_url, "https://") || startswith(p.base_url, "http://"), false)])}."
  }

  validation {
    condition     = alltrue([for k, p in var.providers_config : p.api_key_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:", p.api_key_secret_arn))])
    error_message = "api_key_secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:…): never put a key itself in the config."
  }

  validation {
    condition     = alltrue([for k, p in var.providers_config : p.auth_header == null || contains(["authorization", "api-key"], coalesce(p.auth_header, "authorization"))])
    error_message = "auth_header must be one of: authorization, api-key."
  }
}

variable "allow_mock_provider" {
  description = "Allow providers of type mock (the deterministic echo/hash provider of the local sandbox and the tests; it never calls a model). Off by default: a deployed gateway refuses them at plan time, so no alias silently answers with canned text. Only envs/local and test fixtures set it."
  type        = bool
  default     = false
  nullable    = false
}

variable "models" {
  description = "Public model aliases: type chat | embedding, ordered targets (provider + provider model id, weight, optional Bedrock guardrail, optional retry of throttled calls: attempts 1-10 in all, base_delay_ms and max_delay_ms 1-60000 with max >= base), strategy ordered | weighted."
  type = map(object({
    type     = optional(string, "chat")
    strategy = optional(string, "ordered")
    owned_by = optional(string)
    targets = list(object({
      provider = string
      model    = string
      weight   = optional(number)
      guardrail = optional(object({
        id      = string
        version = optional(string, "DRAFT")
        trace   = optional(bool, false)
      }))
      retry = optional(object({
        attempts      = optional(number)
        base_delay_ms = optional(number)
        max_delay_ms  = optional(number)
      }))
    }))
    dimensions = optional(number)
  }))
  nullable = false

  validation {
    condition = alltrue(flatten([for k, m in var.models : [for t in m.targets : t.retry == null || (
      (try(t.retry.attempts, null) == null || try(t.retry.attempts >= 1 && t.retry.attempts <= 10 && floor(t.retry.attempts) == t.retry.attempts, false)) &&
      (try(t.retry.base_delay_ms, null) == null || try(t.retry.base_delay_ms >= 1 && t.retry.base_delay_ms <= 60000 && floor(t.retry.base_delay_ms) == t.retry.base_delay_ms, false)) &&
      (try(t.retry.max_delay_ms, null) == null || try(t.retry.max_delay_ms >= 1 && t.retry.max_delay_ms <= 60000 && floor(t.retry.max_delay_ms) == t.retry.max_delay_ms, false)) &&
      coalesce(try(t.retry.max_delay_ms, null), 2000) >= coalesce(try(t.retry.base_delay_ms, null), 200)
    )]]))
    error_message = "targets[].retry: attempts must be a whole number from 1 to 10 (tries on one target in all; default 2), base_delay_ms and max_delay_ms whole numbers from 1 to 60000 (defaults 200 and 2000), and max_delay_ms at least base_delay_ms."
  }

  validation {
    condition     = alltrue([for k, m in var.models : contains(["chat", "embedding"], m.type) && contains(["ordered", "weighted"], m.strategy)])
    error_message = "Each model's type must be chat or embedding, and strategy ordered or weighted."
  }

  validation {
    condition     = alltrue([for k, m in var.models : length(m.targets) > 0])
    error_message = "Every model alias needs at least one target."
  }
}

variable "prices" {
  description = "USD prices per million tokens, keyed by target model id (for the EstimatedCostUSD metric and USD budgets). Overrides the module's dated Bedrock price table (prices/, docs/cost.md) model by model; every non-mock target needs a price from one or the other."
  type = map(object({
    input_per_1m       = optional(number, 0)
    output_per_1m      = optional(number, 0)
    cache_read_per_1m  = optional(number, 0)
    cache_write_per_1m = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, p in var.prices : alltrue([for v in [p.input_per_1m, p.output_per_1m, p.cache_read_per_1m, coalesce(p.cache_write_per_1m, 0)] : v >= 0])])
    error_message = "prices: input_per_1m, output_per_1m, cache_read_per_1m and cache_write_per_1m must be 0 or more (USD per million tokens); cache_write_per_1m unset bills cache writes at input_per_1m."
  }
}

variable "prompt_templates" {
  description = "Prompt templates; each becomes its own route POST /v1/prompts/<name>. Messages may use {{ variable }}; every variable used must be declared."
  type = map(object({
    model = string
    messages = list(object({
      role    = string
      content = string
    }))
    variables = optional(map(object({
      required   = optional(bool)
      default    = optional(string)
      max_length = optional(number)
    })), {})
    parameters = optional(object({
      temperature     = optional(number)
      top_p           = optional(number)
      max_tokens      = optional(number)
      stop            = optional(list(string))
      response_format = optional(any)
    }), {})
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, p in var.prompt_templates : can(regex("^[A-Za-z0-9_-]{1,64}$", k))])
    error_message = "Prompt template names must be 1-64 characters of letters, digits, '-' and '_' (they become URL paths)."
  }
}

variable "routing" {
  description = "Overall deadline for all attempts, the time one attempt may take (attempt_timeout_ms, 50-900000; unset = an equal share of the time left among the targets still to try) and the per-target circuit breaker."
  type = object({
    deadline_ms        = optional(number)
    failure_threshold  = optional(number)
    cooldown_ms        = optional(number)
    attempt_timeout_ms = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.routing.attempt_timeout_ms == null || try(var.routing.attempt_timeout_ms >= 50 && var.routing.attempt_timeout_ms <= 900000, false)
    error_message = "routing.attempt_timeout_ms must be null (an equal share of the time left) or between 50 and 900000."
  }
}

variable "quotas" {
  description = "Token and USD budgets per tenant and period, kept in the module's usage table: tokens per tier, per-tenant overrides, a default (null = unlimited); `usd` the same in US dollars (tiers, tenants, default) plus `models`, a tenant's budget on one model alias (tenant => alias => USD). Costs use the model prices (prices.tf, docs/cost.md)."
  type = object({
    enabled               = optional(bool, true)
    period                = optional(string, "month")
    tiers                 = optional(map(number), {})
    tenants               = optional(map(number), {})
    default_tokens        = optional(number)
    reserve_output_tokens = optional(number)
    usd = optional(object({
      tiers   = optional(map(number), {})
      tenants = optional(map(number), {})
      default = optional(number)
      models  = optional(map(map(number)), {})
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["day", "month"], var.quotas.period)
    error_message = "quotas.period must be one of: day, month."
  }

  validation {
    condition = alltrue(concat(
      [for v in values(var.quotas.usd.tiers) : v >= 0],
      [for v in values(var.quotas.usd.tenants) : v >= 0],
      [coalesce(var.quotas.usd.default, 0) >= 0],
      flatten([for t, m in var.quotas.usd.models : [for v in values(m) : v >= 0]]),
    ))
    error_message = "quotas.usd: every budget (tiers, tenants, default, models) must be 0 or more US dollars per period."
  }

  validation {
    condition     = alltrue(flatten([for t, m in var.quotas.usd.models : [for alias in keys(m) : contains(keys(var.models), alias)]]))
    error_message = "quotas.usd.models maps a tenant to budgets on model aliases; unknown aliases: ${join(", ", distinct(flatten([for t, m in var.quotas.usd.models : [for alias in keys(m) : "${t}/${alias}" if !contains(keys(var.models), alias)]])))}."
  }
}

variable "response_cache" {
  description = "Exact-match response cache for deterministic (temperature 0) non-streaming chat completions, in the usage table. Off by default."
  type = object({
    enabled     = optional(bool, false)
    ttl_seconds = optional(number, 300)
  })
  default  = {}
  nullable = false
}

variable "redaction" {
  description = "What request logs keep of prompts and completions: metadata (sizes only, default), hash (plus SHA-256), full (text with PII masked)."
  type        = string
  default     = "metadata"
  nullable    = false

  validation {
    condition     = contains(["metadata", "hash", "full"], var.redaction)
    error_message = "redaction must be one of: metadata, hash, full."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the EMF metrics (tokens, cost, latency)."
  type        = string
  default     = "aigw"
  nullable    = false
}

variable "limits" {
  description = "Request limits: max_body_bytes, max_messages, max_embedding_inputs (null = gateway defaults)."
  type = object({
    max_body_bytes       = optional(number)
    max_messages         = optional(number)
    max_embedding_inputs = optional(number)
  })
  default  = {}
  nullable = false
}

################################################################################
# Routes
################################################################################

variable "route_auth" {
  description = "Authorization of the emitted routes: CUSTOM (the Lambda authorizer, default) or AWS_IAM."
  type        = string
  default     = "CUSTOM"
  nullable    = false

  validation {
    condition     = contains(["CUSTOM", "AWS_IAM"], var.route_auth)
    error_message = "route_auth must be one of: CUSTOM, AWS_IAM (the LLM routes are never public)."
  }
}

variable "enable_messages_routes" {
  description = "Emit POST /v1/messages and POST /v1/messages/count_tokens (Anthropic's Messages API)."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_embeddings_route" {
  description = "Emit POST /v1/embeddings."
  type        = bool
  default     = true
  nullable    = false
}
