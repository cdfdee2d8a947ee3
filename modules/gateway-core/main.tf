locals {
  create = var.create

  associate_web_acl = var.associate_web_acl != null ? var.associate_web_acl : var.web_acl_arn != null

  cached_routes = { for k, r in var.routes : k => r if try(r.cache.enabled, false) }
  # Routes with their own stage throttle and no cache (cached routes carry theirs).
  throttled_routes = { for k, r in var.routes : k => r if r.throttle != null && !try(r.cache.enabled, false) }
  # A method's key in the stage's method settings: the resource path with every slash
  # escaped as ~1 (UpdateStage paths are JSON pointers), then the method. GetStage returns
  # this key, and a plain-slash path is stored but applies to no method (ADR 0151).
  method_setting_paths = { for k, r in var.routes : k => "${replace(r.path, "/", "~1")}/${upper(r.method)}" }
  # AWS service integrations (not Lambda) that convert their answer to binary: a service
  # such as Polly returns raw bytes, which CONVERT_TO_BINARY base64-decodes unless the API
  # has binary media types. (A Lambda or HTTP back end may return base64 text on purpose.)
  binary_routes = sort([
    for k, r in var.routes : k
    if r.integration.type == "AWS" && !strcontains(coalesce(r.integration.uri, "-"), ":lambda:path/") && anytrue([for resp in values(r.integration.responses) : resp.content_handling == "CONVERT_TO_BINARY"])
  ])

  # Integration limits API Gateway enforces and the sandbox does not.
  streamed_routes     = sort([for k, r in local.route_settings : k if r.streaming])
  buffered_over_quota = { for k, r in local.route_settings : k => r.timeout_ms if !r.streaming && r.timeout_ms > var.integration_timeout_quota_ms }

  private_api_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowInvokeThroughVpcEndpoints"
        Effect    = "Allow"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
      },
      {
        Sid       = "DenyOutsideVpcEndpoints"
        Effect    = "Deny"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = {
          StringNotEquals = {
            "aws:SourceVpce" = var.vpc_endpoint_ids
          }
        }
      },
    ]
  })

  # AWS_IAM routes that ask for a usage-plan key no caller can supply (ADR 0146).
  iam_routes_without_key_source = sort([
    for k, r in var.routes : k
    if r.auth == "AWS_IAM" && r.api_key_required == true && var.api_key_source == "AUTHORIZER"
  ])

  # A given policy of a PRIVATE API must tie invocations to VPC endpoints or VPCs: the
  # condition keys, anywhere in the document (a coarse but plan-time check).
  given_policy_names_vpc = var.resource_policy != null && can(regex("(?i)\"aws:sourcevpce?\"", var.resource_policy))

  rest_api_policy = (
    var.resource_policy != null ? var.resource_policy :
    var.endpoint_type == "PRIVATE" ? local.private_api_policy : null
  )
}

################################################################################
# REST API (one OpenAPI document) and its deployment
################################################################################

