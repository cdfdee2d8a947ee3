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
