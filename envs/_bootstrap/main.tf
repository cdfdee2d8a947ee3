# Bootstrap of an environment: its customer-managed KMS key, which encrypts the gateway's
# logs, tables, parameters and function environments (and the state), API Gateway's
# account-level CloudWatch Logs role (account_cloudwatch_role.tf, ADR 0092), and for a
# deployed environment the remote state bucket (state_bucket.tf). The local env gets the
# key and the role, in the sandbox (`make apply ENV=local` applies this stack first;
# ADR 0090).

data "aws_caller_identity" "current" {
  lifecycle {
    precondition {
      condition     = var.environment == "local" || var.sandbox_endpoint == null
      error_message = "sandbox_endpoint is for environment = \"local\" (the local AWS sandbox) only: dev, staging and prod are bootstrapped in their AWS account."
    }
  }
}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  bucket     = coalesce(var.bucket_name, "aigw-tfstate-${local.account_id}-${var.environment}")

  # The local env lives in the sandbox only: never an AWS endpoint, even without the variable.
  sandbox             = var.environment == "local"
  sandbox_endpoint    = local.sandbox ? coalesce(var.sandbox_endpoint, "http://127.0.0.1:4599") : var.sandbox_endpoint
  sandbox_provider    = local.sandbox_endpoint != null
  create_state_bucket = !local.sandbox
}

# The key (modules/kms-key): administration and use delegated to the account's IAM
# policies, grants only for AWS services (DynamoDB, Lambda), CloudWatch Logs for the log
# groups of this account and region, CloudWatch alarms for encrypted topics.
module "kms_key" {
  source = "../../modules/kms-key"

  description          = "aigw ${var.environment}: Terraform state and the gateway's data at rest"
  alias                = "aigw-${var.environment}"
  deletion_window_days = 30
  log_group_arns       = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
  allow_grants         = true
  service_principals = {
    CloudWatchAlarmsPublishToEncryptedTopics = { service = "cloudwatch.amazonaws.com", actions = ["kms:GenerateDataKey*", "kms:Decrypt"] }
  }
}
