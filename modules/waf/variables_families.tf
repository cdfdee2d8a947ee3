# --- route families: per-path body limits and managed body inspection ---------------

variable "route_families" {
  description = <<-EOT
    Route families told apart by URI path, each with its own body rules (ADR 0134):
    - `path_prefixes`: route path prefixes (`/v1/chat/completions` matches that path and
      everything below it); the same prefix may not appear in two families.
    - `body_size_limit_bytes`: the family's body-size rule blocks (413) bodies larger than
      this; null = the inspection window (body_inspection_limit).
    - `oversize_handling`: what that rule does with a body larger than the inspection
      window: MATCH (block, 413) or NO_MATCH (let it through to the gateway's 10 MB cap and
      the back end's own limit). NO_MATCH needs the limit to equal the window.
    - `inspect_body_with_managed_rules`: false = the body-inspecting rules of the AWS
      managed groups (CrossSiteScripting_BODY, SQLi_BODY, GenericLFI_BODY...) only count on
      this family's paths; their header, URI and query rules still block.
    Requests on no family's path get body_size_limit_bytes / body_oversize_handling and
    every managed body rule.
  EOT
  type = map(object({
    path_prefixes                   = list(string)
    body_size_limit_bytes           = optional(number)
    oversize_handling               = optional(string, "MATCH")
    inspect_body_with_managed_rules = optional(bool, true)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(var.route_families) <= 9 && alltrue([for k in keys(var.route_families) : can(regex("^[a-z][a-z0-9_]{0,31}$", k))])
    error_message = "route_families takes at most 9 families, named with 1-32 lower-case letters, digits or '_' starting with a letter (e.g. llm, ai_services)."
  }

  validation {
    condition     = alltrue([for f in values(var.route_families) : length(f.path_prefixes) > 0 && alltrue([for p in f.path_prefixes : can(regex("^(/[A-Za-z0-9._~-]+)+$", p))])])
    error_message = "route_families.*.path_prefixes must be non-empty lists of literal paths such as /v1/chat/completions (segments of letters, digits, '.', '_', '~', '-'; no trailing '/', no {param})."
  }

  validation {
    condition     = alltrue([for f in values(var.route_families) : contains(["MATCH", "NO_MATCH"], f.oversize_handling)])
    error_message = "route_families.*.oversize_handling must be one of: MATCH, NO_MATCH."
  }

  validation {
    condition     = alltrue([for f in values(var.route_families) : f.body_size_limit_bytes == null || try(f.body_size_limit_bytes >= 1024 && f.body_size_limit_bytes <= 65536 && floor(f.body_size_limit_bytes) == f.body_size_limit_bytes, false)])
    error_message = "route_families.*.body_size_limit_bytes must be null (the inspection window) or a whole number between 1024 and 65536 (the largest inspection limit, KB_64)."
  }
}

variable "uri_path_prefixes" {
  description = "Prefixes a client puts in front of the route paths, as WAF sees the URI: the stage name for execute-api URLs (e.g. /prod), a custom domain's base path. Route family paths match with and without each."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for p in var.uri_path_prefixes : can(regex("^(/[A-Za-z0-9._~-]+)+$", p))])
    error_message = "uri_path_prefixes must be paths such as /prod or /api/v2 (segments of letters, digits, '.', '_', '~', '-'; no trailing '/')."
  }
}
