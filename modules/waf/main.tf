locals {
  inspection_limit_bytes = {
    KB_16 = 16384
    KB_32 = 32768
    KB_48 = 49152
    KB_64 = 65536
  }[var.body_inspection_limit]
  default_body_limit = coalesce(var.body_size_limit_bytes, local.inspection_limit_bytes)

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
    route_family  = 1  # +0..8, one counting rule per route family (labels)
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
    body_size     = 80 # requests on no family's path; +1..9 one rule per family
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
        # Body rules only label; the <group>-body rule blocks them by route family.
        keys(lookup(local.managed_body_rules, group, {})),
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
  }
  body_too_large_bodies = merge(
    { aigw_body_too_large = local.default_body_limit },
    { for name, f in local.route_families : "aigw_body_too_large_${name}" => f.limit },
  )
  custom_response_bodies_all = merge(local.custom_response_bodies, {
    for key, limit in local.body_too_large_bodies : key => jsonencode({ error = {
      message = "Request body is larger than the gateway accepts (${limit} bytes)."
      type    = "invalid_request_error"
      code    = "request_too_large"
      param   = null
    } })
  })
  known_bad_count_overrides = sort(distinct(concat(
    keys(local.managed_body_rules.AWSManagedRulesKnownBadInputsRuleSet),
    lookup(var.managed_rule_count_overrides, "AWSManagedRulesKnownBadInputsRuleSet", []),
  )))

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
    for_each = var.enable_custom_responses ? local.custom_response_bodies_all : {}
    content {
      key          = custom_response_body.key
      content      = custom_response_body.value
      content_type = "APPLICATION_JSON"
    }
  }

  # --- route families: label each family's requests (count, never terminates) --------
  dynamic "rule" {
    for_each = local.route_families
    content {
      name     = "route-family-${rule.key}"
      priority = rule.value.label_priority

      action {
        count {}
      }

      rule_label {
        name = rule.value.label
      }

      statement {
        or_statement {
          dynamic "statement" {
            for_each = rule.value.matchers
            content {
              byte_match_statement {
                search_string         = statement.value.value
                positional_constraint = statement.value.constraint
                field_to_match {
                  uri_path {}
                }
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
        metric_name                = "${var.name}-route-family-${rule.key}"
        sampled_requests_enabled   = true
      }
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
  # Requests on no route family's path.
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
      dynamic "size_constraint_statement" {
        for_each = length(local.family_labels) == 0 ? [1] : []
        content {
          comparison_operator = "GT"
          size                = local.default_body_limit
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

      dynamic "and_statement" {
        for_each = length(local.family_labels) > 0 ? [1] : []
        content {
          statement {
            size_constraint_statement {
              comparison_operator = "GT"
              size                = local.default_body_limit
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
          statement {
            not_statement {
              statement {
                dynamic "label_match_statement" {
                  for_each = length(local.family_labels) == 1 ? local.family_labels : []
                  content {
                    scope = "LABEL"
                    key   = label_match_statement.value
                  }
                }
                dynamic "or_statement" {
                  for_each = length(local.family_labels) > 1 ? [local.family_labels] : []
                  content {
                    dynamic "statement" {
                      for_each = or_statement.value
                      content {
                        label_match_statement {
                          scope = "LABEL"
                          key   = statement.value
                        }
                      }
                    }
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
      metric_name                = "${var.name}-body-size-limit"
      sampled_requests_enabled   = true
    }
  }

  # One body-size rule per route family, on that family's label.
  dynamic "rule" {
    for_each = local.route_families
    content {
      name     = "body-size-${rule.key}"
      priority = rule.value.size_priority

      action {
        block {
          dynamic "custom_response" {
            for_each = var.enable_custom_responses ? [1] : []
            content {
              response_code            = 413
              custom_response_body_key = "aigw_body_too_large_${rule.key}"
            }
          }
        }
      }

      statement {
        and_statement {
          statement {
            label_match_statement {
              scope = "LABEL"
              key   = rule.value.label
            }
          }
          statement {
            size_constraint_statement {
              comparison_operator = "GT"
              size                = rule.value.limit
              field_to_match {
                body {
                  oversize_handling = rule.value.oversize
                }
              }
              text_transformation {
                priority = 0
                type     = "NONE"
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-body-size-${rule.key}"
        sampled_requests_enabled   = true
      }
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
          for_each = local.known_bad_count_overrides
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

  # --- managed body rules: block their labels except on exempt route families --------
  dynamic "rule" {
    for_each = { for k, b in local.managed_body_blocks : k => b if length(b.labels) > 0 }
    content {
      name     = rule.key
      priority = rule.value.priority

      action {
        block {}
      }

      statement {
        dynamic "label_match_statement" {
          for_each = length(rule.value.exempt) == 0 && length(rule.value.labels) == 1 ? rule.value.labels : []
          content {
            scope = "LABEL"
            key   = label_match_statement.value
          }
        }
        dynamic "or_statement" {
          for_each = length(rule.value.exempt) == 0 && length(rule.value.labels) > 1 ? [rule.value.labels] : []
          content {
            dynamic "statement" {
              for_each = or_statement.value
              content {
                label_match_statement {
                  scope = "LABEL"
                  key   = statement.value
                }
              }
            }
          }
        }
        dynamic "and_statement" {
          for_each = length(rule.value.exempt) > 0 ? [rule.value] : []
          content {
            statement {
              dynamic "label_match_statement" {
                for_each = length(and_statement.value.labels) == 1 ? and_statement.value.labels : []
                content {
                  scope = "LABEL"
                  key   = label_match_statement.value
                }
              }
              dynamic "or_statement" {
                for_each = length(and_statement.value.labels) > 1 ? [and_statement.value.labels] : []
                content {
                  dynamic "statement" {
                    for_each = or_statement.value
                    content {
                      label_match_statement {
                        scope = "LABEL"
                        key   = statement.value
                      }
                    }
                  }
                }
              }
            }
            statement {
              not_statement {
                statement {
                  dynamic "label_match_statement" {
                    for_each = length(and_statement.value.exempt) == 1 ? and_statement.value.exempt : []
                    content {
                      scope = "LABEL"
                      key   = label_match_statement.value
                    }
                  }
                  dynamic "or_statement" {
                    for_each = length(and_statement.value.exempt) > 1 ? [and_statement.value.exempt] : []
                    content {
                      dynamic "statement" {
                        for_each = or_statement.value
                        content {
                          label_match_statement {
                            scope = "LABEL"
                            key   = statement.value
                          }
                        }
                      }
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
      condition     = local.default_body_limit <= local.inspection_limit_bytes
      error_message = "body_size_limit_bytes (${local.default_body_limit}) is larger than body_inspection_limit ${var.body_inspection_limit} (${local.inspection_limit_bytes} bytes): WAF cannot measure a body beyond what it receives. Raise body_inspection_limit or lower body_size_limit_bytes."
    }
    precondition {
      condition     = length(local.families_over_window) == 0
      error_message = "route_families ${join(", ", local.families_over_window)}: body_size_limit_bytes is larger than body_inspection_limit ${var.body_inspection_limit} (${local.inspection_limit_bytes} bytes): WAF cannot measure a body beyond what it receives. Raise body_inspection_limit, lower the limit, or set it to null (the window)."
    }
    precondition {
      condition     = length(local.incoherent_families) == 0
      error_message = "route_families ${join(", ", local.incoherent_families)}: oversize_handling NO_MATCH with a body_size_limit_bytes below the inspection window (${local.inspection_limit_bytes} bytes) would block bodies between the two sizes and let larger ones through. Use oversize_handling MATCH, or body_size_limit_bytes null (the window)."
    }
    precondition {
      condition     = length(local.overlapping_prefixes) == 0
      error_message = "route_families overlap (family prefix / family prefix): ${join("; ", local.overlapping_prefixes)}. Each path belongs to one family."
    }
  }
}
