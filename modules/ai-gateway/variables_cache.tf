################################################################################
# Stage cache (ADR 0143)
################################################################################

variable "stage_cache" {
  description = <<-EOT
    API Gateway's stage cache for the cacheable GET variants of the AI service routes (modules/ai-service-route):
    - cluster_size: cache size in GB (0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237; billed per hour while
      any route is cached; the stage cache exists only then).
    - ttl_seconds: TTL of the cached routes (0-3600, default 300).
    - services: the AI services whose GET variant (ai_<service>_get) is cached: sentiment, pii, translate,
      entities, key_phrases, language. Empty (default): no route is cached and no cache is created.
    - unauthorized_cache_control_header_strategy: answer to a Cache-Control: max-age=0 from a caller without
      execute-api:InvalidateCache (every authorizer caller): FAIL_WITH_403 (default),
      SUCCEED_WITH_RESPONSE_HEADER or SUCCEED_WITHOUT_RESPONSE_HEADER.
    LLM routes are never cached (answers are streamed and per tenant): use llm.response_cache, the
    exact-match LLM cache. Flush with `aigw cache flush --env ENV`.
  EOT
  type = object({
    cluster_size                               = optional(string, "0.5")
    ttl_seconds                                = optional(number, 300)
    services                                   = optional(list(string), [])
    unauthorized_cache_control_header_strategy = optional(string, "FAIL_WITH_403")
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"], var.stage_cache.cluster_size)
    error_message = "stage_cache.cluster_size must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237 (GB)."
  }

  validation {
    condition     = var.stage_cache.ttl_seconds >= 0 && var.stage_cache.ttl_seconds <= 3600 && floor(var.stage_cache.ttl_seconds) == var.stage_cache.ttl_seconds
    error_message = "stage_cache.ttl_seconds must be a whole number from 0 to 3600 (API Gateway's cache TTL range)."
  }

  validation {
    condition     = alltrue([for s in var.stage_cache.services : contains(["sentiment", "pii", "translate", "entities", "key_phrases", "language"], s)])
    error_message = "stage_cache.services may name only the text AI services: sentiment, pii, translate, entities, key_phrases, language. LLM routes are never stage-cached (use llm.response_cache); images, documents and speech have no cacheable GET variant."
  }

  validation {
    condition     = contains(["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"], var.stage_cache.unauthorized_cache_control_header_strategy)
    error_message = "stage_cache.unauthorized_cache_control_header_strategy must be one of FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER, SUCCEED_WITHOUT_RESPONSE_HEADER."
  }
}
