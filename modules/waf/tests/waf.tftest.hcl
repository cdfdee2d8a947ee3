mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-aigw-test"
    }
  }
}

variables {
  name = "aigw-test"
  tags = { project = "aigw" }
}

run "defaults_carry_the_security_baseline" {
  command = apply

  assert {
    condition     = aws_wafv2_web_acl.this[0].scope == "REGIONAL"
    error_message = "The web ACL must be REGIONAL (API Gateway stages)."
  }

  assert {
    condition     = contains([for r in aws_wafv2_web_acl.this[0].rule : r.name], "AWSManagedRulesKnownBadInputsRuleSet")
    error_message = "KnownBadInputs must be present by default."
  }

  assert {
    condition = alltrue([for g in ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList"] :
    contains([for r in aws_wafv2_web_acl.this[0].rule : r.name], g)])
    error_message = "Common, SQLi and IP reputation rule groups must be present by default."
  }

  assert {
    condition     = !anytrue([for r in aws_wafv2_web_acl.this[0].rule : contains(["AWSManagedRulesAnonymousIpList", "AWSManagedRulesBotControlRuleSet"], r.name)])
    error_message = "AnonymousIpList and Bot Control are opt-in."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule :
      [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name if length(o.action_to_use[0].count) == 1]
    if r.name == "AWSManagedRulesCommonRuleSet"]) == ["CrossSiteScripting_BODY", "EC2MetaDataSSRF_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "SizeRestrictions_BODY"]
    error_message = "The common rule set counts its body rules (they label) and SizeRestrictions_BODY, and nothing else by default."
  }

  assert {
    condition = toset(flatten([for r in aws_wafv2_web_acl.this[0].rule : [for o in r.statement[0].or_statement[0].statement : o.label_match_statement[0].key]
      if r.name == "AWSManagedRulesCommonRuleSet-body" && anytrue([for a in r.action : length(a.block) == 1])])) == toset([
      "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body",
      "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body",
      "awswaf:managed:aws:core-rule-set:GenericLFI_Body",
      "awswaf:managed:aws:core-rule-set:GenericRFI_Body",
    ])
    error_message = "Without route families, the counted body rules of the common rule set still block everywhere through their labels."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].size_constraint_statement[0].size
    if r.name == "body-size-limit"]) == 65536
    error_message = "The body-size rule must block bodies larger than 64 KiB by default."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].size_constraint_statement[0].field_to_match[0].body[0].oversize_handling
    if r.name == "body-size-limit"]) == "MATCH"
    error_message = "Bodies WAF cannot inspect in full must be blocked by default (oversize_handling = MATCH)."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.action[0].block[0].custom_response[0].response_code
    if r.name == "body-size-limit"]) == 413
    error_message = "Oversized bodies must get a 413."
  }

  assert {
    condition     = aws_wafv2_web_acl.this[0].association_config[0].request_body[0].api_gateway[0].default_size_inspection_limit == "KB_64"
    error_message = "The API Gateway body inspection limit must default to KB_64."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].rate_based_statement[0].aggregate_key_type
    if r.name == "rate-per-ip"]) == "IP"
    error_message = "A per-IP rate rule must exist by default."
  }

  assert {
    condition     = alltrue([for h in ["authorization", "x-api-key"] : contains([for f in aws_wafv2_web_acl_logging_configuration.this[0].redacted_fields : f.single_header[0].name], h)])
    error_message = "WAF logs must redact the authorization and x-api-key headers."
  }

  assert {
    condition     = startswith(aws_cloudwatch_log_group.this[0].name, "aws-waf-logs-")
    error_message = "WAF log group names must start with aws-waf-logs-."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == module.kms_key.key_arn
    error_message = "The WAF log group must be encrypted with the module's KMS key."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].retention_in_days == 365
    error_message = "The WAF log group must keep logs for a year by default."
  }

  assert {
    condition     = endswith(one([for s in jsondecode(module.kms_key.key_policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"][0], ":log-group:${aws_cloudwatch_log_group.this[0].name}")
    error_message = "The module-created KMS key lets CloudWatch Logs use it for the WAF log group only."
  }

  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this[0].log_destination_configs == toset([aws_cloudwatch_log_group.this[0].arn])
    error_message = "WAF logging must deliver to the module's log group."
  }

  assert {
    condition     = aws_wafv2_web_acl.this[0].tags["project"] == "aigw" && aws_cloudwatch_log_group.this[0].tags["project"] == "aigw"
    error_message = "Tags must reach the web ACL and the log group."
  }

  assert {
    condition     = output.web_acl_arn == aws_wafv2_web_acl.this[0].arn && output.log_group_name == "aws-waf-logs-aigw-test" && output.web_acl_name == "aigw-test"
    error_message = "Outputs must expose the web ACL ARN and name and the log group name."
  }
}

run "supplied_kms_key_is_used_and_no_key_is_created" {
  command = apply

  variables {
    create_kms_key     = false
    kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    log_retention_days = 731
    redacted_headers   = ["cookie"]
  }

  assert {
    condition     = !module.kms_key.key_created
    error_message = "No KMS key may be created when one is supplied."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this[0].retention_in_days == 731
    error_message = "The supplied key and retention must be used."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_logging_configuration.this[0].redacted_fields) == 3
    error_message = "Extra redacted headers are added to authorization and x-api-key."
  }
}

run "ip_geo_rate_and_optional_groups" {
  command = apply

  variables {
    ip_allowlist              = ["203.0.113.7/24", "2001:db8::/32"]
    ip_denylist               = ["198.51.100.0/24"]
    geo_block_country_codes   = ["KP"]
    geo_allow_country_codes   = ["DE", "US"]
    rate_limit_per_credential = { limit = 600, window_seconds = 60 }
    enable_anonymous_ip_list  = true
    enable_bot_control        = true
    managed_rule_count_overrides = {
      AWSManagedRulesSQLiRuleSet = ["SQLi_BODY"]
    }
  }

  assert {
    condition     = aws_wafv2_ip_set.this["allow-ipv4"].addresses == toset(["203.0.113.0/24"])
    error_message = "Allow-list CIDRs must be normalised and split per address family."
  }

  assert {
    condition     = aws_wafv2_ip_set.this["allow-ipv6"].ip_address_version == "IPV6" && aws_wafv2_ip_set.this["deny-ipv4"].ip_address_version == "IPV4"
    error_message = "IPv6 and IPv4 CIDRs go to separate IP sets."
  }

  assert {
    condition = length(one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].not_statement[0].statement[0].or_statement[0].statement
    if r.name == "ip-allowlist"])) == 2
    error_message = "The allow-list rule must block requests matching neither the IPv4 nor the IPv6 set."
  }

  assert {
    condition     = contains([for r in aws_wafv2_web_acl.this[0].rule : r.name], "ip-deny-ipv4list")
    error_message = "The deny list must produce a blocking rule."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].geo_match_statement[0].country_codes
    if r.name == "geo-block"]) == tolist(["KP"])
    error_message = "Geo block list must match the given countries."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].not_statement[0].statement[0].geo_match_statement[0].country_codes
    if r.name == "geo-allow-only"]) == tolist(["DE", "US"])
    error_message = "Geo allow list must block everything outside the given countries."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].rate_based_statement[0].custom_key[0].header[0].name
    if r.name == "rate-per-credential"]) == "authorization"
    error_message = "The credential rate rule must key on the authorization header by default."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.action[0].block[0].custom_response[0].response_code
    if r.name == "rate-per-credential"]) == 429
    error_message = "Rate-limited requests must get a 429."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].managed_rule_group_statement[0].managed_rule_group_configs[0].aws_managed_rules_bot_control_rule_set[0].inspection_level
    if r.name == "AWSManagedRulesBotControlRuleSet"]) == "COMMON"
    error_message = "Bot Control must be configured with the chosen inspection level."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule :
      [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name]
    if r.name == "AWSManagedRulesSQLiRuleSet"]) == ["SQLiExtendedPatterns_BODY", "SQLi_BODY"]
    error_message = "Requested count overrides must be applied to their group (body rules always count)."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].label_match_statement[0].key
    if r.name == "AWSManagedRulesSQLiRuleSet-body"]) == "awswaf:managed:aws:sql-database:SQLiExtendedPatterns_Body"
    error_message = "A body rule counted through managed_rule_count_overrides is not blocked again by its label."
  }

  assert {
    condition     = length(distinct([for r in aws_wafv2_web_acl.this[0].rule : r.priority])) == length(aws_wafv2_web_acl.this[0].rule)
    error_message = "Rule priorities must be unique."
  }
}

