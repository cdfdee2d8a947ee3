# A key for one component's log group, with an alias.

provider "aws" {
  region = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits."
  }
}

data "aws_caller_identity" "current" {}

module "kms_key" {
  source = "../../"

  description          = "aigw example: encrypts one log group"
  alias                = "${var.name_prefix}/example/kms-key"
  deletion_window_days = 7
  log_group_arns       = ["arn:aws:logs:us-east-1:${data.aws_caller_identity.current.account_id}:log-group:/aigw/${var.name_prefix}/example"]

  tags = { project = "aigw", example = "kms-key-basic" }
}

resource "aws_cloudwatch_log_group" "example" {
  name              = "/aigw/${var.name_prefix}/example"
  retention_in_days = 365
  kms_key_id        = module.kms_key.key_arn
}

output "key_arn" {
  description = "ARN of the key."
  value       = module.kms_key.key_arn
}

output "alias_name" {
  description = "Alias of the key."
  value       = module.kms_key.alias_name
}
