locals {
  redacted_headers = distinct(concat(["authorization", "x-api-key"], var.redacted_headers))
}

resource "aws_cloudwatch_log_group" "this" {
  count = var.create && var.enable_logging ? 1 : 0

  # WAF only delivers to log groups whose name starts with aws-waf-logs-.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.kms_key_arn != null
      error_message = "WAF logs must be encrypted: set kms_key_arn when create_kms_key = false."
    }
  }
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  count = var.create && var.enable_logging ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.this[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.this[0].arn]

  # Credentials never reach the logs.
  dynamic "redacted_fields" {
    for_each = local.redacted_headers
    content {
      single_header {
        name = redacted_fields.value
      }
    }
  }

  dynamic "logging_filter" {
    for_each = var.log_only_non_allowed ? [1] : []
    content {
      default_behavior = "DROP"

      filter {
        behavior    = "KEEP"
        requirement = "MEETS_ANY"

        condition {
          action_condition {
            action = "BLOCK"
          }
        }
        condition {
          action_condition {
            action = "COUNT"
          }
        }
      }
    }
  }
}
