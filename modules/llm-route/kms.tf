locals {
  create_kms_key = var.create && (var.create_kms_key != null ? var.create_kms_key : var.kms_key_arn == null)
  kms_key_arn    = local.create_kms_key ? module.kms_key.key_arn : var.kms_key_arn
}

module "kms_key" {
  source = "../kms-key"

  create                  = local.create_kms_key
  description             = "aigw LLM gateway ${var.name}: logs, usage table, config parameter, Lambda environment"
  alias                   = var.name
  deletion_window_in_days = var.kms_deletion_window_in_days
  log_group_arns          = [local.log_group_arn]
  # DynamoDB (the tables) and Lambda (the environment) create grants on the key for the caller.
  allow_grants = true

  tags = var.tags
}
