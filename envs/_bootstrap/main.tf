# Bootstrap of an environment: its customer-managed KMS key, which encrypts the gateway's
# logs, tables, parameters and function environments (and the state), and for a deployed
# environment the remote state bucket (state_bucket.tf). The local env gets only the key,
# in the sandbox (`make apply ENV=local` applies this stack first; ADR 0090).

data "aws_caller_identity" "current" {}
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

resource "aws_kms_key" "this" {
  description             = "aigw ${var.environment}: Terraform state and the gateway's data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # In a key policy, Resource "*" means "this key".
        Sid       = "AccountAdministersAndDelegatesToIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        # Every action by name: kms:Create* would include kms:CreateGrant (CKV_AIGW_22).
        Action = [
          "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
          "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
          "kms:EnableKey", "kms:DisableKey", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
          "kms:RotateKeyOnDemand", "kms:ListKeyRotations", "kms:UpdateKeyDescription",
          "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
          "kms:RevokeGrant", "kms:TagResource", "kms:UntagResource",
          "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
          "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
        ]
        Resource = "*"
      },
      {
        # DynamoDB and Lambda create grants on the key for the caller; a principal cannot
        # create one for itself.
        Sid       = "AccountCreatesGrantsForAwsServices"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["kms:CreateGrant"]
        Resource  = "*"
        Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
      },
      {
        Sid       = "CloudWatchLogsOfThisAccountAndRegion"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*" }
        }
      },
      {
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopics"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })

  lifecycle {
    precondition {
      condition     = local.sandbox || var.sandbox_endpoint == null
      error_message = "sandbox_endpoint is for environment = \"local\" (the local AWS sandbox) only: dev, staging and prod are bootstrapped in their AWS account."
    }
  }
}

resource "aws_kms_alias" "this" {
  name          = "alias/aigw-${var.environment}"
  target_key_id = aws_kms_key.this.key_id
}