resource "aws_api_gateway_rest_api" "this" {
  count = local.create ? 1 : 0

  name        = var.name
  description = var.description
  body        = local.openapi_document
  # Mirrors the document's extensions (the argument wins over the document when both are set).
  api_key_source               = var.api_key_source
  binary_media_types           = local.binary_media_types
  minimum_compression_size     = var.minimum_compression_size != null ? tostring(var.minimum_compression_size) : null
  disable_execute_api_endpoint = var.disable_execute_api_endpoint
  policy                       = local.rest_api_policy
  put_rest_api_mode            = "overwrite"
  fail_on_warnings             = var.fail_on_warnings

  endpoint_configuration {
    types            = [var.endpoint_type]
    vpc_endpoint_ids = var.endpoint_type == "PRIVATE" ? var.vpc_endpoint_ids : null
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = !local.uses_custom_auth || var.authorizer != null
      error_message = "Route(s) ${join(", ", [for k, r in var.routes : k if r.auth == "CUSTOM"])} use auth = \"CUSTOM\" but no authorizer was given: pass the authorizer module's output as var.authorizer."
    }
    precondition {
      condition     = length(local.iam_routes_without_key_source) == 0
      error_message = "AWS_IAM route(s) ${join(", ", local.iam_routes_without_key_source)} set api_key_required = true, but with api_key_source = \"AUTHORIZER\" only a Lambda authorizer supplies the usage-plan key and a SigV4-signed request passes none: every call would be refused with 403 Forbidden. Leave api_key_required unset (IAM routes then need no key and are limited by the stage and route throttles), or set api_key_source = \"HEADER\" so the caller sends x-api-key."
    }
    precondition {
      condition     = var.endpoint_type != "PRIVATE" || length(var.vpc_endpoint_ids) > 0
      error_message = "endpoint_type = \"PRIVATE\" needs at least one execute-api VPC endpoint id in vpc_endpoint_ids."
    }
    precondition {
      condition     = var.endpoint_type != "PRIVATE" || var.resource_policy == null || local.given_policy_names_vpc
      error_message = "endpoint_type = \"PRIVATE\" with a given resource_policy: the policy names neither aws:SourceVpce nor aws:SourceVpc, so any VPC endpoint, in any account, that the policy's principals reach could invoke the API. Restrict execute-api:Invoke to your VPC endpoints (a Deny with StringNotEquals on aws:SourceVpce, as the module's generated policy does), or leave resource_policy = null to get that policy for vpc_endpoint_ids."
    }
    precondition {
      condition     = var.endpoint_type == "PRIVATE" || length(var.vpc_endpoint_ids) == 0
      error_message = "vpc_endpoint_ids apply only to endpoint_type = \"PRIVATE\" (endpoint_type is ${var.endpoint_type}): set endpoint_type = \"PRIVATE\" or leave vpc_endpoint_ids empty."
    }
    precondition {
      condition     = local.kms_key_arn != null
      error_message = "create_kms_key = false needs kms_key_arn: the log groups are always KMS-encrypted."
    }
    precondition {
      condition     = var.web_acl_arn != null || !local.associate_web_acl
      error_message = "associate_web_acl = true needs web_acl_arn."
    }
    precondition {
      condition     = length(local.binary_routes) == 0 || length(local.binary_media_types) > 0
      error_message = "AWS service route(s) ${join(", ", local.binary_routes)} convert the service's answer to binary (content_handling = \"CONVERT_TO_BINARY\") but the API has no binary media types: API Gateway would base64-decode the service's raw bytes. List the answer's media types in the route's binary_media_types (or var.binary_media_types)."
    }
    precondition {
      condition     = length(local.buffered_over_quota) == 0
      error_message = "Buffered route(s) ${join(", ", [for k, t in local.buffered_over_quota : "${k} (${t} ms)"])} wait longer than the integration timeout quota (integration_timeout_quota_ms = ${var.integration_timeout_quota_ms}): API Gateway refuses the deployment. Lower integration.timeout_ms / default_timeout_ms, stream the route (transfer_mode = \"STREAM\"), or request the quota increase and then set integration_timeout_quota_ms."
    }
  }
}

# Response compression (minimum_compression_size) does not apply to streamed responses:
# API Gateway sends them as the integration produced them. A warning, not an error: the
# buffered routes of the same API are still compressed.
check "compression_skips_streamed_routes" {
  assert {
    condition     = var.minimum_compression_size == null || length(local.streamed_routes) == 0
    error_message = "minimum_compression_size does not apply to streamed route(s) ${join(", ", local.streamed_routes)}: API Gateway does not compress STREAM responses (compress in the integration if needed). Buffered routes are compressed."
  }
}

