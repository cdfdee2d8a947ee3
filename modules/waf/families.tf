# Route families and the managed rules that inspect the body (ADR 0134).
#
# A family is a set of URI path prefixes. A counting rule per family labels its requests
# (`aigw:route-family:<name>`); the body-size rules and the blocking of the managed groups'
# body rules then decide by label, so each path is matched once.
locals {
  family_label_prefix = "aigw:route-family:"

  # The body-inspecting rules of the AWS managed groups and the label each adds
  # (AWS WAF Developer Guide, "Baseline rule groups" and "Use-case specific rule groups").
  # SizeRestrictions_BODY (8 KB) is not here: it always counts and the module's own
  # body-size rules replace it (ADR 0040).
  managed_body_rules = {
    AWSManagedRulesCommonRuleSet = {
      EC2MetaDataSSRF_BODY    = "awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body"
      GenericLFI_BODY         = "awswaf:managed:aws:core-rule-set:GenericLFI_Body"
      GenericRFI_BODY         = "awswaf:managed:aws:core-rule-set:GenericRFI_Body"
      CrossSiteScripting_BODY = "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body"
    }
    AWSManagedRulesKnownBadInputsRuleSet = {
      JavaDeserializationRCE_BODY = "awswaf:managed:aws:known-bad-inputs:JavaDeserializationRCE_Body"
      Log4JRCE_BODY               = "awswaf:managed:aws:known-bad-inputs:Log4JRCE_Body"
      ReactJSRCE_BODY             = "awswaf:managed:aws:known-bad-inputs:ReactJSRCE_Body"
    }
    AWSManagedRulesSQLiRuleSet = {
      SQLi_BODY                 = "awswaf:managed:aws:sql-database:SQLi_Body"
      SQLiExtendedPatterns_BODY = "awswaf:managed:aws:sql-database:SQLiExtendedPatterns_Body"
    }
  }

  family_names = sort(keys(var.route_families))

  route_families = {
    for i, name in local.family_names : name => {
      label          = "${local.family_label_prefix}${name}"
      label_priority = local.priority.route_family + i
      size_priority  = local.priority.body_size + 1 + i
      limit          = coalesce(var.route_families[name].body_size_limit_bytes, local.inspection_limit_bytes)
      oversize       = var.route_families[name].oversize_handling
      inspect_body   = var.route_families[name].inspect_body_with_managed_rules
      # Each prefix matches itself and what lies below it, with and without each
      # uri_path_prefixes entry in front: EXACTLY p, STARTS_WITH p/.
      matchers = flatten([
        for front in concat([""], var.uri_path_prefixes) : [
          for p in var.route_families[name].path_prefixes : [
            { value = "${front}${p}", constraint = "EXACTLY" },
            { value = "${front}${p}/", constraint = "STARTS_WITH" },
          ]
        ]
      ])
    }
  }

  family_labels = [for name in local.family_names : local.route_families[name].label]

  # Families whose bodies the managed body rules only count.
  body_exempt_labels = [for name in local.family_names : local.route_families[name].label if !local.route_families[name].inspect_body]

  # Per managed group: its body rules always count (they still label), and a rule right
  # after the group blocks those labels except on exempt families. A rule counted through
  # managed_rule_count_overrides stays counted everywhere.
  managed_body_blocks = {
    for group, rules in local.managed_body_rules : "${group}-body" => {
      group    = group
      priority = (group == "AWSManagedRulesKnownBadInputsRuleSet" ? local.priority.known_bad : local.managed_groups_all[group].priority) + 1
      labels   = [for r in sort(keys(rules)) : rules[r] if !contains(lookup(var.managed_rule_count_overrides, group, []), r)]
      exempt   = local.body_exempt_labels
    } if group == "AWSManagedRulesKnownBadInputsRuleSet" || try(local.managed_groups_all[group].enabled, false)
  }

  # One prefix in two families would give a request both families' rules.
  family_prefix_pairs = flatten([
    for i, a in local.family_names : [for j, b in local.family_names : { a = a, b = b } if i < j]
  ])
  overlapping_prefixes = flatten([
    for pair in local.family_prefix_pairs : [
      for combo in setproduct(var.route_families[pair.a].path_prefixes, var.route_families[pair.b].path_prefixes) :
      "${pair.a} ${combo[0]} / ${pair.b} ${combo[1]}"
      if combo[0] == combo[1] || startswith(combo[1], "${combo[0]}/") || startswith(combo[0], "${combo[1]}/")
    ]
  ])

  # A NO_MATCH family whose limit is below the window would block bodies between the two
  # sizes and let larger ones through.
  incoherent_families = [
    for name in local.family_names : name
    if local.route_families[name].oversize == "NO_MATCH" && local.route_families[name].limit < local.inspection_limit_bytes
  ]
  families_over_window = [
    for name in local.family_names : name if local.route_families[name].limit > local.inspection_limit_bytes
  ]
}
