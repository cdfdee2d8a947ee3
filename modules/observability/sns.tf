locals {
  # modules/kms-key decides between the given key and a new one (ADR 0105).
  kms_key_arn   = module.kms_key.key_arn
  topic_arn     = var.create_sns_topic ? try(aws_sns_topic.this[0].arn, null) : var.sns_topic_arn
  alarm_actions = local.topic_arn == null ? [] : [local.topic_arn]
}

module "kms_key" {
  source = "../kms-key"

  create               = var.create && var.create_sns_topic
  key_arn              = var.kms_key_arn
  create_key           = var.create_kms_key
  description          = "aigw: encrypts the alarm topic ${var.name}-alarms"
  alias                = "aigw/alarms/${var.name}"
  deletion_window_days = var.kms_key_deletion_window_days
  service_principals = {
    # CloudWatch alarms publish to the encrypted topic.
    CloudWatchAlarmsPublish = { service = "cloudwatch.amazonaws.com", actions = ["kms:Decrypt", "kms:GenerateDataKey*"] }
  }

  tags = var.tags
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
        # Only this account's principals, said explicitly (the root principal alone reads
        # as a cross-account grant to policy scanners).
        Condition = {
          StringEquals = { "aws:PrincipalAccount" = local.account_id }
        }
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
