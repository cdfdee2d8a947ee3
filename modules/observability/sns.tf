locals {
  create_kms_key = var.create && var.create_sns_topic && var.create_kms_key
  kms_key_arn    = var.create_kms_key ? try(aws_kms_key.this[0].arn, null) : var.kms_key_arn
  topic_arn      = var.create_sns_topic ? try(aws_sns_topic.this[0].arn, null) : var.sns_topic_arn
  alarm_actions  = local.topic_arn == null ? [] : [local.topic_arn]
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "aigw: encrypts the alarm topic ${var.name}-alarms"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Key administration and use stay with the account's IAM policies.
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
          "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
          "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
          "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
        ]
        Resource = "*"
      },
      {
        # CloudWatch alarms publish to the encrypted topic.
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/aigw/alarms/${var.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_sns_topic" "this" {
  count = var.create && var.create_sns_topic ? 1 : 0

  name              = "${var.name}-alarms"
  kms_master_key_id = local.kms_key_arn

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.kms_key_arn != null
      error_message = "The alarm topic must be encrypted: set kms_key_arn when create_kms_key = false."
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count = var.create && var.create_sns_topic ? 1 : 0

  arn = aws_sns_topic.this[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManagesTopic"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action = [
          "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission",
          "sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe",
          "sns:ListSubscriptionsByTopic", "sns:Publish",
        ]
        Resource = aws_sns_topic.this[0].arn
      },
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this[0].arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*" }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.create && var.create_sns_topic ? { for i, s in var.subscriptions : tostring(i) => s } : {}

  topic_arn             = aws_sns_topic.this[0].arn
  protocol              = each.value.protocol
  endpoint              = each.value.endpoint
  raw_message_delivery  = each.value.raw_message_delivery
  subscription_role_arn = each.value.subscription_role_arn
}
