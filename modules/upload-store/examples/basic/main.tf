# The upload bucket with its defaults: a module-created KMS key, uploads kept one day,
# no server access logs.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

data "aws_caller_identity" "current" {}

module "upload_store" {
  source = "../.."

  # Bucket names are global: the account id keeps this one unique.
  bucket_name   = "${var.name_prefix}-uploads-basic-${data.aws_caller_identity.current.account_id}"
  force_destroy = true
}

output "uploads" {
  description = "What llm-route and ai-service-route take as `uploads`."
  value       = module.upload_store.uploads
}
