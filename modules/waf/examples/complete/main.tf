# Every feature: own KMS key, IP allow/deny lists (IPv4 and IPv6), geo rules,
# per-IP and per-credential rate limits, optional managed groups, count overrides,
# a 48 KB inspection window and a 32 KiB body limit, route families (LLM prompts pass the
# managed body rules and the window; AI-service bodies keep 16 KiB), logs of non-allowed
# requests only.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
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

locals {
  name = "${var.name_prefix}-complete"
}

variable "enable_logging" {
  description = "WAF logging (off only for the local sandbox, which lacks it)."
  type        = bool
  default     = true
}

variable "enable_custom_responses" {
  description = "OpenAI-shaped 429/413 bodies (off only for the local sandbox)."
  type        = bool
  default     = true
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:aws-waf-logs-${local.name}"
}

module "kms_key" {
  source = "../../../kms-key"

  description          = "aigw example: WAF log encryption"
  deletion_window_days = 7
  log_group_arns       = [local.log_group_arn]
}

module "waf" {
  source = "../../"

  name           = local.name
  default_action = "allow"

  enable_anonymous_ip_list     = true
  enable_bot_control           = true
  bot_control_inspection_level = "COMMON"
  managed_rule_count_overrides = {
    AWSManagedRulesCommonRuleSet = ["NoUserAgent_HEADER"]
  }

  body_inspection_limit  = "KB_48"
  body_size_limit_bytes  = 32768
  body_oversize_handling = "MATCH"

  # Prompts carry SQL, HTML and shell: on the LLM paths the managed body rules only count
  # and a prompt past the window goes through; the AI-service paths keep 16 KiB and 413.
  uri_path_prefixes = ["/prod"]
  route_families = {
    llm = {
      path_prefixes                   = ["/v1/chat/completions", "/v1/messages", "/v1/embeddings"]
      oversize_handling               = "NO_MATCH"
      inspect_body_with_managed_rules = false
    }
    ai_services = {
      path_prefixes         = ["/v1/ai"]
      body_size_limit_bytes = 16384
    }
  }

  rate_limit_per_ip         = { limit = 1000, window_seconds = 300 }
  rate_limit_per_credential = { header_name = "authorization", limit = 600, window_seconds = 60 }

  ip_allowlist            = ["0.0.0.0/1", "128.0.0.0/1", "2001:db8::/32"]
  ip_denylist             = ["198.51.100.0/24", "2001:db8:dead::/48"]
  geo_block_country_codes = ["KP"]

  enable_logging          = var.enable_logging
  enable_custom_responses = var.enable_custom_responses
  create_kms_key          = false
  kms_key_arn             = module.kms_key.key_arn
  log_retention_days      = 400
  log_only_non_allowed    = true
  redacted_headers        = ["cookie"]

  tags = {
    project = "aigw"
    example = "waf-complete"
  }
}

output "web_acl_arn" {
  description = "Web ACL ARN for gateway-core's web_acl_arn."
  value       = module.waf.web_acl_arn
}

output "web_acl_name" {
  description = "Web ACL name for the observability module."
  value       = module.waf.web_acl_name
}

output "rule_metric_names" {
  description = "Rule metric names (AWS/WAFV2 Rule dimension)."
  value       = module.waf.rule_metric_names
}

output "log_group_name" {
  description = "WAF log group."
  value       = module.waf.log_group_name
}
