# AWS AI services (var.ai_services): modules/ai-service-route's direct integrations. Only
# what the caller set is passed; everything else keeps ai-service-route's defaults, so
# that module stays the one place they are defined.

locals {
  ai_services_enabled = var.create && var.ai_services != null
  ai_services         = local.ai_services_enabled ? var.ai_services : null
}

module "ai_services" {
  source = "../ai-service-route"
  count  = local.ai_services_enabled ? 1 : 0

  name                   = "${var.name}-ai-services"
  services               = local.ai_services.services
  paths                  = local.ai_services.paths
  default_language       = local.ai_services.default_language
  pii_default_language   = local.ai_services.pii_default_language
  labels_defaults        = { for k, v in local.ai_services.labels_defaults : k => v if v != null }
  speech_defaults        = { for k, v in local.ai_services.speech_defaults : k => v if v != null }
  throttle               = local.ai_services.throttle
  route_auth             = local.ai_services.auth
  integration_timeout_ms = local.ai_services.integration_timeout_ms
  # Cacheable GET variants of the services stage_cache names; media routes read uploads
  # under the caller's tenant, which only the authorizer gives (AWS_IAM routes take bytes).
  cache   = local.ai_service_cache
  uploads = local.ai_services.auth == "CUSTOM" ? local.upload_refs : null
  tags    = var.tags
}

locals {
  # A for-expression, not try(): try() turns a value with unknown parts into an unknown.
  ai_services_routes          = merge([for m in module.ai_services : m.routes]...)
  ai_services_role_name       = one([for m in module.ai_services : m.role_name])
  ai_services_allowed_actions = flatten([for m in module.ai_services : m.allowed_actions])
}
