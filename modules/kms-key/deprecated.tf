# Inputs kept under their old names for one minor version (CONTRIBUTING.md, "Names").
# No deprecation warning (check block) here yet: the authorizer, llm-route and
# sagemaker-route modules still pass deletion_window_in_days, and a warning raised inside
# them would reach their callers, who cannot act on it. It comes with those modules' move
# to deletion_window_days.

variable "deletion_window_in_days" {
  description = "Deprecated: use deletion_window_days; removed in 0.3.0."
  type        = number
  default     = null

  validation {
    condition     = var.deletion_window_in_days == null || var.deletion_window_days == null ? true : var.deletion_window_in_days == var.deletion_window_days
    error_message = "deletion_window_in_days (deprecated) and deletion_window_days are both set, to different values: set only deletion_window_days."
  }

  validation {
    condition     = var.deletion_window_in_days == null || try(var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30, false)
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

locals {
  deletion_window_days = coalesce(var.deletion_window_days, var.deletion_window_in_days, 30)
}
