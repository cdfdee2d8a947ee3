variable "create" {
  description = "Whether to create any resource of this module."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the web ACL; also the prefix of the IP sets, the CloudWatch metric names and the log group (`aws-waf-logs-<name>`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.name))
    error_message = "name must be 1-100 characters of letters, digits, '-' or '_'."
  }
}

variable "description" {
  description = "Description of the web ACL."
  type        = string
  default     = "aigw: web ACL in front of the AI gateway REST API stage"
  nullable    = false
}

variable "default_action" {
  description = "What the web ACL does with a request no rule terminated: allow or block."
  type        = string
  default     = "allow"
  nullable    = false

  validation {
    condition     = contains(["allow", "block"], var.default_action)
    error_message = "default_action must be one of: allow, block."
  }
}

# --- AWS managed rule groups -------------------------------------------------------

# AWSManagedRulesKnownBadInputsRuleSet is always on (Log4j and other exploit payloads).

variable "enable_common_rule_set" {
  description = "Add AWSManagedRulesCommonRuleSet. Its SizeRestrictions_BODY rule (8 KB) is always overridden to count: the module's own body-size rule replaces it."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_sqli_rule_set" {
  description = "Add AWSManagedRulesSQLiRuleSet."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_ip_reputation" {
  description = "Add AWSManagedRulesAmazonIpReputationList."
  type        = bool
  default     = true
  nullable    = false
}

variable "enable_anonymous_ip_list" {
  description = "Add AWSManagedRulesAnonymousIpList (VPNs, Tor, hosting providers). Off by default: server-to-server API clients often run in hosting providers."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_bot_control" {
  description = "Add AWSManagedRulesBotControlRuleSet (billed per request on top of the web ACL)."
  type        = bool
  default     = false
  nullable    = false
}

variable "bot_control_inspection_level" {
  description = "Bot Control inspection level: COMMON or TARGETED."
  type        = string
  default     = "COMMON"
  nullable    = false

  validation {
    condition     = contains(["COMMON", "TARGETED"], var.bot_control_inspection_level)
    error_message = "bot_control_inspection_level must be one of: COMMON, TARGETED."
  }
}

variable "bot_control_count_rules" {
  description = "Rules of AWSManagedRulesBotControlRuleSet switched to count (label only) when Bot Control is on. The default counts the two rules that block every non-browser user agent, i.e. the API's own clients (OpenAI SDKs, curl, server-side HTTP libraries): CategoryHttpLibrary and SignalNonBrowserUserAgent. Their labels stay available to later rules. Removing them makes Bot Control answer those clients 403 (CKV_AIGW_20 fails)."
  type        = list(string)
  default     = ["CategoryHttpLibrary", "SignalNonBrowserUserAgent"]
  nullable    = false

  validation {
    condition     = alltrue([for r in var.bot_control_count_rules : can(regex("^(Category[A-Za-z]+|Signal[A-Za-z]+|TGT_[A-Za-z_]+)$", r))])
    error_message = "bot_control_count_rules must be Bot Control rule names: Category<Name> (e.g. CategoryHttpLibrary), Signal<Name> (e.g. SignalNonBrowserUserAgent) or TGT_<Name>."
  }
}

variable "managed_rule_group_versions" {
  description = "Static version to pin per AWS managed rule group (e.g. { AWSManagedRulesCommonRuleSet = \"Version_1.12\" }). A group not listed follows its default version, which AWS moves to a new static version after testing it (ADR 0046); pin to review each update before it reaches the gateway. The IP reputation groups are not versioned."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([for k in keys(var.managed_rule_group_versions) : contains([
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "AWSManagedRulesBotControlRuleSet",
    ], k)])
    error_message = "managed_rule_group_versions keys must be one of: AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesSQLiRuleSet, AWSManagedRulesBotControlRuleSet (AWSManagedRulesAmazonIpReputationList and AWSManagedRulesAnonymousIpList have no versions)."
  }

  validation {
    condition     = alltrue([for v in values(var.managed_rule_group_versions) : can(regex("^Version_[0-9]+\\.[0-9]+$", v))])
    error_message = "managed_rule_group_versions values must be static version names such as Version_1.12 (aws wafv2 list-available-managed-rule-group-versions)."
  }
}

