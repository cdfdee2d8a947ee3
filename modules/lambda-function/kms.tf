locals {
  create_kms_key = var.create && (var.create_kms_key != null ? var.create_kms_key : var.kms_key_arn == null)
  kms_key_arn    = local.create_kms_key ? module.kms_key.key_arn : (var.create ? var.kms_key_arn : null)
}

module "kms_key" {
  source = "../kms-key"

  create                  = local.create_kms_key
  description             = var.kms_key_description
  alias                   = var.name
  deletion_window_in_days = var.kms_key_deletion_window_days
  log_group_arns          = [local.log_group_arn]
  # DynamoDB, SSM and Lambda (the environment) create grants on the key for the caller.
  allow_grants = true

  tags = var.tags
}
