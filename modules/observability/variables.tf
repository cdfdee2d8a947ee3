variable "create" {
  description = "Whether to create any resource of this module."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the dashboard and prefix of the alarms, SNS topic and metric filter."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must be 1-200 letters, digits, '-' or '_' (a CloudWatch dashboard name)."
  }
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

# --- what to watch (outputs of gateway-core, route modules and waf) -------------------------

variable "rest_api_name" {
  description = "Name of the REST API (the ApiName dimension of AWS/ApiGateway metrics); the `name` given to gateway-core."
  type        = string
}

variable "stage_name" {
  description = "Stage of the REST API (gateway-core output stage_name)."
  type        = string
}

variable "access_log_group_name" {
  description = "Access log group of the stage (gateway-core output access_log_group_name), read by the 429 metric filter (see watch_access_log)."
  type        = string
  default     = null
}

variable "watch_access_log" {
  description = "Count HTTP 429 answers (usage-plan throttling and quota) from access_log_group_name: metric filter, dashboard widget and alarm. Requires access_log_group_name; set false for a stage without access logs."
  type        = bool
  default     = true
  nullable    = false
}

variable "access_log_status_field" {
  description = "JSON field of the access log line holding the HTTP status."
  type        = string
  default     = "status"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*$", var.access_log_status_field))
    error_message = "access_log_status_field must be a JSON field path such as status or response.status."
  }
}

variable "function_names" {
  description = "Lambda functions to watch, by a static label (e.g. { llm = module.llm_route.function_name }): errors and throttles alarms, duration alarm (function_duration_alarms), concurrency alarm (concurrency_alarms.reserved) and dashboard widgets. A new function needs only its entry here."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for v in values(var.function_names) : v != null && v != ""])
    error_message = "function_names values must be function names, not null or empty: leave a function out of the map when its module creates none (e.g. a SageMaker route in direct mode has no proxy function)."
  }
}

variable "web_acl_name" {
  description = "Name of the WAF web ACL on the stage (waf output web_acl_name); null when there is none (then set watch_waf = false)."
  type        = string
  default     = null
}

variable "watch_waf" {
  description = "WAF dashboard widget and block-spike alarm for web_acl_name. Requires web_acl_name; set false for a stage without a web ACL."
  type        = bool
  default     = true
  nullable    = false
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the LLM Lambda's embedded metrics (dimension sets [Tenant, Model], [Model, Provider], [Route]): llm-route's output metrics_namespace. Null: \"aigw\"."
  type        = string
  default     = null

  validation {
    condition     = var.metrics_namespace == null ? true : can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters of letters, digits and . _ / # : - and must not start with AWS/."
  }
}

variable "access_log_metric_namespace" {
  description = "Namespace of the metrics derived from the access log (ThrottledRequests). Null: \"<metrics_namespace>/<name>\"."
  type        = string
  default     = null
}

# --- dashboard ---------------------------------------------------------------------------------

variable "create_dashboard" {
  description = "Create the CloudWatch dashboard."
  type        = bool
  default     = true
  nullable    = false
}

variable "dashboard_period_seconds" {
  description = "Period of the dashboard graphs in seconds (60, 300, 900, 3600...)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.dashboard_period_seconds >= 60 && var.dashboard_period_seconds % 60 == 0
    error_message = "dashboard_period_seconds must be a multiple of 60 (at least 60)."
  }
}

# --- alarms ------------------------------------------------------------------------------------

