# Route families (ADR 0134): the body rules of the managed groups and the body-size rules
# decide per family. The walk below reads every rendered rule: a rule whose statement looks
# at the body (a size constraint on the body, or the label of a managed body rule) must
# exclude the llm family, require another family, or be the llm family's own size rule
# that cannot match (limit = window, NO_MATCH); managed groups must count their body rules.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name              = "aigw-test"
  enable_logging    = false
  uri_path_prefixes = ["/prod"]
  route_families = {
    llm = {
      path_prefixes                   = ["/v1/chat/completions", "/v1/models", "/v1/messages", "/v1/embeddings"]
      oversize_handling               = "NO_MATCH"
      inspect_body_with_managed_rules = false
    }
    ai_services = {
      path_prefixes = ["/v1/ai"]
    }
  }
  enable_anonymous_ip_list = true
  enable_bot_control       = true
}

run "no_body_rule_can_block_an_llm_request" {
  command = plan

  # Managed groups: every body-inspecting rule (AWS WAF Developer Guide, baseline and
  # use-case rule groups) is overridden to count.
  assert {
    condition = alltrue([for r in aws_wafv2_web_acl.this[0].rule : alltrue([
      for g in r.statement[0].managed_rule_group_statement : length(setsubtract(lookup({
        AWSManagedRulesCommonRuleSet         = ["SizeRestrictions_BODY", "EC2MetaDataSSRF_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "CrossSiteScripting_BODY"]
        AWSManagedRulesKnownBadInputsRuleSet = ["JavaDeserializationRCE_BODY", "Log4JRCE_BODY", "ReactJSRCE_BODY"]
        AWSManagedRulesSQLiRuleSet           = ["SQLi_BODY", "SQLiExtendedPatterns_BODY"]
      }, g.name, []), [for o in g.rule_action_override : o.name if length(o.action_to_use[0].count) == 1])) == 0
    ])])
    error_message = "A managed rule group blocks with a body-inspecting rule: it would 403 prompts on the LLM routes."
  }

  # Custom rules: walk the statement tree (three levels, the provider's nesting depth).
  # A rule passes when it does not look at the body anywhere in its statement, or it
  # excludes the llm family (and(..., not(llm | or(..., llm, ...)))), or it requires
  # another family's label, or it is the llm family's size rule and cannot match
  # (limit = window, NO_MATCH).
  assert {
    condition = alltrue([for r in aws_wafv2_web_acl.this[0].rule : (
      !anytrue(flatten([
        [for x in [r.statement[0]] : length(x.size_constraint_statement) > 0 || anytrue([for l in x.label_match_statement : endswith(l.key, "_Body")])],
        [for a in r.statement[0].and_statement : [for x in a.statement : length(x.size_constraint_statement) > 0 || anytrue([for l in x.label_match_statement : endswith(l.key, "_Body")]) || anytrue([for o in x.or_statement : anytrue([for y in o.statement : anytrue([for l in y.label_match_statement : endswith(l.key, "_Body")])])])]],
        [for o in r.statement[0].or_statement : [for x in o.statement : anytrue([for l in x.label_match_statement : endswith(l.key, "_Body")])]],
      ])) ||
      anytrue(flatten([for a in r.statement[0].and_statement : [for x in a.statement : [for n in x.not_statement : [
        anytrue([for l in n.statement[0].label_match_statement : l.key == "aigw:route-family:llm"]),
        anytrue([for o in n.statement[0].or_statement : anytrue([for y in o.statement : anytrue([for l in y.label_match_statement : l.key == "aigw:route-family:llm"])])]),
      ]]]])) ||
      anytrue(flatten([for a in r.statement[0].and_statement : [for x in a.statement : [for l in x.label_match_statement : startswith(l.key, "aigw:route-family:") && l.key != "aigw:route-family:llm"]]])) ||
      (
        anytrue(flatten([for a in r.statement[0].and_statement : [for x in a.statement : [for l in x.label_match_statement : l.key == "aigw:route-family:llm"]]])) &&
        alltrue(flatten([for a in r.statement[0].and_statement : [for x in a.statement : [for c in x.size_constraint_statement : c.size >= 65536 && c.field_to_match[0].body[0].oversize_handling == "NO_MATCH"]]]))
      )
    )])
    error_message = "A rule that inspects the body can block a request on an LLM route."
  }

  # The walk is not vacuous: it sees the body rules it judges.
  assert {
    condition     = length([for r in aws_wafv2_web_acl.this[0].rule : r.name if startswith(r.name, "body-size-") || endswith(r.name, "-body")]) == 6
    error_message = "Expected body-size-llm, body-size-ai_services and the three <group>-body rules."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : sort([for s in r.statement[0].or_statement[0].statement : "${s.byte_match_statement[0].positional_constraint} ${s.byte_match_statement[0].search_string}"])
    if r.name == "route-family-ai_services"]) == tolist(["EXACTLY /prod/v1/ai", "EXACTLY /v1/ai", "STARTS_WITH /prod/v1/ai/", "STARTS_WITH /v1/ai/"])
    error_message = "A family matches its prefixes and what lies below them, with and without the stage in front."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : length(r.action[0].count) == 1 && one(r.rule_label).name == "aigw:route-family:llm"
    if r.name == "route-family-llm"])
    error_message = "The family rule only counts and labels."
  }
}

