# The stage cache (ADR 0143): gateway-core takes the cache size and the Cache-Control
# strategy; the routes opt in through their specs. The AI service routes get their `cache`
# input from local.ai_service_cache (service => { ttl_seconds }).
locals {
  ai_service_cache = { for s in distinct(var.stage_cache.services) : s => { enabled = true, ttl_seconds = var.stage_cache.ttl_seconds } }

  # The routes that may carry an LLM route: its own and the extra routes (a family's
  # routes never call the LLM function).
  gateway_routes = merge(module.llm.routes, var.extra_routes)

  # Routes that call the LLM function, whoever declared them, must not be stage-cached:
  # streamed answers cannot be cached and every answer belongs to one tenant.
  cached_llm_routes = sort([
    for k, r in local.gateway_routes : k
    if try(r.cache.enabled, r.cache != null, false) && (contains(keys(module.llm.routes), k) || try(r.lambda_function_name == module.llm.function_name, false))
  ])
}

output "stage_cache" {
  description = "The stage cache: enabled, cluster_size and routes (route key => { method_path, ttl_seconds, key_parameters }) as gateway-core built them, the default ttl_seconds, and ai_service_cache (the `cache` input of modules/ai-service-route: service => { enabled, ttl_seconds })."
  value = merge(module.gateway.stage_cache, {
    ttl_seconds      = var.stage_cache.ttl_seconds
    ai_service_cache = local.ai_service_cache
  })

  # A service named here whose AI service route is off (ai_services null, or the service
  # not enabled) would cache nothing: fail instead of pretending.
  precondition {
    condition     = alltrue([for s in var.stage_cache.services : anytrue([for k in keys(module.gateway.stage_cache.routes) : endswith(k, "${s}_get")])])
    error_message = "stage_cache.services names ${join(", ", var.stage_cache.services)}, but the gateway caches no ai_<service>_get route for ${join(", ", [for s in var.stage_cache.services : s if !anytrue([for k in keys(module.gateway.stage_cache.routes) : endswith(k, "${s}_get")])])}: enable each of them in ai_services.services (ai_services must be set), or remove it from stage_cache.services."
  }

  precondition {
    condition     = length(local.cached_llm_routes) == 0
    error_message = "LLM route(s) ${join(", ", local.cached_llm_routes)} ask for the stage cache: LLM answers stream and belong to one tenant, so they stay out of it. Remove their cache; cache deterministic completions with llm.response_cache (the exact-match LLM cache, docs/llm-gateway.md)."
  }
}
