locals {
  inspection_limit_bytes = {
    KB_16 = 16384
    KB_32 = 32768
    KB_48 = 49152
    KB_64 = 65536
  }[var.body_inspection_limit]

  # Canonical CIDRs split by address family (one IP set per family).
  allow_cidrs = {
    IPV4 = distinct([for c in var.ip_allowlist : cidrsubnet(c, 0, 0) if !strcontains(c, ":")])
    IPV6 = distinct([for c in var.ip_allowlist : cidrsubnet(c, 0, 0) if strcontains(c, ":")])
  }
  deny_cidrs = {
    IPV4 = distinct([for c in var.ip_denylist : cidrsubnet(c, 0, 0) if !strcontains(c, ":")])
    IPV6 = distinct([for c in var.ip_denylist : cidrsubnet(c, 0, 0) if strcontains(c, ":")])
  }
  ip_sets = merge(
    { for family, cidrs in local.allow_cidrs : "allow-${lower(family)}" => { family = family, cidrs = cidrs, kind = "allow" } if length(cidrs) > 0 },
    { for family, cidrs in local.deny_cidrs : "deny-${lower(family)}" => { family = family, cidrs = cidrs, kind = "deny" } if length(cidrs) > 0 },
  )
  allow_set_keys = sort([for k, v in local.ip_sets : k if v.kind == "allow"])
  deny_set_keys  = sort([for k, v in local.ip_sets : k if v.kind == "deny"])

  # Rule priorities: cheap, decisive rules first; managed groups last.
  priority = {
    ip_denylist   = 10 # +0 IPv4, +1 IPv6
    ip_allowlist  = 20
    geo_block     = 30
    geo_allow     = 31
    rate_ip       = 40
    rate_cred     = 50
    ip_reputation = 60
    anonymous_ip  = 70
    common        = 90
    known_bad     = 100
    sqli          = 110
    bot_control   = 120
    body_size     = 80
  }

  managed_groups_all = {
    AWSManagedRulesAmazonIpReputationList = { priority = local.priority.ip_reputation, enabled = var.enable_ip_reputation }
    AWSManagedRulesAnonymousIpList        = { priority = local.priority.anonymous_ip, enabled = var.enable_anonymous_ip_list }
    AWSManagedRulesCommonRuleSet          = { priority = local.priority.common, enabled = var.enable_common_rule_set }
    AWSManagedRulesSQLiRuleSet            = { priority = local.priority.sqli, enabled = var.enable_sqli_rule_set }
    AWSManagedRulesBotControlRuleSet      = { priority = local.priority.bot_control, enabled = var.enable_bot_control }
  }
  managed_groups = {
    for group, g in local.managed_groups_all : group => {
      priority = g.priority
      count_overrides = sort(distinct(concat(
        group == "AWSManagedRulesCommonRuleSet" ? ["SizeRestrictions_BODY"] : [],
        group == "AWSManagedRulesBotControlRuleSet" ? var.bot_control_count_rules : [],
        lookup(var.managed_rule_count_overrides, group, []),
      )))
    } if g.enabled
  }

  # OpenAI-shaped error bodies returned by WAF itself (the gateway's WAF_FILTERED
  # gateway response covers plain blocks).
  custom_response_bodies = {
    aigw_rate_limited = jsonencode({ error = {
      message = "Too many requests from this client. Retry after a short wait."
      type    = "rate_limit_error"
      code    = "rate_limit_exceeded"
      param   = null
    } })
    aigw_body_too_large = jsonencode({ error = {
      message = "Request body is larger than the gateway accepts (${var.body_size_limit_bytes} bytes)."
      type    = "invalid_request_error"
      code    = "request_too_large"
      param   = null
    } })
  }

  rate_rules = merge(
    var.rate_limit_per_ip == null ? {} : {
      rate-per-ip = {
        priority = local.priority.rate_ip
        limit    = var.rate_limit_per_ip.limit
        window   = var.rate_limit_per_ip.window_seconds
        header   = null
      }
    },
    var.rate_limit_per_credential == null ? {} : {
      rate-per-credential = {
        priority = local.priority.rate_cred
        limit    = var.rate_limit_per_credential.limit
        window   = var.rate_limit_per_credential.window_seconds
        header   = var.rate_limit_per_credential.header_name
      }
    },
  )

  geo_rules = merge(
    length(var.geo_block_country_codes) == 0 ? {} : {
      geo-block = { priority = local.priority.geo_block, codes = sort(distinct(var.geo_block_country_codes)), negate = false }
    },
    length(var.geo_allow_country_codes) == 0 ? {} : {
      geo-allow-only = { priority = local.priority.geo_allow, codes = sort(distinct(var.geo_allow_country_codes)), negate = true }
    },
  )
}

resource "aws_wafv2_ip_set" "this" {
  for_each = var.create ? local.ip_sets : {}

  name               = "${var.name}-${each.key}"
  description        = "aigw ${each.value.kind} list (${each.value.family})"
  scope              = "REGIONAL"
  ip_address_version = each.value.family
  addresses          = each.value.cidrs

  tags = var.tags
}

