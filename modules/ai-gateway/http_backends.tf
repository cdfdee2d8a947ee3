# Public HTTP back ends (var.http_backends): HTTP_PROXY (pass-through) or HTTP (mapped)
# integrations to the back end's base URL plus each route's back-end path.

locals {
  http_backend_routes = merge([
    for bk, b in(var.create ? var.http_backends : {}) : {
      for rk, r in b.routes : "http_${bk}_${rk}" => {
        path                 = r.path
        method               = upper(r.method)
        summary              = coalesce(r.summary, "${upper(r.method)} ${r.path} (HTTP back end ${bk})")
        lambda_function_name = null
        auth                 = r.auth
        public               = false
        throttle             = r.throttle
        integration = {
          type              = b.type
          uri               = "${b.url}${coalesce(r.backend_path, r.path)}"
          http_method       = upper(r.method)
          timeout_ms        = b.timeout_ms
          request_templates = r.request_templates
        }
      }
    }
  ]...)
}
