mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name = "aigw-llm"
  package = {
    filename         = "llm_gateway.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  config_source    = "sdk"
  providers_config = { bedrock = { type = "bedrock" } }
  models = {
    claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] }
  }
}

run "no_uploads_by_default" {
  command = plan

  assert {
    condition     = !contains(keys(output.routes), "llm_uploads") && !contains(keys(module.function.function.environment[0].variables), "AIGW_UPLOADS_BUCKET")
    error_message = "Without uploads there is no uploads route and no bucket in the environment."
  }
}

run "uploads_route_environment_and_least_privilege" {
  command = apply

  variables {
    uploads = {
      bucket_name   = "aigw-uploads"
      bucket_arn    = "arn:aws:s3:::aigw-uploads"
      kms_key_arn   = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      content_types = ["image/png", "application/pdf"]
    }
  }

  assert {
    condition     = output.routes.llm_uploads.method == "POST" && output.routes.llm_uploads.path == "/v1/uploads" && output.routes.llm_uploads.auth == "CUSTOM"
    error_message = "uploads adds POST /v1/uploads behind the authorizer."
  }

  assert {
    condition = (
      module.function.function.environment[0].variables["AIGW_UPLOADS_BUCKET"] == "aigw-uploads" &&
      module.function.function.environment[0].variables["AIGW_UPLOADS_MAX_BYTES"] == "52428800" &&
      module.function.function.environment[0].variables["AIGW_UPLOADS_URL_TTL_SECONDS"] == "900" &&
      module.function.function.environment[0].variables["AIGW_UPLOADS_CONTENT_TYPES"] == "image/png,application/pdf"
    )
    error_message = "The function learns the bucket and the limits from its environment."
  }

  assert {
    condition = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "PutAndReadTenantUploads"]) == {
      Sid      = "PutAndReadTenantUploads"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = ["arn:aws:s3:::aigw-uploads/tenants/*"]
    }
    error_message = "The function may only put and get objects under tenants/ of the upload bucket."
  }

  assert {
    condition = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "UseUploadKeyThroughS3"]) == {
      Sid       = "UseUploadKeyThroughS3"
      Effect    = "Allow"
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = ["arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"]
      Condition = { StringEquals = { "kms:ViaService" = "s3.us-east-1.amazonaws.com" } }
    }
    error_message = "The upload key is usable only through S3, for data keys and decryption."
  }

  assert {
    condition     = length([for s in jsondecode(module.function.role_policy).Statement : s if anytrue([for a in flatten([s.Action]) : startswith(a, "s3:")])]) == 1
    error_message = "No other statement may grant S3 actions."
  }
}

run "uploads_refuses_bad_limits" {
  command = plan

  variables {
    uploads = {
      bucket_name     = "aigw-uploads"
      bucket_arn      = "arn:aws:s3:::aigw-uploads"
      kms_key_arn     = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      max_bytes       = 6000000000
      url_ttl_seconds = 30
      content_types   = ["application/x-sh"]
      key_prefix      = "all/"
    }
  }

  expect_failures = [var.uploads]
}

run "uploads_with_the_default_content_types" {
  command = plan

  variables {
    uploads = {
      bucket_name = "aigw-uploads"
      bucket_arn  = "arn:aws:s3:::aigw-uploads"
      kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    }
  }

  assert {
    condition = (
      module.function.function.environment[0].variables["AIGW_UPLOADS_BUCKET"] == "aigw-uploads" &&
      !contains(keys(module.function.function.environment[0].variables), "AIGW_UPLOADS_CONTENT_TYPES")
    )
    error_message = "Without content_types the function takes its default media types (no AIGW_UPLOADS_CONTENT_TYPES)."
  }
}