run "each_family_gets_its_limits" {
  command = plan

  variables {
    body_inspection_limit = "KB_32"
    route_families = {
      llm = {
        path_prefixes                   = ["/v1/chat/completions"]
        oversize_handling               = "NO_MATCH"
        inspect_body_with_managed_rules = false
      }
      ai_services = {
        path_prefixes         = ["/v1/ai"]
        body_size_limit_bytes = 8192
      }
    }
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : [for x in r.statement[0].and_statement[0].statement : "${x.size_constraint_statement[0].size} ${x.size_constraint_statement[0].field_to_match[0].body[0].oversize_handling}" if length(x.size_constraint_statement) > 0]
    if r.name == "body-size-llm"]) == ["32768 NO_MATCH"]
    error_message = "The llm family's limit is the inspection window (KB_32) and bodies past it go through."
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : [for x in r.statement[0].and_statement[0].statement : "${x.size_constraint_statement[0].size} ${x.size_constraint_statement[0].field_to_match[0].body[0].oversize_handling}" if length(x.size_constraint_statement) > 0]
    if r.name == "body-size-ai_services"]) == ["8192 MATCH"]
    error_message = "The ai_services family keeps its strict limit and blocks bodies past the window."
  }

  assert {
    condition     = jsondecode(one([for b in aws_wafv2_web_acl.this[0].custom_response_body : b.content if b.key == "aigw_body_too_large_ai_services"])).error.message == "Request body is larger than the gateway accepts (8192 bytes)."
    error_message = "Each family's 413 names its own limit."
  }

  assert {
    condition     = output.route_families.llm.body_size_limit_bytes == 32768 && !output.route_families.llm.inspect_body_with_managed_rules && output.route_families.ai_services.inspect_body_with_managed_rules
    error_message = "The route_families output reports what each family gets."
  }
}

# The walk above can fail: with body inspection on for llm, the managed body labels block there.
run "a_family_that_inspects_bodies_is_not_exempt" {
  command = plan

  variables {
    route_families = {
      llm = { path_prefixes = ["/v1/chat/completions"] }
    }
  }

  assert {
    condition = one([for r in aws_wafv2_web_acl.this[0].rule : length(r.statement[0].or_statement) == 1 && length(r.statement[0].and_statement) == 0
    if r.name == "AWSManagedRulesCommonRuleSet-body"])
    error_message = "With no exempt family the body labels block on every path."
  }
}

run "rejects_an_unknown_oversize_handling" {
  command = plan
  variables {
    route_families = { llm = { path_prefixes = ["/v1/chat/completions"], oversize_handling = "CONTINUE" } }
  }
  expect_failures = [var.route_families]
}

run "rejects_a_path_template" {
  command = plan
  variables {
    route_families = { llm = { path_prefixes = ["/v1/models/{model}"] } }
  }
  expect_failures = [var.route_families]
}

run "rejects_no_match_below_the_window" {
  command = plan
  variables {
    route_families = { llm = { path_prefixes = ["/v1/chat/completions"], oversize_handling = "NO_MATCH", body_size_limit_bytes = 16384 } }
  }
  expect_failures = [aws_wafv2_web_acl.this]
}

run "rejects_overlapping_families" {
  command = plan
  variables {
    route_families = {
      llm         = { path_prefixes = ["/v1"] }
      ai_services = { path_prefixes = ["/v1/ai"] }
    }
  }
  expect_failures = [aws_wafv2_web_acl.this]
}

run "rejects_a_family_limit_past_the_window" {
  command = plan
  variables {
    body_inspection_limit = "KB_16"
    route_families        = { ai_services = { path_prefixes = ["/v1/ai"], body_size_limit_bytes = 65536 } }
  }
  expect_failures = [aws_wafv2_web_acl.this]
}

run "log4j_body_rule_cannot_be_counted_everywhere" {
  command = plan
  variables {
    managed_rule_count_overrides = { AWSManagedRulesKnownBadInputsRuleSet = ["Log4JRCE_HEADER"] }
  }
  expect_failures = [var.managed_rule_count_overrides]
}
