locals {
  nlb_dns_name = try(aws_lb.this[0].dns_name, null)

  # One integration object (the route contract's `integration` attribute) per listener.
  integrations = local.create_v1 ? {
    for k, l in var.listeners : k => {
      type               = "HTTP_PROXY"
      uri                = try(format("%s://%s:%d%s", l.protocol == "TLS" ? "https" : "http", coalesce(var.integration_host, local.nlb_dns_name), l.port, var.integration_base_path), null)
      credentials        = null
      transfer_mode      = "BUFFERED"
      timeout_ms         = var.integration_timeout_ms
      connection_id      = try(aws_api_gateway_vpc_link.this[0].id, null)
      request_templates  = {}
      response_templates = {}
    }
  } : {}

  alb_integration = local.create_v2 ? {
    type               = "HTTP_PROXY"
    uri                = var.alb_integration_uri
    credentials        = null
    transfer_mode      = "BUFFERED"
    timeout_ms         = var.integration_timeout_ms
    connection_id      = try(aws_apigatewayv2_vpc_link.this[0].id, null)
    request_templates  = {}
    response_templates = {}
    integration_target = var.alb_arn
  } : null
}

output "connection_id" {
  description = "ID of the v1 VPC link (connectionId of VPC_LINK integrations through the NLB)."
  value       = try(aws_api_gateway_vpc_link.this[0].id, null)
}

output "vpc_link_v1_arn" {
  description = "ARN of the v1 VPC link."
  value       = try(aws_api_gateway_vpc_link.this[0].arn, null)
}

output "nlb_arn" {
  description = "ARN of the internal NLB."
  value       = try(aws_lb.this[0].arn, null)
}

output "nlb_dns_name" {
  description = "DNS name of the internal NLB."
  value       = local.nlb_dns_name
}

output "nlb_zone_id" {
  description = "Route 53 hosted zone ID of the NLB (for an alias record matching the TLS certificate)."
  value       = try(aws_lb.this[0].zone_id, null)
}

output "target_group_arns" {
  description = "Target group ARNs by key."
  value       = { for k, tg in aws_lb_target_group.this : k => tg.arn }
}

output "listener_arns" {
  description = "NLB listener ARNs by key."
  value       = { for k, l in aws_lb_listener.this : k => l.arn }
}

output "integration" {
  description = "Ready `integration` object for a route spec (HTTP_PROXY over the v1 VPC link to the listener integration_listener_key). Route modules may merge() a longer uri path into it."
  value       = lookup(local.integrations, local.integration_listener_key, null)
}

output "integrations" {
  description = "`integration` objects for every NLB listener, by listener key."
  value       = local.integrations
}

output "vpc_link_v2_id" {
  description = "ID of the v2 VPC link to the ALB (connectionId of integrations using integrationTarget)."
  value       = try(aws_apigatewayv2_vpc_link.this[0].id, null)
}

output "integration_target" {
  description = "The ALB's ARN for the OpenAPI integrationTarget field of the v2 link integration; null without the v2 link."
  value       = local.create_v2 ? var.alb_arn : null
}

output "alb_integration" {
  description = "Ready `integration` object for routes to the ALB over the v2 link; carries the extra attribute integration_target (the ALB's ARN) that gateway-core renders as integrationTarget."
  value       = local.alb_integration
}
