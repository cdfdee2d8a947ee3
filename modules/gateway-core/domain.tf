################################################################################
# Optional custom domain
################################################################################

resource "aws_api_gateway_domain_name" "this" {
  count = local.create && var.domain != null ? 1 : 0

  domain_name              = var.domain.domain_name
  regional_certificate_arn = var.domain.certificate_arn
  security_policy          = var.domain.security_policy

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.endpoint_type != "PRIVATE"
      error_message = "domain is a REGIONAL custom domain name, and API Gateway maps a PRIVATE API only to a private custom domain name (endpoint type PRIVATE, with a domain name access association per VPC endpoint), which this module does not create. Set domain = null for endpoint_type = \"PRIVATE\" (clients call the execute-api VPC endpoint), or use endpoint_type = \"REGIONAL\"."
    }
  }
}

resource "aws_api_gateway_base_path_mapping" "this" {
  count = local.create && var.domain != null ? 1 : 0

  api_id      = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  domain_name = aws_api_gateway_domain_name.this[0].domain_name
  base_path   = var.domain.base_path
}

# The domain's name in DNS: an alias of the regional endpoint (optional; without a hosted
# zone the caller points DNS at output domain_regional_domain_name).
resource "aws_route53_record" "domain" {
  count = local.create && local.create_alias_record ? 1 : 0

  zone_id = var.domain.hosted_zone_id
  name    = aws_api_gateway_domain_name.this[0].domain_name
  type    = "A"

  alias {
    name                   = aws_api_gateway_domain_name.this[0].regional_domain_name
    zone_id                = aws_api_gateway_domain_name.this[0].regional_zone_id
    evaluate_target_health = false
  }
}

locals {
  # Known at plan time even when the zone id is not (create_alias_record given).
  create_alias_record = var.domain == null ? false : (
    try(var.domain.create_alias_record, null) != null ? var.domain.create_alias_record : try(var.domain.hosted_zone_id, null) != null
  )
}
