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

    # Per-method throttles per API key ("/<resource path>/<METHOD>"), capped at the tier's
    # own: the plan-level limit applies to every key anyway.
    dynamic "throttle" {
      for_each = each.value.throttle != null ? local.route_throttles : {}

      content {
        path        = throttle.key
        rate_limit  = min(throttle.value.rate_limit, each.value.throttle.rate_limit)
        burst_limit = min(throttle.value.burst_limit, each.value.throttle.burst_limit)
      }
    }
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

  lifecycle {
    precondition {
      condition     = each.value.throttle != null || length(local.route_throttles) == 0
      error_message = "Tier ${each.key} has no throttle, but route(s) ${join(", ", sort([for k, r in var.routes : k if r.throttle != null && local.route_settings[k].api_key_required]))} set one: API Gateway refuses per-method throttles in a usage plan without a plan throttle (\"Can not define fine grain throttling if usage plan throttle is not defined\"). Give tier ${each.key} a throttle { rate_limit, burst_limit }."
    }
  }
}

locals {
  # Route throttles keyed by the usage plan's method path: "/v1/ai/sentiment/POST". Only
  # methods that require a key: a plan meters API keys, and a method without one (public,
  # or AWS_IAM with api_key_source = AUTHORIZER) is limited by its stage throttle alone.
  route_throttles = {
    for k, r in var.routes : "${trimsuffix(r.path, "/")}/${upper(r.method)}" => r.throttle
    if r.throttle != null && local.route_settings[k].api_key_required
  }
}
