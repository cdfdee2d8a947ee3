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

# Bot Control must not block the API's own clients (SDKs, curl), and managed rule group
# versions are a choice: the default version, or a pinned static version.

run "bot_control_counts_non_browser_clients_by_default" {
  command = plan

  variables {
    enable_bot_control = true
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule :
      [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name if length(o.action_to_use[0].count) == 1]
    if r.name == "AWSManagedRulesBotControlRuleSet"]) == ["CategoryHttpLibrary", "SignalNonBrowserUserAgent"]
    error_message = "With Bot Control on, CategoryHttpLibrary and SignalNonBrowserUserAgent count instead of blocking the OpenAI SDKs and curl."
  }

  assert {
    condition = alltrue([for r in aws_wafv2_web_acl.this[0].rule :
      r.statement[0].managed_rule_group_statement[0].version == null
    if length(r.statement[0].managed_rule_group_statement) > 0])
    error_message = "Unpinned managed rule groups follow their default version."
  }
}

run "bot_control_overrides_are_configurable" {
  command = plan

  variables {
    enable_bot_control      = true
    bot_control_count_rules = ["SignalNonBrowserUserAgent", "CategorySocialMedia"]
    managed_rule_count_overrides = {
      AWSManagedRulesBotControlRuleSet = ["CategoryMonitoring"]
    }
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule :
      [for o in r.statement[0].managed_rule_group_statement[0].rule_action_override : o.name]
    if r.name == "AWSManagedRulesBotControlRuleSet"]) == ["CategoryMonitoring", "CategorySocialMedia", "SignalNonBrowserUserAgent"]
    error_message = "bot_control_count_rules replaces the default list and merges with managed_rule_count_overrides."
  }
}

run "managed_rule_groups_can_be_pinned" {
  command = plan

  variables {
    enable_bot_control = true
    managed_rule_group_versions = {
      AWSManagedRulesKnownBadInputsRuleSet = "Version_1.22"
      AWSManagedRulesCommonRuleSet         = "Version_1.12"
    }
  }

  assert {
    condition = (
      one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].managed_rule_group_statement[0].version if r.name == "AWSManagedRulesKnownBadInputsRuleSet"]) == "Version_1.22" &&
      one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].managed_rule_group_statement[0].version if r.name == "AWSManagedRulesCommonRuleSet"]) == "Version_1.12" &&
      alltrue([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].managed_rule_group_statement[0].version == null
      if contains(["AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesBotControlRuleSet"], r.name)])
    )
    error_message = "Each pinned group runs its static version; the others follow the default version."
  }
}

run "rejects_an_unknown_bot_control_rule" {
  command = plan
  variables {
    bot_control_count_rules = ["curl"]
  }
  expect_failures = [var.bot_control_count_rules]
}

run "rejects_a_version_for_an_unversioned_group" {
  command = plan
  variables {
    managed_rule_group_versions = { AWSManagedRulesAmazonIpReputationList = "Version_1.0" }
  }
  expect_failures = [var.managed_rule_group_versions]
}

run "rejects_a_malformed_version" {
  command = plan
  variables {
    managed_rule_group_versions = { AWSManagedRulesCommonRuleSet = "latest" }
  }
  expect_failures = [var.managed_rule_group_versions]
}
