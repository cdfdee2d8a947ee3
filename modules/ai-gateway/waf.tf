# Route families of the web ACL (ADR 0134): which paths belong to which family and what
# each family gets by default. The paths come from the route modules' outputs; an
# environment can add paths (waf.route_families.<name>.path_prefixes) and change the
# limits.
locals {
  # Literal part of each LLM route path, up to its first {param} segment:
  # /v1/models/{model} -> /v1/models.
  llm_path_prefixes = distinct([
    for r in values(module.llm.routes) :
    trimsuffix(split("/{", r.path)[0], "/")
  ])

  # Paths per family from the route modules; the other families' paths join here where
  # their routes are composed.
  waf_family_paths = merge(
    { llm = local.llm_path_prefixes },
    { for f, family in local.observed_families : family => distinct([
      for r in values(local.family_routes[f]) : trimsuffix(split("/{", r.path)[0], "/")
    ]) if length(local.family_routes[f]) > 0 },
  )

  waf_family_defaults = {
    # Prompts carry SQL, HTML, <script> and shell: the managed body rules only count, and
    # a prompt past the inspection window reaches the function, which enforces its own
    # limit.
    llm = { body_size_limit_bytes = null, oversize_handling = "NO_MATCH", inspect_body_with_managed_rules = false }
  }
  # Every other family: the strict limit (the window, 413 past it), managed body rules on.
  waf_strict_family = { body_size_limit_bytes = null, oversize_handling = "MATCH", inspect_body_with_managed_rules = true }

  waf_route_families = {
    for name in distinct(concat(keys(local.waf_family_paths), keys(var.waf.route_families))) : name => {
      path_prefixes = distinct(concat(
        lookup(local.waf_family_paths, name, []),
        try(var.waf.route_families[name].path_prefixes, []),
      ))
      body_size_limit_bytes = try(coalesce(
        try(var.waf.route_families[name].body_size_limit_bytes, null),
        lookup(local.waf_family_defaults, name, local.waf_strict_family).body_size_limit_bytes,
      ), null)
      oversize_handling = coalesce(
        try(var.waf.route_families[name].oversize_handling, null),
        lookup(local.waf_family_defaults, name, local.waf_strict_family).oversize_handling,
      )
      inspect_body_with_managed_rules = coalesce(
        try(var.waf.route_families[name].inspect_body_with_managed_rules, null),
        lookup(local.waf_family_defaults, name, local.waf_strict_family).inspect_body_with_managed_rules,
      )
    }
    if length(lookup(local.waf_family_paths, name, [])) + length(try(var.waf.route_families[name].path_prefixes, [])) > 0
  }
}
