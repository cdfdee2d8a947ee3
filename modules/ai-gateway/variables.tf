################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create the gateway. When false nothing is created."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the gateway: the REST API's name and the prefix of every resource (functions, tables, log groups, usage plans)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3-31 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "stage_name" {
  description = "API stage; API keys are bound to it (a key of another stage is denied)."
  type        = string
  default     = "v1"
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "sandbox_mode" {
  description = "Deploying into the local AWS sandbox (moto 5.2.5): turns off what it does not implement — Lambda logging_config, provisioned concurrency, the Parameters and Secrets extension (config is read with the SDK) — and deletion protection, so the sandbox can be torn down. The WAF (web ACL, association, logging) stays on: the sandbox implements it. Never set it for an AWS account."
  type        = bool
  default     = false
  nullable    = false
}

variable "packages" {
  description = "Built Lambda packages from dist/manifest.json (`make build`): filename, base64 SHA-256 and architecture (arm64 or x86_64, `make build ARCH=…`; default arm64) of llm_gateway, authorizer and (for SageMaker endpoints in lambda mode) sagemaker_proxy."
  type = object({
    llm_gateway = object({ filename = string, source_code_hash = string, architecture = optional(string, "arm64") })
    authorizer  = object({ filename = string, source_code_hash = string, architecture = optional(string, "arm64") })
    # The SageMaker proxy function (sagemaker endpoints with mode = "lambda").
    sagemaker_proxy = optional(object({ filename = string, source_code_hash = string, architecture = optional(string, "arm64") }))
  })
  nullable = false
}

variable "kms_key_arn" {
  description = "KMS key for every log group, table, parameter and function environment of the gateway. null = each component creates its own key (rotation on, policy scoped to its own log groups)."
  type        = string
  default     = null
}

variable "secrets_kms_key_arns" {
  description = "Customer-managed KMS keys that encrypt the LLM providers' API key secrets (e.g. the environment's key): the LLM function may decrypt with them only through Secrets Manager, for those secrets (modules/llm-route)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of every log group of the gateway, in days."
  type        = number
  default     = 365
  nullable    = false
}

variable "deletion_protection_enabled" {
  description = "Deletion protection on the gateway's DynamoDB tables (forced off in sandbox_mode)."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# Identity
################################################################################

variable "jwt_issuers" {
  description = "OIDC/Cognito issuers whose JWTs the authorizer accepts besides aigw API keys (see modules/authorizer)."
  type = list(object({
    issuer         = string
    jwks_uri       = string
    audiences      = list(string)
    audience_claim = optional(string, "aud")
    tenant_claim   = optional(string)
  }))
  default  = []
  nullable = false
}

variable "authorizer_result_ttl_seconds" {
  description = "How long API Gateway caches an authorizer decision per credential (0-3600)."
  type        = number
  default     = 300
  nullable    = false
}

################################################################################
# Traffic
################################################################################

variable "tiers" {
  description = "Usage plans per tier (request rate, burst and quota); tenants are linked to their tier's plan by `aigw keys create`. Token budgets per tier are in llm.quotas."
  type = map(object({
    description = optional(string)
    throttle = object({
      rate_limit  = number
      burst_limit = number
    })
    quota = object({
      limit  = number
      period = string
    })
  }))
  default = {
    standard = {
      throttle = { rate_limit = 10, burst_limit = 20 }
      quota    = { limit = 100000, period = "MONTH" }
    }
  }
  nullable = false
}

variable "default_throttle" {
  description = "Stage-wide throttle of every method for all callers together (gateway-core default_throttle): rate_limit requests per second (> 0) and burst_limit (a whole number >= 1). Routes with their own throttle override it for their method; usage plans (tiers) limit each API key on top. Null = the account-level limit."
  type = object({
    rate_limit  = number
    burst_limit = number
  })
  default = {
    rate_limit  = 500
    burst_limit = 1000
  }

  validation {
    condition     = var.default_throttle == null || try(var.default_throttle.rate_limit > 0 && var.default_throttle.burst_limit >= 1 && floor(var.default_throttle.burst_limit) == var.default_throttle.burst_limit, false)
    error_message = "default_throttle.rate_limit must be greater than 0 and burst_limit a whole number of at least 1 (or set default_throttle = null)."
  }
}

variable "logging_level" {
  description = "API Gateway execution logging level: OFF, ERROR or INFO (needs the account's API Gateway CloudWatch role, as the stage's access logs always do)."
  type        = string
  default     = "ERROR"
  nullable    = false
}

variable "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role for this account and region, owned by another stack: envs/_bootstrap's output account_cloudwatch_role_arn. The stage's access logs need it; outside sandbox_mode the plan fails unless this or create_account_cloudwatch_role is set (Terraform cannot read the account setting at plan time)."
  type        = string
  default     = null
}

variable "create_account_cloudwatch_role" {
  description = "Let this gateway own API Gateway's account-level CloudWatch Logs role (create it and set it on the account). Only where no other stack owns the setting for the account and region; the bootstrap stack is the usual owner."
  type        = bool
  default     = false
  nullable    = false
}

variable "observability" {
  description = "Dashboard and alarms (modules/observability): alarm thresholds, token-budget burn alarms per tenant, and who is told (SNS subscriptions: protocol + endpoint)."
  type = object({
    enabled = optional(bool, true)
    alarms  = optional(any, {})
    token_budgets = optional(map(object({
      tenant         = string
      models         = list(string)
      tokens_per_day = number
      burn_rate      = optional(number, 2)
      window_seconds = optional(number, 3600)
    })), {})
    alarm_subscriptions = optional(list(object({
      protocol = string
      endpoint = string
    })), [])
  })
  default  = {}
  nullable = false
}

################################################################################
# LLM gateway (modules/llm-route)
################################################################################

variable "llm" {
  description = "The LLM gateway: providers, model aliases, prompt templates, prices, routing, quotas, cache, redaction and function sizing (same types and defaults as modules/llm-route's inputs; tests/unit/modules/test_llm_type_agrees.py keeps them equal). Providers of type mock (canned answers, no model) are refused unless allow_mock_provider = true, which only the local sandbox and tests set."
  type = object({
    providers = map(object({
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
    models = map(object({
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
    prices = optional(map(object({
      input_per_1m       = optional(number, 0)
      output_per_1m      = optional(number, 0)
      cache_read_per_1m  = optional(number, 0)
      cache_write_per_1m = optional(number)
    })), {})
    prompt_templates = optional(map(object({
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
    })), {})
    routing = optional(object({
      deadline_ms        = optional(number)
      failure_threshold  = optional(number)
      cooldown_ms        = optional(number)
      attempt_timeout_ms = optional(number)
    }), {})
    quotas = optional(object({
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
    }), {})
    response_cache = optional(object({
      enabled     = optional(bool, false)
      ttl_seconds = optional(number, 300)
    }), {})
    redaction                         = optional(string, "metadata")
    allow_mock_provider               = optional(bool, false)
    streaming                         = optional(bool, true)
    parameters_extension_layer_arn    = optional(string)
    memory_size                       = optional(number, 512)
    timeout                           = optional(number, 300)
    reserved_concurrent_executions    = optional(number)
    provisioned_concurrent_executions = optional(number, 0)
    responses_retention_days          = optional(number, 30)
    enable_messages_routes            = optional(bool, true)
  })
  nullable = false
}
