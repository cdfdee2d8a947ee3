################################################################################
# Usage plans (one per tier); tenants' API keys are attached by onboarding
################################################################################

resource "aws_api_gateway_usage_plan" "this" {
  for_each = local.create ? var.tiers : {}

  name        = "${var.name}-${each.key}"
  description = coalesce(each.value.description, "Tier ${each.key} of ${var.name}")

  api_stages {
    api_id = aws_api_gateway_rest_api.this[0].id
    stage  = aws_api_gateway_stage.this[0].stage_name
  }

  dynamic "throttle_settings" {
    for_each = each.value.throttle != null ? [each.value.throttle] : []

    content {
      rate_limit  = throttle_settings.value.rate_limit
      burst_limit = throttle_settings.value.burst_limit
    }
  }

  dynamic "quota_settings" {
    for_each = each.value.quota != null ? [each.value.quota] : []

    content {
      limit  = quota_settings.value.limit
      period = quota_settings.value.period
      offset = quota_settings.value.offset
    }
  }

  tags = var.tags
}