resource "aws_api_gateway_deployment" "this" {
  count = local.create ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  # The deployment the stage serves. During a canary release it keeps the pinned base's
  # triggers (release.tf), so Terraform neither replaces nor deletes it while it is in use.
  description = "Deployment of ${var.name} (document sha1 ${local.stage_deployment_triggers.redeployment})"
  triggers    = local.stage_deployment_triggers

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Stage
################################################################################

resource "aws_api_gateway_stage" "this" {
  count = local.create ? 1 : 0

  #checkov:skip=CKV2_AWS_51:client certificates authenticate API Gateway to HTTP back ends; clients authenticate through the authorizer
  #checkov:skip=CKV_AWS_120:the stage cache is enabled only when a route asks for it (streaming and per-tenant LLM responses must not be cached)
  #checkov:skip=CKV2_AWS_29:the WAF association is optional in the module (set web_acl_arn); the environments always set it
  #checkov:skip=CKV2_AWS_77:the web ACL is built by modules/waf, whose KnownBadInputs rule group carries the Log4j rules

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  # During a canary release on a pinned base the stage serves the base (release.tf).
  deployment_id        = local.stage_deployment_id
  stage_name           = var.stage_name
  description          = "Stage ${var.stage_name} of ${var.name}"
  xray_tracing_enabled = var.xray_tracing_enabled
  variables            = length(var.stage_variables) > 0 ? var.stage_variables : null

  cache_cluster_enabled = length(local.cached_routes) > 0
  cache_cluster_size    = length(local.cached_routes) > 0 ? var.cache_cluster_size : null

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access[0].arn
    format          = local.access_log_format
  }

  dynamic "canary_settings" {
    for_each = local.canary_settings

    content {
      deployment_id            = local.canary_deployment_id
      percent_traffic          = canary_settings.value.percent_traffic
      stage_variable_overrides = canary_settings.value.stage_variable_overrides
      use_stage_cache          = canary_settings.value.use_stage_cache
    }
  }

  tags = var.tags

  depends_on = [
    module.account_cloudwatch_role,
    aws_cloudwatch_log_group.execution,
  ]

  lifecycle {
    precondition {
      condition     = !var.require_account_cloudwatch_role || var.create_account_cloudwatch_role || var.account_cloudwatch_role_arn != null
      error_message = "The stage writes access logs (and execution logs at logging_level ${var.logging_level}), which API Gateway accepts only when the account's CloudWatch Logs role is set for this account and region; a fresh account or region fails with \"CloudWatch Logs role ARN must be set in account settings to enable logging\". Terraform cannot read that setting at plan time, so name who owns it: set account_cloudwatch_role_arn to the role envs/_bootstrap created (its output account_cloudwatch_role_arn; `make bootstrap ENV=<env>`) or another stack set, or create_account_cloudwatch_role = true to let this stack own the account setting."
    }
    precondition {
      condition     = !(var.create_account_cloudwatch_role && var.account_cloudwatch_role_arn != null)
      error_message = "Set either create_account_cloudwatch_role = true (this stack owns the account's CloudWatch Logs role) or account_cloudwatch_role_arn (another stack owns it), not both."
    }
  }
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:caching is enabled per route (aws_api_gateway_method_settings.cached); LLM answers are per tenant and must not be cached stage-wide

  count = local.create ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = var.metrics_enabled
    logging_level          = var.logging_level
    data_trace_enabled     = var.data_trace_enabled
    throttling_rate_limit  = try(var.default_throttle.rate_limit, null)
    throttling_burst_limit = try(var.default_throttle.burst_limit, null)
    caching_enabled        = false
  }
}

# Caching only where a route asks for it (ADR 0143); always encrypted, and a client's
# Cache-Control: max-age=0 invalidates an entry only with execute-api:InvalidateCache
# (CKV_AIGW_27), which the authorizer's policies never grant.
resource "aws_api_gateway_method_settings" "cached" {
  for_each = local.create && var.enable_cached_method_settings ? local.cached_routes : {}

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = local.method_setting_paths[each.key]

  settings {
    metrics_enabled                            = var.metrics_enabled
    logging_level                              = var.logging_level
    data_trace_enabled                         = var.data_trace_enabled
    throttling_rate_limit                      = try(coalesce(each.value.throttle, var.default_throttle).rate_limit, null)
    throttling_burst_limit                     = try(coalesce(each.value.throttle, var.default_throttle).burst_limit, null)
    caching_enabled                            = true
    cache_data_encrypted                       = true
    cache_ttl_in_seconds                       = each.value.cache.ttl_seconds
    require_authorization_for_cache_control    = true
    unauthorized_cache_control_header_strategy = var.unauthorized_cache_control_header_strategy
  }

  depends_on = [aws_api_gateway_method_settings.all]
}

# A route's own throttle (route spec `throttle`) for all its callers; it overrides the
# stage default of aws_api_gateway_method_settings.all for that method.
resource "aws_api_gateway_method_settings" "throttled" {
  #checkov:skip=CKV_AWS_225:caching is enabled per route (aws_api_gateway_method_settings.cached); these routes ask for none

  for_each = local.create ? local.throttled_routes : {}

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = local.method_setting_paths[each.key]

  settings {
    metrics_enabled        = var.metrics_enabled
    logging_level          = var.logging_level
    data_trace_enabled     = var.data_trace_enabled
    throttling_rate_limit  = each.value.throttle.rate_limit
    throttling_burst_limit = each.value.throttle.burst_limit
    caching_enabled        = false
  }

  depends_on = [aws_api_gateway_method_settings.all]
}

################################################################################
# WAF
################################################################################

resource "aws_wafv2_web_acl_association" "this" {
  count = local.create && local.associate_web_acl ? 1 : 0

  resource_arn = aws_api_gateway_stage.this[0].arn
  web_acl_arn  = var.web_acl_arn
}
