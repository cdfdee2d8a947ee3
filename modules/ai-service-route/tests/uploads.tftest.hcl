mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
}

variables {
  name     = "aigw-ai"
  services = { document = true, image_text = true, moderation = true }
  uploads = {
    bucket_name = "aigw-uploads"
    bucket_arn  = "arn:aws:s3:::aigw-uploads"
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }
}

run "media_routes_take_an_upload_instead_of_bytes" {
  command = apply

  assert {
    condition = alltrue([for k, field in { labels = "image", image_text = "image", moderation = "image", document = "document" } : (
      jsondecode(output.routes["ai_${k}"].request_schema).oneOf == [{ required = [field] }, { required = ["upload"] }] &&
      !can(jsondecode(output.routes["ai_${k}"].request_schema).required) &&
      jsondecode(output.routes["ai_${k}"].request_schema).additionalProperties == false
    )])
    error_message = "Each media route takes exactly one of its bytes field and upload, and nothing else."
  }

  assert {
    condition = (
      jsondecode(output.routes.ai_labels.request_schema).properties.upload.pattern == "^upload_[0-9a-f]{32}\\.(jpeg|png)$" &&
      jsondecode(output.routes.ai_document.request_schema).properties.upload.pattern == "^upload_[0-9a-f]{32}\\.(jpeg|png|tiff|pdf)$"
    )
    error_message = "The schema admits only an upload id of a format the service reads from S3."
  }

  assert {
    condition = (
      strcontains(output.routes.ai_labels.integration.request_templates["application/json"], "\"Bucket\": \"aigw-uploads\"") &&
      strcontains(output.routes.ai_labels.integration.request_templates["application/json"], "tenants/$util.escapeJavaScript($tenant.replace(\"/\", \"\"))/") &&
      strcontains(output.routes.ai_document.integration.request_templates["application/json"], "#set($tenant = $context.authorizer.tenant)")
    )
    error_message = "The templates build the key from the authorizer's tenant in the upload bucket."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s if s.Sid == "ReadTenantUploads"]) == {
      Sid      = "ReadTenantUploads"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["arn:aws:s3:::aigw-uploads/tenants/*"]
    }
    error_message = "The role may only get objects under tenants/ of the upload bucket."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s if s.Sid == "DecryptUploadsThroughS3"]) == {
      Sid       = "DecryptUploadsThroughS3"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = ["arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"]
      Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
    }
    error_message = "The upload key is usable only for decryption through S3."
  }

  assert {
    condition     = jsondecode(output.routes.ai_sentiment.request_schema).required == ["text"] && !can(jsondecode(output.routes.ai_sentiment.request_schema).properties.upload)
    error_message = "Text routes are unchanged."
  }
}

run "no_uploads_no_s3_and_the_old_schemas" {
  command = apply

  variables {
    uploads = null
  }

  assert {
    condition     = jsondecode(output.routes.ai_labels.request_schema).required == ["image"] && !can(jsondecode(output.routes.ai_labels.request_schema).properties.upload)
    error_message = "Without uploads the labels route takes bytes only."
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.this[0].policy).Statement) == 1
    error_message = "Without uploads the role reads no bucket."
  }

  assert {
    condition     = strcontains(output.routes.ai_labels.integration.request_templates["application/json"], "#if(\"\" != \"\"")
    error_message = "Without a bucket the template's S3 branch is off."
  }
}

run "text_routes_only_get_no_bucket_access" {
  command = apply

  variables {
    services = { labels = false }
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.this[0].policy).Statement) == 1
    error_message = "With no media route enabled the role reads no bucket."
  }
}

run "uploads_need_the_authorizer" {
  command = plan

  variables {
    route_auth = "AWS_IAM"
  }

  expect_failures = [var.uploads]
}
