variable "release" {
  description = <<-EOT
    The release in progress (docs/releases.md, ADR 0140); `aigw release` writes it to
    envs/<env>/release.auto.tfvars.json. {} = steady state.
    stage_canary: a canary on the stage: percent_traffic (0-100) of the requests go to the
    newly rendered API document; base_deployment_key (output deployment_key of the release
    being replaced) pins the stage to the old one; stage_variable_overrides; use_stage_cache.
    llm_canary: the LLM function's `live` alias keeps stable_version and sends weight
    (0 to below 1) of its invocations to the version this apply publishes.
    rolled_back: the stage stays on the pinned base without a canary and the alias on
    stable_version without routing (what `aigw release rollback` sets through the API).
    alarms: opt-in CloudWatch alarms on the canary that `aigw release watch` rolls back on:
    the canary's 5XX rate, its p99 latency and the canary version's LLM error rate.
  EOT
  type = object({
    stage_canary = optional(object({
      percent_traffic          = number
      base_deployment_key      = optional(string)
      stage_variable_overrides = optional(map(string), {})
      use_stage_cache          = optional(bool, false)
    }))
    llm_canary = optional(object({
      stable_version = string
      weight         = number
    }))
    rolled_back = optional(bool, false)
    alarms = optional(object({
      enabled               = optional(bool, false)
      error_rate_5xx        = optional(number, 0.05)
      p99_latency_ms        = optional(number, 10000)
      llm_error_rate        = optional(number, 0.05)
      period_seconds        = optional(number, 60)
      evaluation_periods    = optional(number, 3)
      datapoints_to_alarm   = optional(number, 2)
      alarm_on_missing_data = optional(bool, false)
      send_to_alarm_topic   = optional(bool, true)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.release.stage_canary == null || try(var.release.stage_canary.percent_traffic >= 0 && var.release.stage_canary.percent_traffic <= 100, false)
    error_message = "release.stage_canary.percent_traffic must be between 0 and 100."
  }

  validation {
    condition     = var.release.llm_canary == null || try(var.release.llm_canary.weight > 0 && var.release.llm_canary.weight < 1, false)
    error_message = "release.llm_canary.weight must be strictly between 0 and 1 (e.g. 0.1 for 10 %); a rolled-back canary sets release.rolled_back = true instead of weight 0."
  }

  validation {
    condition     = var.release.llm_canary == null || can(regex("^[0-9]+$", try(var.release.llm_canary.stable_version, "")))
    error_message = "release.llm_canary.stable_version must be a published version number such as \"7\"."
  }

  validation {
    condition     = !var.release.rolled_back || var.release.stage_canary == null || try(var.release.stage_canary.base_deployment_key, null) != null
    error_message = "release.rolled_back = true with a stage_canary needs stage_canary.base_deployment_key: the stage goes back to that pinned deployment."
  }

  validation {
    condition     = var.release.rolled_back == false || var.release.stage_canary != null || var.release.llm_canary != null
    error_message = "release.rolled_back = true needs the stage_canary and/or llm_canary it rolled back."
  }

  validation {
    condition = alltrue([
      var.release.alarms.error_rate_5xx > 0 && var.release.alarms.error_rate_5xx <= 1,
      var.release.alarms.llm_error_rate > 0 && var.release.alarms.llm_error_rate <= 1,
      var.release.alarms.p99_latency_ms > 0,
    ])
    error_message = "release.alarms: error_rate_5xx and llm_error_rate are fractions above 0 and at most 1 (0.05 = 5 %); p99_latency_ms must be above 0."
  }

  validation {
    condition     = contains([10, 30], var.release.alarms.period_seconds) || (var.release.alarms.period_seconds >= 60 && var.release.alarms.period_seconds % 60 == 0)
    error_message = "release.alarms.period_seconds must be 10, 30 or a multiple of 60 (CloudWatch alarm periods)."
  }

  validation {
    condition     = var.release.alarms.datapoints_to_alarm >= 1 && var.release.alarms.datapoints_to_alarm <= var.release.alarms.evaluation_periods
    error_message = "release.alarms.datapoints_to_alarm must be between 1 and evaluation_periods."
  }
}
