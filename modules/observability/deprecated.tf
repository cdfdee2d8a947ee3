# Inputs kept under their old names for one minor version (CONTRIBUTING.md, "Names").

variable "lambda_function_names" {
  description = "Deprecated: use function_names; removed in 0.3.0."
  type        = map(string)
  default     = null

  validation {
    condition     = var.lambda_function_names == null || length(var.function_names) == 0 ? true : var.lambda_function_names == var.function_names
    error_message = "lambda_function_names (deprecated) and function_names are both set, to different values: set only function_names."
  }
}

variable "emf_namespace" {
  description = "Deprecated: use metrics_namespace; removed in 0.3.0."
  type        = string
  default     = null

  validation {
    condition     = var.emf_namespace == null || var.metrics_namespace == null ? true : var.emf_namespace == var.metrics_namespace
    error_message = "emf_namespace (deprecated) and metrics_namespace are both set, to different values: set only metrics_namespace."
  }

  validation {
    condition     = var.emf_namespace == null ? true : can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.emf_namespace)) && !startswith(var.emf_namespace, "AWS/")
    error_message = "emf_namespace must be 1-255 characters of letters, digits and . _ / # : - and must not start with AWS/."
  }
}

locals {
  function_names    = length(var.function_names) > 0 ? var.function_names : coalesce(var.lambda_function_names, {})
  metrics_namespace = coalesce(var.metrics_namespace, var.emf_namespace, "aigw")
}

check "deprecated_inputs" {
  assert {
    condition     = var.lambda_function_names == null
    error_message = "lambda_function_names is deprecated: use function_names; removed in 0.3.0."
  }
  assert {
    condition     = var.emf_namespace == null
    error_message = "emf_namespace is deprecated: use metrics_namespace; removed in 0.3.0."
  }
}
