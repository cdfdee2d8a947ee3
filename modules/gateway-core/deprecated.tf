# Inputs kept under their old names for one minor version (CONTRIBUTING.md, "Names").

variable "access_log_retention_days" {
  description = "Deprecated: use log_retention_days; removed in 0.3.0."
  type        = number
  default     = null

  validation {
    condition     = var.access_log_retention_days == null || var.log_retention_days == null ? true : var.access_log_retention_days == var.log_retention_days
    error_message = "access_log_retention_days (deprecated) and log_retention_days are both set, to different values: set only log_retention_days."
  }

  validation {
    condition     = var.access_log_retention_days == null ? true : contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_days)
    error_message = "access_log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_deletion_window_in_days" {
  description = "Deprecated: use kms_key_deletion_window_days; removed in 0.3.0."
  type        = number
  default     = null

  validation {
    condition     = var.kms_key_deletion_window_in_days == null || var.kms_key_deletion_window_days == null ? true : var.kms_key_deletion_window_in_days == var.kms_key_deletion_window_days
    error_message = "kms_key_deletion_window_in_days (deprecated) and kms_key_deletion_window_days are both set, to different values: set only kms_key_deletion_window_days."
  }
}

locals {
  log_retention_days = coalesce(var.log_retention_days, var.access_log_retention_days, 365)
  # modules/kms-key checks the range and applies its default.
  kms_key_deletion_window_days = coalesce(var.kms_key_deletion_window_days, var.kms_key_deletion_window_in_days, 30)
}

check "deprecated_inputs" {
  assert {
    condition     = var.access_log_retention_days == null
    error_message = "access_log_retention_days is deprecated: use log_retention_days; removed in 0.3.0."
  }
  assert {
    condition     = var.kms_key_deletion_window_in_days == null
    error_message = "kms_key_deletion_window_in_days is deprecated: use kms_key_deletion_window_days; removed in 0.3.0."
  }
}
