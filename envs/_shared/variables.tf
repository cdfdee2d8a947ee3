# Shared by envs/dev, envs/staging and envs/prod (symlinked): each env sets its values in
# its own terraform.tfvars. The composition itself lives in modules/ai-gateway.

variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of: dev, staging, prod."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "allowed_account_ids" {
  description = "The AWS account(s) this environment may be applied to (a guard against the wrong credentials)."
  type        = list(string)
}

variable "name" {
  description = "Gateway name (prefix of every resource)."
  type        = string
}

variable "manifest_path" {
  description = "Build manifest written by `make build`."
  type        = string
  default     = "../../dist/manifest.json"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the whole gateway; null = one key per component."
  type        = string
  default     = null
}

variable "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role of the account and region: output account_cloudwatch_role_arn of `make bootstrap ENV=<env>`, or the role another stack set (then bootstrap with manage_account_cloudwatch_role = false). The stage's logs need it; the plan fails without it."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of every log group, in days."
  type        = number
  default     = 365
}

variable "jwt_issuers" {
  description = "OIDC issuers whose JWTs the authorizer accepts (see modules/authorizer)."
  type = list(object({
    issuer         = string
    jwks_uri       = string
    audiences      = list(string)
    audience_claim = optional(string, "aud")
    tenant_claim   = optional(string)
  }))
  default = []
}

variable "tiers" {
  description = "Usage plans per tier (see modules/ai-gateway)."
  type = map(object({
    description = optional(string)
    throttle    = object({ rate_limit = number, burst_limit = number })
    quota       = object({ limit = number, period = string })
  }))
}

variable "waf" {
  description = "WAF settings, passed to modules/ai-gateway's waf input: route_families (per family body_size_limit_bytes, oversize_handling, inspect_body_with_managed_rules, path_prefixes), body_inspection_limit, body_size_limit_bytes / body_oversize_handling for paths in no family, IP allow/deny lists, geo lists, rate limits, managed groups, count overrides, versions, Bot Control (docs/waf.md)."
  type        = any
  default     = {}
}

variable "llm" {
  description = "LLM gateway settings: providers, models, prompt templates, quotas, sizing (see modules/ai-gateway)."
  type        = any
}

variable "observability" {
  description = "Dashboard and alarms: thresholds, token-budget burn alarms, alarm_subscriptions (see modules/ai-gateway)."
  type        = any
  default     = {}
}

variable "stage_cache" {
  description = "API Gateway stage cache for the cacheable GET variants of the AI service routes: cluster_size (GB), ttl_seconds, services that opt in, unauthorized_cache_control_header_strategy (see modules/ai-gateway, docs/caching.md). Default: no route cached, no cache billed."
  type = object({
    cluster_size                               = optional(string, "0.5")
    ttl_seconds                                = optional(number, 300)
    services                                   = optional(list(string), [])
    unauthorized_cache_control_header_strategy = optional(string, "FAIL_WITH_403")
  })
  default  = {}
  nullable = false
}

variable "uploads" {
  description = "Large payloads by upload: enabled (default false), bucket_name, expiration_days, max_bytes, url_ttl_seconds, content_types, access_log_bucket (see modules/ai-gateway and docs/uploads.md)."
  type        = any
  default     = {}
}

variable "release" {
  description = "The release in progress, written by `aigw release` to release.auto.tfvars.json beside this file (stage canary, LLM alias canary, rolled_back, opt-in canary alarms; docs/releases.md). {} = steady state. Passed through as any: the type and its checks live in modules/ai-gateway (variables_release.tf)."
  type        = any
  default     = {}
}

# The API's edge (see modules/ai-gateway/variables_edge.tf and docs/edge.md).

variable "endpoint_type" {
  description = "REGIONAL (public) or PRIVATE (only through the execute-api VPC endpoints in vpc_endpoint_ids)."
  type        = string
  default     = "REGIONAL"
}

variable "vpc_endpoint_ids" {
  description = "execute-api interface VPC endpoints (vpce-...) that may call a PRIVATE API."
  type        = list(string)
  default     = []
}

variable "resource_policy" {
  description = "JSON resource policy of the REST API; null = none for REGIONAL, a policy restricted to vpc_endpoint_ids for PRIVATE."
  type        = string
  default     = null
}

variable "disable_execute_api_endpoint" {
  description = "Turn off the default execute-api endpoint (needs domain)."
  type        = bool
  default     = false
}

variable "domain" {
  description = "Custom domain of a REGIONAL API: domain_name, certificate_arn (ACM, same region), base_path, security_policy (TLS_1_2), hosted_zone_id (Route 53 zone for the alias record); null = none."
  type = object({
    domain_name     = string
    certificate_arn = string
    base_path       = optional(string)
    security_policy = optional(string, "TLS_1_2")
    hosted_zone_id  = optional(string)
    # Whether to write the alias record; null = when hosted_zone_id is set. Set true when
    # hosted_zone_id comes from a resource of the same apply (unknown at plan time).
    create_alias_record = optional(bool)
  })
  default = null
}
