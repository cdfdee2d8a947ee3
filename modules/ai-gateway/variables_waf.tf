variable "waf" {
  description = <<-EOT
    The web ACL in front of the stage (modules/waf, ADR 0134). Every knob of the module:
    - `route_families`: per family (`llm` from the LLM routes' paths; others as their
      routes are composed, or named here with `path_prefixes`): `body_size_limit_bytes`
      (null = the inspection window), `oversize_handling` (MATCH | NO_MATCH) and
      `inspect_body_with_managed_rules`. Defaults: `llm` = window, NO_MATCH, managed body
      rules only count (a 500 KB prompt reaches the function, which enforces its own
      limit); every other family = window, MATCH (413), managed body rules block.
    - requests on no family's path: `body_size_limit_bytes` (null = the window) and
      `body_oversize_handling` (MATCH); `body_inspection_limit` (KB_16..KB_64) is the
      window API Gateway forwards to WAF.
    - IP allow/deny lists, geo block/allow lists, per-IP and per-credential rate limits,
      the managed groups on/off, count overrides, versions, Bot Control, default action,
      log filtering.
  EOT
  type = object({
    enabled        = optional(bool, true)
    default_action = optional(string, "allow")

    body_inspection_limit  = optional(string, "KB_64")
    body_size_limit_bytes  = optional(number)
    body_oversize_handling = optional(string, "MATCH")
    route_families = optional(map(object({
      path_prefixes                   = optional(list(string), [])
      body_size_limit_bytes           = optional(number)
      oversize_handling               = optional(string)
      inspect_body_with_managed_rules = optional(bool)
    })), {})
    # Prefixes in front of the route paths as WAF sees them besides /<stage_name>
    # (e.g. a custom domain's base path).
    uri_path_prefixes = optional(list(string), [])

    rate_limit_per_ip = optional(object({
      limit          = number
      window_seconds = optional(number, 300)
    }), { limit = 2000 })
    rate_limit_per_credential = optional(object({
      header_name    = optional(string, "authorization")
      limit          = number
      window_seconds = optional(number, 300)
    }))

    ip_allowlist            = optional(list(string), [])
    ip_denylist             = optional(list(string), [])
    geo_block_country_codes = optional(list(string), [])
    geo_allow_country_codes = optional(list(string), [])

    enable_common_rule_set       = optional(bool, true)
    enable_sqli_rule_set         = optional(bool, true)
    enable_ip_reputation         = optional(bool, true)
    enable_anonymous_ip_list     = optional(bool, false)
    enable_bot_control           = optional(bool, false)
    bot_control_inspection_level = optional(string, "COMMON")
    # Bot Control rules that count instead of block. The default keeps the API's own
    # clients (OpenAI SDKs, curl: non-browser user agents, HTTP libraries) out of 403s.
    bot_control_count_rules = optional(list(string), ["CategoryHttpLibrary", "SignalNonBrowserUserAgent"])
    # Static version per AWS managed rule group; unlisted groups follow the default version.
    managed_rule_group_versions  = optional(map(string), {})
    managed_rule_count_overrides = optional(map(list(string)), {})

    log_only_non_allowed = optional(bool, false)
    redacted_headers     = optional(list(string), [])
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for r in var.waf.bot_control_count_rules : can(regex("^(Category[A-Za-z]+|Signal[A-Za-z]+|TGT_[A-Za-z_]+)$", r))])
    error_message = "waf.bot_control_count_rules must be Bot Control rule names: Category<Name> (e.g. CategoryHttpLibrary), Signal<Name> (e.g. SignalNonBrowserUserAgent) or TGT_<Name>."
  }

  validation {
    condition     = alltrue([for k, v in var.waf.managed_rule_group_versions : contains(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesBotControlRuleSet"], k) && can(regex("^Version_[0-9]+\\.[0-9]+$", v))])
    error_message = "waf.managed_rule_group_versions maps AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesSQLiRuleSet or AWSManagedRulesBotControlRuleSet to a static version such as Version_1.12 (the IP reputation groups have no versions)."
  }

  validation {
    condition     = contains(["KB_16", "KB_32", "KB_48", "KB_64"], var.waf.body_inspection_limit)
    error_message = "waf.body_inspection_limit must be one of: KB_16, KB_32, KB_48, KB_64."
  }

  validation {
    condition     = contains(["MATCH", "NO_MATCH"], var.waf.body_oversize_handling) && alltrue([for f in values(var.waf.route_families) : f.oversize_handling == null || contains(["MATCH", "NO_MATCH"], coalesce(f.oversize_handling, "MATCH"))])
    error_message = "waf.body_oversize_handling and waf.route_families.*.oversize_handling must be one of: MATCH, NO_MATCH."
  }

  validation {
    condition     = alltrue([for f in values(var.waf.route_families) : f.body_size_limit_bytes == null || try(f.body_size_limit_bytes >= 1024 && f.body_size_limit_bytes <= 65536 && floor(f.body_size_limit_bytes) == f.body_size_limit_bytes, false)])
    error_message = "waf.route_families.*.body_size_limit_bytes must be null (the inspection window) or a whole number between 1024 and 65536 (the largest inspection limit, KB_64)."
  }

  validation {
    condition     = alltrue([for k in keys(var.waf.route_families) : can(regex("^[a-z][a-z0-9_]{0,31}$", k))])
    error_message = "waf.route_families keys must be family names of lower-case letters, digits or '_' starting with a letter (llm, ai_services, sagemaker, ...)."
  }

  validation {
    condition     = contains(["allow", "block"], var.waf.default_action) && contains(["COMMON", "TARGETED"], var.waf.bot_control_inspection_level)
    error_message = "waf.default_action must be one of: allow, block; waf.bot_control_inspection_level one of: COMMON, TARGETED."
  }
}
