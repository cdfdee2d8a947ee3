# Inputs renamed to the names every module uses (CONTRIBUTING.md); the old names keep
# working until 0.3.0: the new name wins, both set to different values is refused at
# validation, and each old name in use warns on every plan.
locals {
  stage_name                   = coalesce(var.stage_name, var.stage)
  log_retention_days           = coalesce(var.log_retention_days, var.log_retention_in_days, 365)
  kms_key_deletion_window_days = coalesce(var.kms_key_deletion_window_days, var.kms_deletion_window_in_days, 30)
}

check "deprecated_inputs" {
  assert {
    condition     = var.stage == null
    error_message = "authorizer: stage is deprecated and removed in 0.3.0: use stage_name."
  }
  assert {
    condition     = var.log_retention_in_days == null
    error_message = "authorizer: log_retention_in_days is deprecated and removed in 0.3.0: use log_retention_days."
  }
  assert {
    condition     = var.kms_deletion_window_in_days == null
    error_message = "authorizer: kms_deletion_window_in_days is deprecated and removed in 0.3.0: use kms_key_deletion_window_days."
  }
}