run "own_key_is_required_when_module_key_is_off" {
  command = plan

  variables {
    create_kms_key = false
  }

  expect_failures = [aws_cloudwatch_log_group.this]
}

run "body_limit_above_inspection_window_is_rejected" {
  command = plan

  variables {
    body_inspection_limit = "KB_16"
    body_size_limit_bytes = 32768
  }

  expect_failures = [aws_wafv2_web_acl.this]
}

run "unknown_inspection_limit_is_rejected" {
  command = plan

  variables {
    body_inspection_limit = "KB_128"
  }

  expect_failures = [var.body_inspection_limit]
}

run "bad_cidr_is_rejected" {
  command = plan

  variables {
    ip_denylist = ["not-a-cidr"]
  }

  expect_failures = [var.ip_denylist]
}

run "sandbox_toggles_drop_logging_and_custom_bodies" {
  command = apply

  variables {
    enable_logging          = false
    enable_custom_responses = false
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.this) == 0 && length(aws_wafv2_web_acl_logging_configuration.this) == 0 && module.kms_key.key_arn == null
    error_message = "enable_logging = false must remove the log group, logging configuration and key."
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this[0].custom_response_body) == 0
    error_message = "enable_custom_responses = false must remove the custom response bodies."
  }
}

run "create_false_creates_nothing" {
  command = apply

  variables {
    create       = false
    ip_denylist  = ["198.51.100.0/24"]
    ip_allowlist = ["203.0.113.0/24"]
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_ip_set.this) == 0 && length(aws_cloudwatch_log_group.this) == 0 && module.kms_key.key_arn == null
    error_message = "create = false must create nothing."
  }

  assert {
    condition     = output.web_acl_arn == null && output.log_group_name == null
    error_message = "Outputs must be null when nothing is created."
  }
}

run "log4j_protection_cannot_be_counted" {
  command = plan

  variables {
    managed_rule_count_overrides = {
      AWSManagedRulesKnownBadInputsRuleSet = ["Log4JRCE"]
    }
  }

  expect_failures = [var.managed_rule_count_overrides]
}
