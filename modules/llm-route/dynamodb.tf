# Token budgets (and, when enabled, the response cache) per docs/llm-gateway.md:
# hash key `pk` (S), TTL attribute `expires_at`.
resource "aws_dynamodb_table" "usage" {
  count = var.create ? 1 : 0

  name                        = local.usage_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  tags = var.tags
}