resource "aws_wafv2_web_acl" "this" {
  count = var.create ? 1 : 0

  name        = var.name
  description = var.description
  scope       = "REGIONAL"

  default_action {
    dynamic "allow" {
      for_each = var.default_action == "allow" ? [1] : []
      content {}
    }
    dynamic "block" {
      for_each = var.default_action == "block" ? [1] : []
      content {}
    }
  }

  association_config {
    request_body {
      api_gateway {
        default_size_inspection_limit = var.body_inspection_limit
      }
    }
  }

  dynamic "custom_response_body" {
    for_each = var.enable_custom_responses ? local.custom_response_bodies : {}
    content {
      key          = custom_response_body.key
      content      = custom_response_body.value
      content_type = "APPLICATION_JSON"
    }
  }

  # --- IP deny list: one rule per address family --------------------------------
  dynamic "rule" {
    for_each = { for i, k in local.deny_set_keys : k => i }
    content {
      name     = "ip-${rule.key}list"
      priority = local.priority.ip_denylist + rule.value

      action {
        block {}
      }

      statement {
        ip_set_reference_statement {
          arn = aws_wafv2_ip_set.this[rule.key].arn
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-ip-${rule.key}list"
        sampled_requests_enabled   = true
      }
    }
  }

  # --- IP allow list: block everything not in it ----------------------------------
  dynamic "rule" {
    for_each = length(local.allow_set_keys) > 0 ? ["ip-allowlist"] : []
    content {
      name     = rule.value
      priority = local.priority.ip_allowlist

      action {
        block {}
      }

      statement {
        not_statement {
          statement {
            dynamic "ip_set_reference_statement" {
              for_each = length(local.allow_set_keys) == 1 ? local.allow_set_keys : []
              content {
                arn = aws_wafv2_ip_set.this[ip_set_reference_statement.value].arn
              }
            }
            dynamic "or_statement" {
              for_each = length(local.allow_set_keys) > 1 ? [1] : []
              content {
                dynamic "statement" {
                  for_each = local.allow_set_keys
                  content {
                    ip_set_reference_statement {
                      arn = aws_wafv2_ip_set.this[statement.value].arn
                    }
                  }
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.value}"
        sampled_requests_enabled   = true
      }
    }
  }

  # --- geo match --------------------------------------------------------------------
  dynamic "rule" {
    for_each = local.geo_rules
    content {
      name     = rule.key
      priority = rule.value.priority

      action {
        block {}
      }

      statement {
        dynamic "geo_match_statement" {
          for_each = rule.value.negate ? [] : [1]
          content {
            country_codes = rule.value.codes
          }
        }
        dynamic "not_statement" {
          for_each = rule.value.negate ? [1] : []
          content {
            statement {
              geo_match_statement {
                country_codes = rule.value.codes
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  # --- rate-based rules (per IP, per credential header) -------------------------------
  dynamic "rule" {
    for_each = local.rate_rules
    content {
      name     = rule.key
      priority = rule.value.priority

      action {
        block {
          dynamic "custom_response" {
            for_each = var.enable_custom_responses ? [1] : []
            content {
              response_code            = 429
              custom_response_body_key = "aigw_rate_limited"
            }
          }
        }
      }

      statement {
        rate_based_statement {
          limit                 = rule.value.limit
          evaluation_window_sec = rule.value.window
          aggregate_key_type    = rule.value.header == null ? "IP" : "CUSTOM_KEYS"

          dynamic "custom_key" {
            for_each = rule.value.header == null ? [] : [rule.value.header]
            content {
              header {
                name = custom_key.value
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  # --- body size: replaces the common rule set's 8 KB SizeRestrictions_BODY -------------
  rule {
    name     = "body-size-limit"
    priority = local.priority.body_size

    action {
      block {
        dynamic "custom_response" {
          for_each = var.enable_custom_responses ? [1] : []
          content {
            response_code            = 413
            custom_response_body_key = "aigw_body_too_large"
          }
        }
      }
    }

    statement {
      size_constraint_statement {
        comparison_operator = "GT"
        size                = var.body_size_limit_bytes

        field_to_match {
          body {
            oversize_handling = var.body_oversize_handling
          }
        }

        text_transformation {
          priority = 0
          type     = "NONE"
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-body-size-limit"
      sampled_requests_enabled   = true
    }
  }

  # --- KnownBadInputs: always on (Log4j / CVE-2021-44228 and other exploit payloads) ---
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = local.priority.known_bad

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
        version     = lookup(var.managed_rule_group_versions, "AWSManagedRulesKnownBadInputsRuleSet", null)

        dynamic "rule_action_override" {
          for_each = sort(distinct(lookup(var.managed_rule_count_overrides, "AWSManagedRulesKnownBadInputsRuleSet", [])))
          content {
            name = rule_action_override.value
            action_to_use {
              count {}
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesKnownBadInputsRuleSet"
      sampled_requests_enabled   = true
    }
  }

  # --- other AWS managed rule groups ---------------------------------------------------
  dynamic "rule" {
    for_each = local.managed_groups
    content {
      name     = rule.key
      priority = rule.value.priority

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          name        = rule.key
          vendor_name = "AWS"
          version     = lookup(var.managed_rule_group_versions, rule.key, null)

          dynamic "rule_action_override" {
            for_each = rule.value.count_overrides
            content {
              name = rule_action_override.value
              action_to_use {
                count {}
              }
            }
          }

          dynamic "managed_rule_group_configs" {
            for_each = rule.key == "AWSManagedRulesBotControlRuleSet" ? [1] : []
            content {
              aws_managed_rules_bot_control_rule_set {
                inspection_level = var.bot_control_inspection_level
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.body_size_limit_bytes <= local.inspection_limit_bytes
      error_message = "body_size_limit_bytes (${var.body_size_limit_bytes}) is larger than body_inspection_limit ${var.body_inspection_limit} (${local.inspection_limit_bytes} bytes): WAF cannot measure a body beyond what it receives. Raise body_inspection_limit or lower body_size_limit_bytes."
    }
  }
}