variable "alarms" {
  description = "Alarm switches and thresholds. Periods are in seconds; an alarm fires when datapoints_to_alarm of evaluation_periods periods breach. api_latency_alarm: the stage's p99 Latency alarm (api_p99_latency_ms); turn it off when routes stream, because Latency then spans the whole stream. ttft_p99_ms: p99 time to first token of the routes in ttft_routes. sagemaker_*: defaults of the sagemaker_endpoints alarms (p99 ModelLatency in ms, invocation errors per period; 0: none)."
  type = object({
    enabled                = optional(bool, true)
    period_seconds         = optional(number, 300)
    evaluation_periods     = optional(number, 3)
    datapoints_to_alarm    = optional(number, 2)
    api_5xx_rate_percent   = optional(number, 1)
    api_p99_latency_ms     = optional(number, 30000)
    api_latency_alarm      = optional(bool, true)
    ttft_p99_ms            = optional(number, 10000)
    api_throttled_requests = optional(number, 50)
    lambda_errors          = optional(number, 5)
    lambda_throttles       = optional(number, 1)
    waf_blocked_requests   = optional(number, 500)

    sagemaker_model_latency_p99_ms  = optional(number, 10000)
    sagemaker_invocation_5xx_errors = optional(number, 5)
    sagemaker_invocation_4xx_errors = optional(number, 25)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarms.period_seconds >= 60 && var.alarms.period_seconds % 60 == 0
    error_message = "alarms.period_seconds must be a multiple of 60 (at least 60)."
  }

  validation {
    condition     = var.alarms.datapoints_to_alarm >= 1 && var.alarms.datapoints_to_alarm <= var.alarms.evaluation_periods
    error_message = "alarms.datapoints_to_alarm must be between 1 and alarms.evaluation_periods."
  }

  validation {
    condition     = var.alarms.api_5xx_rate_percent > 0 && var.alarms.api_5xx_rate_percent <= 100
    error_message = "alarms.api_5xx_rate_percent must be a percentage in (0, 100]."
  }

  validation {
    condition     = var.alarms.ttft_p99_ms > 0 && var.alarms.api_p99_latency_ms > 0
    error_message = "alarms.ttft_p99_ms and alarms.api_p99_latency_ms must be greater than 0 (turn the latency alarm off with api_latency_alarm = false)."
  }

  validation {
    condition = alltrue([for v in [var.alarms.sagemaker_model_latency_p99_ms, var.alarms.sagemaker_invocation_5xx_errors, var.alarms.sagemaker_invocation_4xx_errors] :
    v >= 0])
    error_message = "alarms.sagemaker_model_latency_p99_ms, sagemaker_invocation_5xx_errors and sagemaker_invocation_4xx_errors must be 0 (no such alarm) or more."
  }
}

variable "ttft_routes" {
  description = "Route dimension values of the LLM gateway's EMF metrics whose p99 TimeToFirstTokenMs is alarmed above alarms.ttft_p99_ms: the health of a streamed answer, which the stage's Latency (the whole stream) cannot show. The gateway emits TimeToFirstTokenMs for its streamed routes only: chat_completions (POST /v1/chat/completions), prompts (POST /v1/prompts/{name}), responses (POST /v1/responses) and messages (POST /v1/messages). Empty: no time-to-first-token alarm."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.ttft_routes : contains(["chat_completions", "prompts", "responses", "messages"], r)])
    error_message = "ttft_routes may only hold the streamed LLM routes: chat_completions, prompts, responses, messages."
  }
}

variable "token_budgets" {
  description = <<-EOT
    Token-budget burn alarms from the EMF metrics InputTokens + OutputTokens (dimensions Tenant, Model).
    Each budget: tenant, the models it covers (1-5: an alarm reads at most 10 metrics), tokens_per_day.
    The alarm fires when the tokens of the last window_seconds exceed burn_rate times the budget's
    share of that window (tokens_per_day * window_seconds / 86400 * burn_rate).
  EOT
  type = map(object({
    tenant         = string
    models         = list(string)
    tokens_per_day = number
    burn_rate      = optional(number, 2)
    window_seconds = optional(number, 3600)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for b in values(var.token_budgets) : length(b.models) >= 1 && length(b.models) <= 5])
    error_message = "token_budgets[*].models must list 1 to 5 models (CloudWatch alarms read at most 10 metrics)."
  }

  validation {
    condition     = alltrue([for b in values(var.token_budgets) : b.tokens_per_day > 0 && b.burn_rate > 0])
    error_message = "token_budgets[*].tokens_per_day and burn_rate must be greater than 0."
  }

  validation {
    condition     = alltrue([for b in values(var.token_budgets) : b.window_seconds >= 300 && b.window_seconds <= 86400 && b.window_seconds % 60 == 0])
    error_message = "token_budgets[*].window_seconds must be a multiple of 60 between 300 and 86400."
  }
}

# --- notifications -----------------------------------------------------------------------------

variable "create_sns_topic" {
  description = "Create the KMS-encrypted SNS topic the alarms notify. False: pass sns_topic_arn."
  type        = bool
  default     = true
  nullable    = false
}

variable "sns_topic_arn" {
  description = "Existing SNS topic for the alarms when create_sns_topic = false."
  type        = string
  default     = null
}

variable "send_ok_notifications" {
  description = "Also notify when an alarm returns to OK."
  type        = bool
  default     = true
  nullable    = false
}

variable "subscriptions" {
  description = "Subscriptions to the alarm topic: protocol (email, email-json, https, sqs, lambda, sms, firehose) and endpoint. Plain http is refused. firehose needs subscription_role_arn."
  type = list(object({
    protocol              = string
    endpoint              = string
    raw_message_delivery  = optional(bool)
    subscription_role_arn = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.subscriptions : contains(["email", "email-json", "https", "sqs", "lambda", "sms", "firehose"], s.protocol)])
    error_message = "subscriptions[*].protocol must be one of: email, email-json, https, sqs, lambda, sms, firehose."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.protocol != "https" || startswith(s.endpoint, "https://")])
    error_message = "https subscriptions need an https:// endpoint."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.protocol != "firehose" || s.subscription_role_arn != null])
    error_message = "firehose subscriptions need subscription_role_arn."
  }
}

variable "create_kms_key" {
  description = "Whether the module creates a dedicated KMS key (rotation on) for the alarm topic. Null = create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply (count cannot depend on an unknown ARN). True together with kms_key_arn is an error."
  type        = bool
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key for the SNS topic (null = the module creates a key); its policy must let cloudwatch.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt."
  type        = string
  default     = null
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a module-created KMS key is deleted (7-30 days)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}
