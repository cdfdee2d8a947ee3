# POST /v1/uploads and object references in chat content (ADR 0137): the function signs
# PUT URLs for tenants/<tenant>/<id> in the upload bucket (modules/upload-store) and
# lets Bedrock read those objects for image and document parts. Its role may put and
# get objects under tenants/ and nothing else in the bucket.
variable "uploads" {
  description = "The upload bucket (modules/upload-store's `uploads` output: bucket_name, bucket_arn, kms_key_arn, key_prefix) plus the limits of POST /v1/uploads: max_bytes (largest upload, 1 byte to 5 GiB, default 50 MiB), url_ttl_seconds (lifetime of a pre-signed URL, 60-3600, default 900) and content_types (media types a client may upload; default: the image and document types). Null (default): no uploads route, and object references are refused."
  type = object({
    bucket_name     = string
    bucket_arn      = string
    kms_key_arn     = string
    key_prefix      = optional(string, "tenants/")
    max_bytes       = optional(number, 52428800)
    url_ttl_seconds = optional(number, 900)
    content_types   = optional(list(string))
  })
  default = null

  validation {
    condition     = var.uploads == null || try(var.uploads.key_prefix == "tenants/", false)
    error_message = "uploads.key_prefix must be \"tenants/\" (the prefix scheme the function and the upload-store bucket policy share)."
  }

  validation {
    condition     = var.uploads == null || try(var.uploads.max_bytes >= 1 && var.uploads.max_bytes <= 5368709120 && floor(var.uploads.max_bytes) == var.uploads.max_bytes, false)
    error_message = "uploads.max_bytes must be a whole number of bytes from 1 to 5368709120 (5 GiB, the largest single PUT S3 accepts)."
  }

  validation {
    condition     = var.uploads == null || try(var.uploads.url_ttl_seconds >= 60 && var.uploads.url_ttl_seconds <= 3600 && floor(var.uploads.url_ttl_seconds) == var.uploads.url_ttl_seconds, false)
    error_message = "uploads.url_ttl_seconds must be a whole number from 60 to 3600 (a URL signed with the function's role credentials cannot outlive them)."
  }

  validation {
    # A conditional, not `||`: Terraform evaluates both sides of `||`, and length(null) fails.
    condition     = var.uploads == null || try(var.uploads.content_types == null ? true : (length(var.uploads.content_types) > 0 && alltrue([for t in var.uploads.content_types : contains(local.upload_media_types, t)])), false)
    error_message = "uploads.content_types must be a non-empty list of: image/png, image/jpeg, image/gif, image/webp, image/tiff, application/pdf, text/csv, application/msword, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.ms-excel, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/html, text/plain, text/markdown, audio/mpeg, audio/wav, audio/flac, audio/ogg."
  }
}

locals {
  # The media types llm_gateway/uploads.py knows (MEDIA_TYPES); a test keeps both lists equal.
  upload_media_types = [
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff",
    "application/pdf", "text/csv", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/html", "text/plain", "text/markdown",
    "audio/mpeg", "audio/wav", "audio/flac", "audio/ogg",
  ]

  uploads_enabled = var.uploads != null

  uploads_environment = local.uploads_enabled ? merge(
    {
      AIGW_UPLOADS_BUCKET          = var.uploads.bucket_name
      AIGW_UPLOADS_MAX_BYTES       = tostring(var.uploads.max_bytes)
      AIGW_UPLOADS_URL_TTL_SECONDS = tostring(var.uploads.url_ttl_seconds)
    },
    var.uploads.content_types == null ? {} : { AIGW_UPLOADS_CONTENT_TYPES = join(",", var.uploads.content_types) },
  ) : {}

  # Exactly what llm_gateway/uploads.py signs (PutObject) and what Bedrock reads with the
  # function's credentials for s3Location sources (GetObject), under tenants/ only.
  uploads_policy_statements = concat(local.uploads_enabled ? [
    {
      Sid      = "PutAndReadTenantUploads"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = ["${var.uploads.bucket_arn}/${var.uploads.key_prefix}*"]
    },
    ] : [], local.uploads_enabled ? [
    {
      # SSE-KMS: a PUT needs a data key, a GET its decryption; only through S3.
      Sid      = "UseUploadKeyThroughS3"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource = [var.uploads.kms_key_arn]
      Condition = {
        StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
      }
    },
  ] : [])

  uploads_schema = jsonencode({
    type     = "object"
    required = ["bytes", "mime_type"]
    properties = {
      bytes     = { type = "integer", minimum = 1 }
      mime_type = { type = "string", minLength = 1 }
    }
  })

  uploads_routes = local.uploads_enabled ? {
    llm_uploads = merge(local.route_base, {
      path           = "/v1/uploads"
      method         = "POST"
      summary        = "Get a pre-signed URL to upload an image, document or audio file"
      integration    = local.integration
      request_schema = local.uploads_schema
    })
  } : {}
}

output "uploads" {
  description = "The upload bucket and limits the function uses (null: no uploads route)."
  value       = var.create ? var.uploads : null
}
