output "web_acl_arn" {
  description = "ARN of the web ACL; pass it to gateway-core's web_acl_arn."
  value       = try(aws_wafv2_web_acl.this[0].arn, null)
}

output "web_acl_id" {
  description = "ID of the web ACL."
  value       = try(aws_wafv2_web_acl.this[0].id, null)
}

output "web_acl_name" {
  description = "Name of the web ACL (the WebACL dimension of the AWS/WAFV2 metrics); known at plan time."
  value       = var.create ? var.name : null
}

output "web_acl_metric_name" {
  description = "CloudWatch metric name of the web ACL's default visibility config."
  value       = var.create ? var.name : null
}

output "web_acl_capacity" {
  description = "Web ACL capacity units used by the rules."
  value       = try(aws_wafv2_web_acl.this[0].capacity, null)
}

output "rule_metric_names" {
  description = "CloudWatch metric name (the Rule dimension of AWS/WAFV2 metrics) of every rule, by rule name."
  value = var.create ? merge(
    { for k in local.deny_set_keys : "ip-${k}list" => "${var.name}-ip-${k}list" },
    length(local.allow_set_keys) > 0 ? { "ip-allowlist" = "${var.name}-ip-allowlist" } : {},
    { for k, _ in local.geo_rules : k => "${var.name}-${k}" },
    { for k, _ in local.rate_rules : k => "${var.name}-${k}" },
    { for k, _ in local.route_families : "route-family-${k}" => "${var.name}-route-family-${k}" },
    { "body-size-limit" = "${var.name}-body-size-limit" },
    { for k, _ in local.route_families : "body-size-${k}" => "${var.name}-body-size-${k}" },
    { "AWSManagedRulesKnownBadInputsRuleSet" = "${var.name}-AWSManagedRulesKnownBadInputsRuleSet" },
    { for k, _ in local.managed_groups : k => "${var.name}-${k}" },
    { for k, b in local.managed_body_blocks : k => "${var.name}-${k}" if length(b.labels) > 0 },
  ) : {}
}

output "route_families" {
  description = "What the web ACL applies per route family: its label, body-size limit in bytes, oversize handling, whether the managed body rules block on its paths, and the URI matches (EXACTLY / STARTS_WITH)."
  value = var.create ? {
    for name, f in local.route_families : name => {
      label                           = f.label
      body_size_limit_bytes           = f.limit
      oversize_handling               = f.oversize
      inspect_body_with_managed_rules = f.inspect_body
      uri_matches                     = f.matchers
    }
  } : {}
}

output "log_group_name" {
  description = "Name of the WAF log group (aws-waf-logs-<name>), or null when logging is off."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "log_group_arn" {
  description = "ARN of the WAF log group, or null when logging is off."
  value       = try(aws_cloudwatch_log_group.this[0].arn, null)
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the WAF log group (created or supplied)."
  value       = var.create && var.enable_logging ? local.kms_key_arn : null
}

output "ip_set_arns" {
  description = "ARNs of the IP sets the module created, by key (allow-ipv4, allow-ipv6, deny-ipv4, deny-ipv6)."
  value       = { for k, s in aws_wafv2_ip_set.this : k => s.arn }
}

output "managed_rule_groups" {
  description = "The AWS managed rule groups the web ACL runs, by name: the static version it pins (null: the group's default version) and the rules switched to count (body rules always count and are blocked by the `<group>-body` rules except on exempt route families)."
  value = var.create ? merge(
    {
      AWSManagedRulesKnownBadInputsRuleSet = {
        version         = lookup(var.managed_rule_group_versions, "AWSManagedRulesKnownBadInputsRuleSet", null)
        count_overrides = local.known_bad_count_overrides
      }
    },
    { for group, g in local.managed_groups : group => {
      version         = lookup(var.managed_rule_group_versions, group, null)
      count_overrides = g.count_overrides
    } },
  ) : {}
}
