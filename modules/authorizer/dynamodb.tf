# Schema: docs/identity.md. The authorizer only reads (GetItem); the aigw CLI writes.

resource "aws_dynamodb_table" "tenants" {
  count = var.create ? 1 : 0

  name                        = "${var.name}-tenants"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "tenant_id"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "tenant_id"
    type = "S"
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

resource "aws_dynamodb_table" "keys" {
  count = var.create ? 1 : 0

  name                        = "${var.name}-keys"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "key_id"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "key_id"
    type = "S"
  }

  attribute {
    name = "tenant_id"
    type = "S"
  }

  attribute {
    name = "created_at"
    type = "S"
  }

  # Lists a tenant's keys without exposing their hashes.
  global_secondary_index {
    name               = "tenant_id-index"
    hash_key           = "tenant_id"
    range_key          = "created_at"
    projection_type    = "INCLUDE"
    non_key_attributes = ["stage", "status", "label", "expires_at", "revoked_at"]
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
