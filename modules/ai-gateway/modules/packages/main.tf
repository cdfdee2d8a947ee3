# The Lambda packages of one build, read from the manifest `make build` writes
# (dist/manifest.json): the one place a root reads it, for the `packages` input of
# modules/ai-gateway (and the route modules' `package`). Terraform never builds or
# hashes code (ADR 0001).

terraform {
  required_version = ">= 1.11"
}

variable "manifest_path" {
  description = "Path of the build manifest, relative to the root module's directory (file() reads from there), e.g. ../../dist/manifest.json."
  type        = string
  nullable    = false
}

variable "names" {
  description = "Packages to return, by manifest name (default: the gateway's functions, the SageMaker proxy included)."
  type        = list(string)
  default     = ["llm_gateway", "authorizer", "sagemaker_proxy"]
  nullable    = false
}

locals {
  manifest = jsondecode(file(var.manifest_path))
  missing  = [for name in var.names : name if !can(local.manifest.packages[name].filename)]
}

output "packages" {
  description = "Package name => { filename (zip path next to the manifest), source_code_hash (base64 SHA-256), architecture (arm64 or x86_64, as `make build ARCH=…` recorded it; the function must run on it) }."
  value = {
    for name in var.names : name => {
      filename         = "${dirname(var.manifest_path)}/${local.manifest.packages[name].filename}"
      source_code_hash = local.manifest.packages[name].sha256_base64
      architecture     = local.manifest.packages[name].architecture
    } if !contains(local.missing, name)
  }

  precondition {
    condition     = length(local.missing) == 0
    error_message = "The build manifest ${var.manifest_path} has no package(s) ${join(", ", local.missing)}: run `make build`."
  }
}
