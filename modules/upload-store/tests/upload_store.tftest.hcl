mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::aigw-test-uploads"
      id  = "aigw-test-uploads"
    }
  }
}

variables {
  bucket_name = "aigw-test-uploads"
  tags        = { project = "aigw" }
}

run "bucket_is_private_encrypted_and_expiring" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this[0].block_public_acls,
      aws_s3_bucket_public_access_block.this[0].block_public_policy,
      aws_s3_bucket_public_access_block.this[0].ignore_public_acls,
      aws_s3_bucket_public_access_block.this[0].restrict_public_buckets,
    ])
    error_message = "Every public access block setting must be on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this[0].rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership must be enforced (ACLs off)."
  }

  assert {
    condition = one([for r in aws_s3_bucket_server_side_encryption_configuration.this[0].rule : (
      one(r.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
      && one(r.apply_server_side_encryption_by_default).kms_master_key_id == module.kms_key.key_arn
      && r.bucket_key_enabled
    )])
    error_message = "Uploads must be encrypted with the module's KMS key (SSE-KMS, bucket key on)."
  }

  assert {
    condition     = module.kms_key.key_created && output.kms_key_arn == module.kms_key.key_arn
    error_message = "Without kms_key_arn the module creates its key through modules/kms-key."
  }

  assert {
    condition = one([for r in aws_s3_bucket_lifecycle_configuration.this[0].rule : (
      r.status == "Enabled" && one(r.expiration).days == 1 && one(r.abort_incomplete_multipart_upload).days_after_initiation == 1
    )])
    error_message = "Uploads expire after one day by default, and incomplete multipart uploads are aborted."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "Server access logging is opt-in (access_log_bucket)."
  }

  assert {
    condition     = !aws_s3_bucket.this[0].force_destroy
    error_message = "A non-empty upload bucket must not be destroyed by default."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.this[0].policy).Statement : (
      s.Effect == "Deny" && s.Action == "s3:*" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
      && try(toset(s.Resource), null) == toset(["arn:aws:s3:::aigw-test-uploads/*", "arn:aws:s3:::aigw-test-uploads"])
    )])
    error_message = "The bucket policy must deny every request made without TLS."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.this[0].policy).Statement : (
      s.Effect == "Deny" && s.Action == "s3:PutObject" && try(s.NotResource, null) == ["arn:aws:s3:::aigw-test-uploads/tenants/*"]
    )])
    error_message = "The bucket policy must refuse writes outside tenants/."
  }

  assert {
    condition     = output.key_prefix == "tenants/" && output.objects_arn == "arn:aws:s3:::aigw-test-uploads/tenants/*"
    error_message = "Objects live under tenants/<tenant>/."
  }

  assert {
    condition     = output.uploads == { bucket_name = "aigw-test-uploads", bucket_arn = "arn:aws:s3:::aigw-test-uploads", kms_key_arn = module.kms_key.key_arn, key_prefix = "tenants/" }
    error_message = "The uploads output carries what llm-route and ai-service-route take."
  }
}

run "given_key_and_access_logs" {
  command = apply

  variables {
    kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    expiration_days   = 7
    access_log_bucket = "aigw-test-logs"
  }

  assert {
    condition     = !module.kms_key.key_created && output.kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    error_message = "A given key is used and no key is created."
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "aigw-test-logs" && aws_s3_bucket_logging.this[0].target_prefix == "s3-access/"
    error_message = "access_log_bucket turns server access logging on."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this[0].rule[0].expiration).days == 7
    error_message = "expiration_days reaches the lifecycle rule."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_s3_bucket.this) == 0 && output.bucket_name == null && output.uploads == null && output.kms_key_arn == null
    error_message = "create = false must create nothing."
  }
}

run "refuses_a_bad_bucket_name" {
  command = plan

  variables {
    bucket_name = "Uploads_Bucket"
  }

  expect_failures = [var.bucket_name]
}

run "refuses_expiration_out_of_range" {
  command = plan

  variables {
    expiration_days = 0
  }

  expect_failures = [var.expiration_days]
}

run "refuses_no_key_at_all" {
  command = plan

  variables {
    create_kms_key = false
  }

  expect_failures = [aws_s3_bucket.this]
}
