# The web ACL from the gateway: route families from the routes, every knob from `waf` (ADR 0134).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:aigw-test-alarms" }
  }

  mock_resource "aws_cloudwatch_dashboard" {
    defaults = { dashboard_arn = "arn:aws:cloudwatch::123456789012:dashboard/aigw-test" }
  }
}

variables {
  name = "aigw-test"
  packages = {
    llm_gateway = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    authorizer  = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }
  llm = {
    providers                      = { bedrock = { type = "bedrock" } }
    models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
    prompt_templates = {
      triage = { model = "claude", messages = [{ role = "user", content = "Triage: {{ ticket }}" }] }
    }
  }
  account_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"
}

run "llm_routes_form_the_llm_family" {
  command = plan

  assert {
    condition = (
      module.waf.route_families.llm.oversize_handling == "NO_MATCH"
      && module.waf.route_families.llm.body_size_limit_bytes == 65536
      && !module.waf.route_families.llm.inspect_body_with_managed_rules
    )
    error_message = "The llm family accepts a prompt past the inspection window (NO_MATCH at the window) and the managed body rules only count on it."
  }

  assert {
    condition = alltrue([for m in [
      { value = "/v1/chat/completions", constraint = "EXACTLY" },
      { value = "/v1/models/", constraint = "STARTS_WITH" },
      { value = "/v1/prompts/triage", constraint = "EXACTLY" },
      { value = "/${module.gateway.stage_name}/v1/chat/completions", constraint = "EXACTLY" },
    ] : contains(module.waf.route_families.llm.uri_matches, m)])
    error_message = "The llm family's paths come from module.llm.routes (literal part before {param}), with and without the stage in front."
  }

  assert {
    condition     = !anytrue([for m in module.waf.route_families.llm.uri_matches : strcontains(m.value, "{")])
    error_message = "Path templates never reach WAF's byte matches."
  }

  assert {
    condition     = contains(keys(module.waf.rule_metric_names), "AWSManagedRulesCommonRuleSet-body") && contains(keys(module.waf.rule_metric_names), "body-size-llm")
    error_message = "The web ACL has the llm family's size rule and the label rule that blocks the common body rules elsewhere."
  }
}

run "an_ai_service_family_keeps_the_strict_limit" {
  command = plan

  variables {
    waf = {
      route_families = {
        ai_services = { path_prefixes = ["/v1/ai"] }
        llm         = { body_size_limit_bytes = 65536 }
      }
    }
  }

  assert {
    condition = (
      module.waf.route_families.ai_services.oversize_handling == "MATCH"
      && module.waf.route_families.ai_services.body_size_limit_bytes == 65536
      && module.waf.route_families.ai_services.inspect_body_with_managed_rules
    )
    error_message = "A family other than llm gets the strict default: 413 past the window, managed body rules blocking."
  }

  assert {
    condition     = module.waf.route_families.llm.oversize_handling == "NO_MATCH" && !module.waf.route_families.llm.inspect_body_with_managed_rules
    error_message = "Overriding one llm setting keeps the llm defaults for the others."
  }
}

run "every_waf_knob_reaches_the_module" {
  command = plan

  variables {
    waf = {
      body_inspection_limit        = "KB_32"
      body_oversize_handling       = "NO_MATCH"
      ip_allowlist                 = ["203.0.113.0/24"]
      ip_denylist                  = ["198.51.100.0/24"]
      geo_block_country_codes      = ["KP"]
      geo_allow_country_codes      = ["DE"]
      enable_anonymous_ip_list     = true
      enable_bot_control           = true
      enable_sqli_rule_set         = false
      rate_limit_per_credential    = { limit = 600, window_seconds = 60 }
      managed_rule_count_overrides = { AWSManagedRulesCommonRuleSet = ["NoUserAgent_HEADER"] }
      uri_path_prefixes            = ["/api"]
      route_families = {
        llm = { oversize_handling = "MATCH", inspect_body_with_managed_rules = true }
      }
    }
  }

  assert {
    condition = alltrue([for r in ["ip-deny-ipv4list", "ip-allowlist", "geo-block", "geo-allow-only", "rate-per-credential", "AWSManagedRulesAnonymousIpList", "AWSManagedRulesBotControlRuleSet"] :
    contains(keys(module.waf.rule_metric_names), r)]) && !contains(keys(module.waf.rule_metric_names), "AWSManagedRulesSQLiRuleSet")
    error_message = "IP lists, geo lists, rate limits and the managed group switches reach the web ACL."
  }

  assert {
    condition     = module.waf.route_families.llm.body_size_limit_bytes == 32768 && module.waf.route_families.llm.oversize_handling == "MATCH" && module.waf.route_families.llm.inspect_body_with_managed_rules
    error_message = "The inspection window and the llm family's settings come from waf."
  }

  assert {
    condition     = contains(module.waf.route_families.llm.uri_matches, { value = "/api/v1/chat/completions", constraint = "EXACTLY" })
    error_message = "Extra URI prefixes (a custom domain's base path) reach the family matches."
  }

  assert {
    condition     = contains(module.waf.managed_rule_groups.AWSManagedRulesCommonRuleSet.count_overrides, "NoUserAgent_HEADER")
    error_message = "Count overrides reach the managed groups."
  }
}

run "rejects_an_unknown_oversize_handling" {
  command = plan
  variables {
    waf = { route_families = { llm = { oversize_handling = "BLOCK" } } }
  }
  expect_failures = [var.waf]
}

run "rejects_an_unknown_inspection_window" {
  command = plan
  variables {
    waf = { body_inspection_limit = "KB_128" }
  }
  expect_failures = [var.waf]
}

run "bot_control_lets_the_api_clients_through" {
  command = plan

  variables {
    waf = { enable_bot_control = true, managed_rule_group_versions = { AWSManagedRulesCommonRuleSet = "Version_1.12" } }
  }

  assert {
    condition     = module.waf.managed_rule_groups["AWSManagedRulesBotControlRuleSet"].count_overrides == tolist(["CategoryHttpLibrary", "SignalNonBrowserUserAgent"])
    error_message = "Bot Control counts the rules that would block the OpenAI SDKs and curl."
  }

  assert {
    condition     = module.waf.managed_rule_groups["AWSManagedRulesCommonRuleSet"].version == "Version_1.12" && module.waf.managed_rule_groups["AWSManagedRulesSQLiRuleSet"].version == null
    error_message = "Pinned versions reach the web ACL; other groups follow their default version."
  }
}

run "rejects_an_unknown_bot_control_rule" {
  command = plan
  variables {
    waf = { enable_bot_control = true, bot_control_count_rules = ["curl"] }
  }
  expect_failures = [var.waf]
}
