# Every route family's route specs, merged for gateway-core (the routes contract,
# docs/architecture.md). Route keys carry their family's prefix (sagemaker_, ai_, private_,
# http_), so families never collide; extra_routes must not reuse a family's key.

locals {
  family_routes = {
    llm              = module.llm.routes
    sagemaker        = local.sagemaker_routes
    ai_services      = local.ai_services_routes
    private_backends = local.private_backend_routes
    http_backends    = local.http_backend_routes
  }

  family_route_keys = flatten([for f, rs in local.family_routes : keys(rs)])
  colliding_routes  = setintersection(toset(local.family_route_keys), toset(keys(var.extra_routes)))

  routes = merge(
    module.llm.routes,
    local.sagemaker_routes,
    local.ai_services_routes,
    local.private_backend_routes,
    local.http_backend_routes,
    var.extra_routes,
  )
}