variable "managed_rule_count_overrides" {
  description = "Rules of the managed groups to switch to count everywhere, keyed by group name (e.g. { AWSManagedRulesCommonRuleSet = [\"NoUserAgent_HEADER\"] }). SizeRestrictions_BODY is always added for the common rule set. To keep body rules from blocking one route family only (prompts carry SQL, HTML and shell), set that family's inspect_body_with_managed_rules = false in route_families instead."
  type        = map(list(string))
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([for k in keys(var.managed_rule_count_overrides) : contains([
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesAnonymousIpList",
      "AWSManagedRulesBotControlRuleSet",
    ], k)])
    error_message = "managed_rule_count_overrides keys must be one of: AWSManagedRulesCommonRuleSet, AWSManagedRulesKnownBadInputsRuleSet, AWSManagedRulesSQLiRuleSet, AWSManagedRulesAmazonIpReputationList, AWSManagedRulesAnonymousIpList, AWSManagedRulesBotControlRuleSet."
  }

  validation {
    condition     = !anytrue([for r in lookup(var.managed_rule_count_overrides, "AWSManagedRulesKnownBadInputsRuleSet", []) : startswith(r, "Log4JRCE")])
    error_message = "The Log4JRCE rules of AWSManagedRulesKnownBadInputsRuleSet (Log4JRCE_HEADER, Log4JRCE_QUERYSTRING, Log4JRCE_URIPATH, Log4JRCE_BODY) cannot be switched to count (CVE-2021-44228 protection stays on; route_families can only exempt a family's bodies)."
  }
}

# --- body size ---------------------------------------------------------------------

variable "body_inspection_limit" {
  description = "How much of the request body API Gateway forwards to WAF for inspection (association_config): KB_16, KB_32, KB_48 or KB_64. Above KB_16 WAF bills extra."
  type        = string
  default     = "KB_64"
  nullable    = false

  validation {
    condition     = contains(["KB_16", "KB_32", "KB_48", "KB_64"], var.body_inspection_limit)
    error_message = "body_inspection_limit must be one of: KB_16, KB_32, KB_48, KB_64."
  }
}

variable "body_size_limit_bytes" {
  description = "The module's body-size rule blocks (HTTP 413, OpenAI-shaped body) requests on no route family's path whose body is larger than this; null = the inspection window (body_inspection_limit). Must not exceed body_inspection_limit (WAF cannot measure beyond what it receives). Each route family has its own limit (route_families)."
  type        = number
  default     = null

  validation {
    condition     = var.body_size_limit_bytes == null || try(var.body_size_limit_bytes >= 1024 && var.body_size_limit_bytes <= 65536 && floor(var.body_size_limit_bytes) == var.body_size_limit_bytes, false)
    error_message = "body_size_limit_bytes must be null (the inspection window) or a whole number between 1024 and 65536 (the largest inspection limit, KB_64)."
  }
}

variable "body_oversize_handling" {
  description = "What the body-size rule for requests on no route family's path does with a body larger than body_inspection_limit, which WAF cannot see in full: MATCH (block it, default: no uninspected content reaches the back end) or NO_MATCH (let it through; API Gateway's 10 MB cap and the back end's own limit apply)."
  type        = string
  default     = "MATCH"
  nullable    = false

  validation {
    condition     = contains(["MATCH", "NO_MATCH"], var.body_oversize_handling)
    error_message = "body_oversize_handling must be one of: MATCH, NO_MATCH."
  }
}

# --- rate limits -------------------------------------------------------------------

variable "rate_limit_per_ip" {
  description = "Rate-based rule per client IP: at most `limit` requests per `window_seconds` (60, 120, 300 or 600); null disables it."
  type = object({
    limit          = number
    window_seconds = optional(number, 300)
  })
  default = {
    limit          = 2000
    window_seconds = 300
  }

  validation {
    condition     = var.rate_limit_per_ip == null || (try(var.rate_limit_per_ip.limit, 0) >= 10 && try(var.rate_limit_per_ip.limit, 0) <= 2000000000)
    error_message = "rate_limit_per_ip.limit must be between 10 and 2000000000."
  }

  validation {
    condition     = var.rate_limit_per_ip == null || contains([60, 120, 300, 600], try(var.rate_limit_per_ip.window_seconds, 0))
    error_message = "rate_limit_per_ip.window_seconds must be one of: 60, 120, 300, 600."
  }
}

