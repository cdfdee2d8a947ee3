# The state bucket became optional (none for the local env): existing bootstrap states
# keep their bucket under the new addresses.

moved {
  from = aws_s3_bucket.state
  to   = aws_s3_bucket.state[0]
}

moved {
  from = aws_s3_bucket_versioning.state
  to   = aws_s3_bucket_versioning.state[0]
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.state
  to   = aws_s3_bucket_server_side_encryption_configuration.state[0]
}

moved {
  from = aws_s3_bucket_public_access_block.state
  to   = aws_s3_bucket_public_access_block.state[0]
}

moved {
  from = aws_s3_bucket_ownership_controls.state
  to   = aws_s3_bucket_ownership_controls.state[0]
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.state
  to   = aws_s3_bucket_lifecycle_configuration.state[0]
}

moved {
  from = aws_s3_bucket_policy.state
  to   = aws_s3_bucket_policy.state[0]
}

# The key moved into modules/kms-key: the deployed key and alias keep their identity.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this[0]
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this[0]
}
