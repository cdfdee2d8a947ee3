variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
}

variable "manifest_path" {
  description = "Build manifest written by `make build` (the llm_gateway and authorizer packages come from it)."
  type        = string
  default     = "../../../../dist/manifest.json"
}

variable "sagemaker_endpoint_name" {
  description = "SageMaker endpoint behind the direct integration route."
  type        = string
  default     = "aigw-example-endpoint"
}

variable "vpc_link_connection_id" {
  description = "VPC link id (module.vpc_link.connection_id); null = no private route."
  type        = string
  default     = null
}

variable "vpc_link_integration_target" {
  description = "The ALB's ARN for a v2 VPC link (integrationTarget; null for an NLB-backed v1 link)."
  type        = string
  default     = null
}

variable "private_backend_url" {
  description = "URL of the private back end reached over the VPC link."
  type        = string
  default     = "http://models.internal.example/{proxy}"
}

variable "web_acl_arn" {
  description = "WAFv2 web ACL (module.waf.web_acl_arn); null in the sandbox, which has no WAFv2 association."
  type        = string
  default     = null
}

variable "enable_cache" {
  description = "Cache GET /v1/models in the stage cache (a paid cache cluster; off in the sandbox)."
  type        = bool
  default     = true
}

variable "canary_percent" {
  description = "Percent of traffic for a canary with stage variable release=canary; null = no canary (the sandbox has no canary support)."
  type        = number
  default     = null
}

variable "domain" {
  description = "Custom domain { domain_name, certificate_arn, base_path }; null = none."
  type = object({
    domain_name     = string
    certificate_arn = string
    base_path       = optional(string)
  })
  default = null
}

variable "logging_level" {
  description = "Execution logging level (OFF, ERROR, INFO)."
  type        = string
  default     = "INFO"
}

variable "create_account_cloudwatch_role" {
  description = "Let this stack own the account-wide API Gateway CloudWatch role."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Project = "aigw", Example = "gateway-core-complete" }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of each example Lambda function (null = none: a reservation needs an account quota that leaves 100 unreserved)."
  type        = number
  default     = null
}
