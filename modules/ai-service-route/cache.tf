# Cacheable GET variants of the text-only services (ADR 0143): the same call as the POST
# route, its arguments in the query string, so API Gateway's stage cache can key on them.
# Cache keys are the declared query parameters and the caller's credential headers, so two
# callers never share an entry. Opt-in per service (var.cache).
locals {
  # Query parameters of each GET variant (name => required); the same names as the POST body.
  query_parameters = {
    sentiment   = { text = true, language = false }
    pii         = { text = true, language = false }
    translate   = { text = true, target_language = true, source_language = false }
    entities    = { text = true, language = false }
    key_phrases = { text = true, language = false }
    language    = { text = true }
  }

  query_template_names = {
    sentiment   = "text_query"
    pii         = "text_query"
    translate   = "translate_query"
    entities    = "text_query"
    key_phrases = "text_query"
    language    = "language_query"
  }

  query_template_vars = {
    sentiment   = { default_language = var.default_language }
    pii         = { default_language = var.pii_default_language }
    translate   = {}
    entities    = { default_language = var.default_language }
    key_phrases = { default_language = var.default_language }
    language    = {}
  }

  cached_services = { for k, c in var.cache : k => c if contains(keys(local.enabled), k) }

  get_routes = {
    for k, c in local.cached_services : "ai_${k}_get" => merge(local.routes["ai_${k}"], {
      method         = "GET"
      summary        = "${local.summaries[k]}; arguments in the query string, cacheable"
      request_schema = null
      # Required query strings are checked by the params validator (400 before the call);
      # the credential headers are declared so that they can be cache keys (the authorizer
      # already refuses a request without its identity sources).
      request_parameters = merge(
        { for p, required in local.query_parameters[k] : "method.request.querystring.${p}" => required },
        { for p in var.cache_identity_parameters : p => false },
      )
      cache = {
        enabled        = c.enabled
        ttl_seconds    = c.ttl_seconds
        key_parameters = concat([for p in sort(keys(local.query_parameters[k])) : "method.request.querystring.${p}"], var.cache_identity_parameters)
      }
      integration = merge(local.routes["ai_${k}"].integration, {
        request_templates = {
          "application/json" = templatefile("${path.module}/templates/${local.query_template_names[k]}_request.vtl", local.query_template_vars[k])
        }
      })
    })
  }
}
