locals {
  # A key is needed for the proxy's log group and environment, and for created endpoints'
  # EBS volumes (not for instance types with local instance storage).
  needs_kms_key  = local.lambda || length(local.kms_volume_endpoints) > 0
  create_kms_key = local.needs_kms_key && (var.create_kms_key != null ? var.create_kms_key : var.kms_key_arn == null)
  kms_key_arn    = local.create_kms_key ? module.kms_key.key_arn : (local.needs_kms_key ? var.kms_key_arn : null)
}

module "kms_key" {
  source = "../kms-key"

  create                  = local.create_kms_key
  description             = "aigw SageMaker route ${var.name}: proxy logs and environment, endpoint volumes"
  alias                   = var.name
  deletion_window_in_days = local.kms_key_deletion_window_days
  log_group_arns          = [local.log_group_arn]
  allow_grants            = true

  tags = var.tags
}
