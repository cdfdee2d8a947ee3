# One customer-managed KMS key for one aigw component: rotation on, a key policy that
# leaves administration with the account's IAM policies, and service access scoped to
# exactly the log groups and services the component names.

data "aws_caller_identity" "current" {
  count = local.create_key ? 1 : 0
}

data "aws_partition" "current" {
  count = local.create_key ? 1 : 0
}

data "aws_region" "current" {
  count = local.create_key && length(var.log_group_arns) > 0 ? 1 : 0
}

locals {
  # The one place where "use the given key or create one" is decided for every module.
  create_key = var.create && (var.create_key != null ? var.create_key : var.key_arn == null)

  account_id = try(data.aws_caller_identity.current[0].account_id, "")
  partition  = try(data.aws_partition.current[0].partition, "aws")
  region     = try(data.aws_region.current[0].name, "")

  # Every action by name: a wildcard such as kms:Create* would also allow kms:CreateGrant,
  # with which an IAM principal could grant itself any use of the key.
  admin_actions = [
    "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:EnableKey", "kms:DisableKey", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
    "kms:RotateKeyOnDemand", "kms:ListKeyRotations", "kms:UpdateKeyDescription",
    "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
    "kms:RevokeGrant", "kms:TagResource", "kms:UntagResource",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
  ]
  use_actions = [
    "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
    "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
  ]

  # In a key policy, Resource "*" means "this key".
  statements = concat(
    [{
      # Key administration and use stay with the account's IAM policies.
      Sid       = "AccountAdministersAndDelegatesToIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = concat(local.admin_actions, local.use_actions)
      Resource  = "*"
    }],
    var.allow_grants ? [{
      # Services that encrypt for a caller (DynamoDB, Lambda, SageMaker) create a grant
      # with the caller's permissions; a principal cannot create one for itself.
      Sid       = "AccountCreatesGrantsForAwsServices"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = ["kms:CreateGrant"]
      Resource  = "*"
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    }] : [],
    length(var.log_group_arns) == 0 ? [] : [{
      # CloudWatch Logs may use the key only for the named log groups.
      Sid       = "CloudWatchLogsForNamedLogGroups"
      Effect    = "Allow"
      Principal = { Service = "logs.${local.region}.amazonaws.com" }
      Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = {
        ArnLike = { "kms:EncryptionContext:aws:logs:arn" = var.log_group_arns }
      }
    }],
    [for sid, s in var.service_principals : {
      # A service acting for this account only (no confused deputy).
      Sid       = sid
      Effect    = "Allow"
      Principal = { Service = s.service }
      Action    = s.actions
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }],
  )
}

resource "aws_kms_key" "this" {
  count = local.create_key ? 1 : 0

  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = local.deletion_window_days
  policy                  = jsonencode({ Version = "2012-10-17", Statement = local.statements })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_key && var.alias != null ? 1 : 0

  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this[0].key_id
}
