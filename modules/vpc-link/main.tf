locals {
  create_v1 = var.create && var.create_vpc_link_v1
  create_v2 = var.create && var.create_vpc_link_v2

  targets = merge([
    for tg_key, tg in var.target_groups : {
      for t_key, t in tg.targets : "${tg_key}/${t_key}" => merge(t, { target_group_key = tg_key })
    }
  ]...)

  integration_listener_key = coalesce(var.integration_listener_key, try(sort(keys(var.listeners))[0], "none"))
  integration_listener     = try(var.listeners[local.integration_listener_key], null)
}

resource "aws_lb" "this" {
  count = local.create_v1 ? 1 : 0

  #checkov:skip=CKV_AWS_91:access logs are opt-in (var.access_logs) because they need a caller-owned S3 bucket with an ELB log-delivery policy
  #checkov:skip=CKV2_AWS_20:a Network Load Balancer (TCP and TLS listeners only): there is no HTTP listener to redirect; the check is meant for ALBs
  name                             = var.name
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = var.subnet_ids
  security_groups                  = length(var.security_group_ids) > 0 ? var.security_group_ids : null
  enable_cross_zone_load_balancing = var.enable_cross_zone_load_balancing
  enable_deletion_protection       = var.enable_deletion_protection

  enforce_security_group_inbound_rules_on_private_link_traffic = length(var.security_group_ids) > 0 ? var.enforce_security_group_inbound_rules_on_private_link_traffic : null

  dynamic "access_logs" {
    for_each = var.access_logs == null ? [] : [var.access_logs]
    content {
      enabled = true
      bucket  = access_logs.value.bucket
      prefix  = access_logs.value.prefix
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(var.subnet_ids) > 0
      error_message = "subnet_ids must name at least one private subnet when create_vpc_link_v1 = true."
    }
    precondition {
      condition     = length(var.listeners) > 0
      error_message = "listeners must define at least one listener when create_vpc_link_v1 = true."
    }
  }
}

resource "aws_lb_target_group" "this" {
  for_each = local.create_v1 ? var.target_groups : {}

  name                 = "${var.name}-${each.key}"
  vpc_id               = var.vpc_id
  target_type          = each.value.target_type
  port                 = each.value.port
  protocol             = each.value.protocol
  deregistration_delay = each.value.deregistration_delay
  preserve_client_ip   = each.value.preserve_client_ip == null ? null : tostring(each.value.preserve_client_ip)

  health_check {
    enabled             = true
    protocol            = each.value.health_check.protocol
    port                = each.value.health_check.port
    path                = each.value.health_check.protocol == "TCP" ? null : coalesce(each.value.health_check.path, "/")
    matcher             = each.value.health_check.protocol == "TCP" ? null : each.value.health_check.matcher
    interval            = each.value.health_check.interval
    healthy_threshold   = each.value.health_check.healthy_threshold
    unhealthy_threshold = each.value.health_check.unhealthy_threshold
    timeout             = each.value.health_check.timeout
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.vpc_id != null
      error_message = "vpc_id is required for the NLB target groups."
    }
    precondition {
      condition     = length("${var.name}-${each.key}") <= 32
      error_message = "Target group name \"${var.name}-${each.key}\" is longer than 32 characters: shorten name or the target_groups key."
    }
  }
}

resource "aws_lb_target_group_attachment" "this" {
  for_each = local.create_v1 ? local.targets : {}

  target_group_arn  = aws_lb_target_group.this[each.value.target_group_key].arn
  target_id         = each.value.target_id
  port              = each.value.port
  availability_zone = each.value.availability_zone
}

resource "aws_lb_listener" "this" {
  for_each = local.create_v1 ? var.listeners : {}

  #checkov:skip=CKV_AWS_2:NLB listeners are TCP or TLS only (enforced by var.listeners validation); the check cannot resolve for_each values
  #checkov:skip=CKV_AWS_103:TLS listeners default to ELBSecurityPolicy-TLS13-1-2-2021-06; TCP listeners pass the client's end-to-end TLS through untouched

  load_balancer_arn = aws_lb.this[0].arn
  port              = each.value.port
  protocol          = each.value.protocol
  certificate_arn   = each.value.protocol == "TLS" ? each.value.certificate_arn : null
  ssl_policy        = each.value.protocol == "TLS" ? each.value.ssl_policy : null
  alpn_policy       = each.value.protocol == "TLS" ? each.value.alpn_policy : null

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.value.target_group_key].arn
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = contains(keys(var.target_groups), each.value.target_group_key)
      error_message = "Listener \"${each.key}\" forwards to target_group_key \"${each.value.target_group_key}\", which is not a key of target_groups."
    }
  }
}

resource "aws_api_gateway_vpc_link" "this" {
  count = local.create_v1 ? 1 : 0

  name        = var.name
  description = "aigw: REST API private integrations through the internal NLB ${var.name}"
  target_arns = [aws_lb.this[0].arn]

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.integration_listener_key == null || contains(keys(var.listeners), coalesce(var.integration_listener_key, "-"))
      error_message = "integration_listener_key \"${coalesce(var.integration_listener_key, "-")}\" is not a key of listeners."
    }
  }
}

resource "aws_apigatewayv2_vpc_link" "this" {
  count = local.create_v2 ? 1 : 0

  name               = "${var.name}-alb"
  subnet_ids         = var.v2_subnet_ids
  security_group_ids = var.v2_security_group_ids

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(var.v2_subnet_ids) > 0 && length(var.v2_security_group_ids) > 0
      error_message = "create_vpc_link_v2 = true needs v2_subnet_ids and v2_security_group_ids."
    }
    precondition {
      condition     = var.alb_arn != null && var.alb_integration_uri != null
      error_message = "create_vpc_link_v2 = true needs alb_arn (the ALB's ARN, the integrationTarget) and alb_integration_uri."
    }
  }
}
