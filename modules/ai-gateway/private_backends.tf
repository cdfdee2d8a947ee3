# Private back ends (var.private_backends): one modules/vpc-link instance per back end,
# a v1 VPC link to an internal NLB it creates or a v2 VPC link to the caller's ALB; the
# routes are HTTP_PROXY integrations built on the module's ready `integration` objects.

module "vpc_link" {
  #checkov:skip=CKV_AWS_150:the NLB's deletion protection is private_backends[*].enable_deletion_protection (default true); only sandbox_mode turns it off, so the sandbox can be torn down
  source   = "../vpc-link"
  for_each = var.create ? var.private_backends : {}

  name = "${var.name}-${each.key}"

  create_vpc_link_v1                                           = each.value.load_balancer == "nlb"
  vpc_id                                                       = each.value.vpc_id
  subnet_ids                                                   = each.value.load_balancer == "nlb" ? each.value.subnet_ids : []
  security_group_ids                                           = each.value.load_balancer == "nlb" ? each.value.security_group_ids : []
  enforce_security_group_inbound_rules_on_private_link_traffic = each.value.load_balancer == "nlb" && length(each.value.security_group_ids) > 0 ? "off" : null
  target_groups                                                = each.value.target_groups
  listeners                                                    = each.value.listeners
  integration_listener_key                                     = each.value.listener_key
  enable_deletion_protection                                   = each.value.enable_deletion_protection && !var.sandbox_mode

  create_vpc_link_v2    = each.value.load_balancer == "alb"
  v2_subnet_ids         = each.value.load_balancer == "alb" ? each.value.subnet_ids : []
  v2_security_group_ids = each.value.load_balancer == "alb" ? each.value.security_group_ids : []
  alb_arn               = each.value.alb_arn
  alb_integration_uri   = each.value.alb_integration_uri

  integration_host       = each.value.integration_host
  integration_base_path  = each.value.integration_base_path
  integration_timeout_ms = each.value.integration_timeout_ms
  tags                   = var.tags
}

locals {
  private_backend_routes = merge([
    for bk, b in(var.create ? var.private_backends : {}) : {
      for rk, r in b.routes : "private_${bk}_${rk}" => {
        path                 = r.path
        method               = upper(r.method)
        summary              = coalesce(r.summary, "${upper(r.method)} ${r.path} (private back end ${bk})")
        lambda_function_name = null
        auth                 = r.auth
        public               = false
        throttle             = r.throttle
        # From the module's ready integration objects (listener or ALB): the link, the
        # load balancer's URI with the route's back-end path appended.
        integration = {
          type               = "HTTP_PROXY"
          uri                = "${one([for i in [module.vpc_link[bk].integration, module.vpc_link[bk].alb_integration] : i.uri if i != null])}${coalesce(r.backend_path, r.path)}"
          http_method        = upper(r.method)
          transfer_mode      = "BUFFERED"
          timeout_ms         = b.integration_timeout_ms
          connection_id      = b.load_balancer == "nlb" ? module.vpc_link[bk].connection_id : module.vpc_link[bk].vpc_link_v2_id
          integration_target = b.load_balancer == "nlb" ? null : module.vpc_link[bk].integration_target
        }
      }
    }
  ]...)

  private_backend_connection_ids = {
    for k, m in module.vpc_link : k => coalesce(m.connection_id, m.vpc_link_v2_id)
  }
}
