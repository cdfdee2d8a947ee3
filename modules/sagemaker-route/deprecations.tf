# Inputs renamed to the names every module uses (CONTRIBUTING.md); the old names keep
# working until 0.3.0: the new name wins, both set to different values is refused at
# validation, and each old name in use warns on every plan.
locals {
  kms_key_deletion_window_days = coalesce(var.kms_key_deletion_window_days, var.kms_deletion_window_in_days, 30)
}

check "deprecated_inputs" {
  assert {
    condition     = var.kms_deletion_window_in_days == null
    error_message = "sagemaker-route: kms_deletion_window_in_days is deprecated and removed in 0.3.0: use kms_key_deletion_window_days."
  }
}