variable "rate_limit_per_credential" {
  description = "Optional rate-based rule keyed on a credential header (the value of `header_name`, e.g. authorization or x-api-key): at most `limit` requests per `window_seconds`. Null disables it."
  type = object({
    header_name    = optional(string, "authorization")
    limit          = number
    window_seconds = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.rate_limit_per_credential == null || (try(var.rate_limit_per_credential.limit, 0) >= 10 && try(var.rate_limit_per_credential.limit, 0) <= 2000000000)
    error_message = "rate_limit_per_credential.limit must be between 10 and 2000000000."
  }

  validation {
    condition     = var.rate_limit_per_credential == null || contains([60, 120, 300, 600], try(var.rate_limit_per_credential.window_seconds, 0))
    error_message = "rate_limit_per_credential.window_seconds must be one of: 60, 120, 300, 600."
  }

  validation {
    condition     = var.rate_limit_per_credential == null || can(regex("^[a-z0-9-]{1,64}$", try(var.rate_limit_per_credential.header_name, "")))
    error_message = "rate_limit_per_credential.header_name must be a lower-case header name (letters, digits, '-')."
  }
}

# --- IP and geo filters ------------------------------------------------------------

variable "ip_allowlist" {
  description = "CIDRs (IPv4 and/or IPv6) that may call the API. When non-empty, every request from another address is blocked. Empty: no restriction."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.ip_allowlist : can(cidrhost(c, 0))])
    error_message = "ip_allowlist entries must be CIDRs such as 203.0.113.0/24 or 2001:db8::/32."
  }
}

variable "ip_denylist" {
  description = "CIDRs (IPv4 and/or IPv6) that are always blocked."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.ip_denylist : can(cidrhost(c, 0))])
    error_message = "ip_denylist entries must be CIDRs such as 203.0.113.0/24 or 2001:db8::/32."
  }
}

variable "geo_block_country_codes" {
  description = "ISO 3166-1 alpha-2 country codes whose requests are blocked."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.geo_block_country_codes : can(regex("^[A-Z]{2}$", c))])
    error_message = "geo_block_country_codes must be two-letter upper-case ISO 3166-1 codes (e.g. DE, US)."
  }
}

variable "geo_allow_country_codes" {
  description = "When non-empty, only requests from these ISO 3166-1 alpha-2 countries are accepted; all others are blocked."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.geo_allow_country_codes : can(regex("^[A-Z]{2}$", c))])
    error_message = "geo_allow_country_codes must be two-letter upper-case ISO 3166-1 codes (e.g. DE, US)."
  }
}

# --- logging -----------------------------------------------------------------------

variable "enable_logging" {
  description = "Send WAF logs to the `aws-waf-logs-<name>` CloudWatch log group. Turn off only where the logging API is unavailable (the local sandbox)."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the WAF log group in days (a CloudWatch Logs retention value)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "redacted_headers" {
  description = "Extra request headers to redact in WAF logs (lower case). `authorization` and `x-api-key` are always redacted."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for h in var.redacted_headers : can(regex("^[a-z0-9-]{1,64}$", h))])
    error_message = "redacted_headers must be lower-case header names (letters, digits, '-')."
  }
}

variable "log_only_non_allowed" {
  description = "Keep only requests that were blocked or counted in the WAF logs (drops allowed requests to cut cost)."
  type        = bool
  default     = false
  nullable    = false
}

variable "create_kms_key" {
  description = "Whether the module creates a dedicated KMS key (rotation on) for the WAF log group. Null = create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply (count cannot depend on an unknown ARN). True together with kms_key_arn is an error."
  type        = bool
  default     = null
}

variable "kms_key_arn" {
  description = "KMS key ARN that encrypts the WAF log group. Null = the module creates a key. The key policy must allow the regional CloudWatch Logs service principal for this log group."
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

variable "enable_custom_responses" {
  description = "Answer rate-limited (429) and oversized (413) requests with OpenAI-shaped JSON bodies. Turn off only where custom response bodies are unsupported (the local sandbox)."
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
