################################################################################
# The API's edge: endpoint type, VPC endpoints, resource policy, custom domain
# (passed to gateway-core; docs/edge.md)
################################################################################

variable "endpoint_type" {
  description = "Endpoint type of the REST API: REGIONAL (public, the default) or PRIVATE (reachable only through the execute-api interface VPC endpoints in vpc_endpoint_ids; a resource policy restricted to them is generated unless resource_policy is given)."
  type        = string
  default     = "REGIONAL"
  nullable    = false

  validation {
    condition     = contains(["REGIONAL", "PRIVATE"], var.endpoint_type)
    error_message = "endpoint_type must be one of REGIONAL, PRIVATE (EDGE is not offered: the stage's WAF and logs are regional)."
  }
}

variable "vpc_endpoint_ids" {
  description = "IDs of the execute-api interface VPC endpoints (vpce-...) that may call a PRIVATE API; each gets the URL https://<api id>-<vpce id>.execute-api.<region>.amazonaws.com/<stage> (output private_endpoint_urls). Only with endpoint_type = PRIVATE."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]{8,17}$", id))])
    error_message = "vpc_endpoint_ids must be VPC endpoint ids such as vpce-0123456789abcdef0."
  }

  validation {
    condition     = var.endpoint_type != "PRIVATE" || length(var.vpc_endpoint_ids) > 0
    error_message = "endpoint_type = \"PRIVATE\" needs at least one execute-api interface VPC endpoint id in vpc_endpoint_ids (vpce-...): API Gateway reaches a private API only through them."
  }

  validation {
    condition     = length(var.vpc_endpoint_ids) == 0 || var.endpoint_type == "PRIVATE"
    error_message = "vpc_endpoint_ids apply only to endpoint_type = \"PRIVATE\" (allowed endpoint types: REGIONAL, PRIVATE)."
  }
}

variable "resource_policy" {
  description = "JSON resource policy of the REST API (use jsonencode). Null: none for REGIONAL; for PRIVATE a generated policy that allows execute-api:Invoke only through vpc_endpoint_ids. A given policy of a PRIVATE API must name aws:SourceVpce or aws:SourceVpc (API Gateway deploys no private API without a policy, and one without that condition lets any VPC endpoint in)."
  type        = string
  default     = null

  validation {
    condition     = var.resource_policy == null || can(jsondecode(var.resource_policy).Statement)
    error_message = "resource_policy must be a JSON policy document with a Statement (use jsonencode)."
  }

  validation {
    condition     = var.resource_policy == null || var.endpoint_type != "PRIVATE" || can(regex("(?i)\"aws:sourcevpce?\"", coalesce(var.resource_policy, "-")))
    error_message = "resource_policy of a PRIVATE API must restrict execute-api:Invoke with aws:SourceVpce (or aws:SourceVpc): without that condition any VPC endpoint, in any account, reaches the API. Leave resource_policy = null to get the generated policy for vpc_endpoint_ids."
  }
}

variable "disable_execute_api_endpoint" {
  description = "Turn off the default https://<api id>.execute-api.<region>.amazonaws.com endpoint so that clients must come through the custom domain (needs domain)."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.disable_execute_api_endpoint || var.domain != null
    error_message = "disable_execute_api_endpoint = true needs a custom domain (domain): otherwise nothing could reach the API."
  }
}

variable "domain" {
  description = <<-EOT
    Custom domain of a REGIONAL API (null = none):
    - domain_name: the name clients call (api.example.com).
    - certificate_arn: ACM certificate for domain_name in the API's region.
    - base_path: where the stage is mapped (null = the domain's root; "ai" -> https://api.example.com/ai/v1/...).
    - security_policy: TLS_1_2 (the only one offered: TLS 1.0 is not).
    - hosted_zone_id: Route 53 public hosted zone of domain_name; the module writes the A alias record.
      Null = point DNS yourself at output domain_target.
    - create_alias_record: null = write the record when hosted_zone_id is set; true when the zone id
      comes from a resource of the same apply (unknown at plan time).
    Not for endpoint_type = PRIVATE: a private API maps only to a private custom domain name, which
    the module does not create.
  EOT
  type = object({
    domain_name     = string
    certificate_arn = string
    base_path       = optional(string)
    security_policy = optional(string, "TLS_1_2")
    hosted_zone_id  = optional(string)
    # Whether to write the alias record; null = when hosted_zone_id is set. Set true when
    # hosted_zone_id comes from a resource of the same apply (unknown at plan time).
    create_alias_record = optional(bool)
  })
  default = null

  validation {
    condition     = var.domain == null || contains(["TLS_1_2"], try(var.domain.security_policy, ""))
    error_message = "domain.security_policy must be TLS_1_2 (the allowed values: TLS_1_2)."
  }

  validation {
    condition     = var.domain == null || can(regex("^([a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", lower(var.domain.domain_name)))
    error_message = "domain.domain_name must be a DNS name such as api.example.com (no scheme, path or trailing dot)."
  }

  validation {
    condition     = var.domain == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$", var.domain.certificate_arn))
    error_message = "domain.certificate_arn must be the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>) in the API's region."
  }

  validation {
    condition     = var.domain == null || try(var.domain.base_path == null || can(regex("^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$", var.domain.base_path)), false)
    error_message = "domain.base_path must be null (the domain's root) or a path without leading or trailing slash, such as ai or ai/v1."
  }

  validation {
    condition     = var.domain == null || try(var.domain.hosted_zone_id == null || can(regex("^[A-Z0-9]{1,32}$", var.domain.hosted_zone_id)), false)
    error_message = "domain.hosted_zone_id must be a Route 53 hosted zone id (upper-case letters and digits, such as Z0123456789ABCDEFGHIJ, without the /hostedzone/ prefix) or null."
  }

  validation {
    condition     = var.domain == null || try(var.domain.create_alias_record != true || var.domain.hosted_zone_id != null, false)
    error_message = "domain.create_alias_record = true needs domain.hosted_zone_id (the zone the record is written to)."
  }

  validation {
    condition     = var.domain == null || var.endpoint_type != "PRIVATE"
    error_message = "domain is a REGIONAL custom domain and endpoint_type is PRIVATE: a private API maps only to a private custom domain name, which the module does not create. Use endpoint_type = \"REGIONAL\" with a domain, or domain = null and call the API through its VPC endpoints (output private_endpoint_urls)."
  }
}
