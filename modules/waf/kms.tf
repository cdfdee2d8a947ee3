data "aws_caller_identity" "current" {
  count = local.create_kms_key ? 1 : 0
}

data "aws_partition" "current" {
  count = local.create_kms_key ? 1 : 0
}

data "aws_region" "current" {
  count = local.create_kms_key ? 1 : 0
}

locals {
  # modules/kms-key decides between the given key and a new one (ADR 0105).
  create_kms_key = module.kms_key.key_created
  kms_key_arn    = module.kms_key.key_arn
  log_group_name = "aws-waf-logs-${var.name}"
}

module "kms_key" {
  source = "../kms-key"

  create               = var.create && var.enable_logging
  key_arn              = var.kms_key_arn
  create_key           = var.create_kms_key
  description          = "aigw: encrypts the WAF log group ${local.log_group_name}"
  alias                = "aigw/waf/${var.name}"
  deletion_window_days = var.kms_key_deletion_window_days
  log_group_arns = [
    "arn:${try(data.aws_partition.current[0].partition, "aws")}:logs:${try(data.aws_region.current[0].name, "")}:${try(data.aws_caller_identity.current[0].account_id, "")}:log-group:${local.log_group_name}",
  ]

  tags = var.tags
}
