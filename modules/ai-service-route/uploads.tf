# Media routes read uploads by reference (ADR 0138): a request names `upload` (the id
# POST /v1/uploads returned) instead of base64 bytes, and the request template builds
# S3Object {Bucket, Name} with Name = tenants/<tenant from the authorizer>/<id>. The
# tenant never comes from the body, so a caller can only name its own uploads; the
# request schema admits only the id's exact spelling.
variable "uploads" {
  description = "The upload bucket (modules/upload-store's `uploads` output: bucket_name, bucket_arn, kms_key_arn, key_prefix). Set: the labels, image_text, moderation and document routes also take `upload` (an upload id) instead of base64 bytes, and the role may read tenants/* of the bucket. Needs route_auth = CUSTOM (the tenant comes from the authorizer). Null (default): bytes only."
  type = object({
    bucket_name = string
    bucket_arn  = string
    kms_key_arn = string
    key_prefix  = optional(string, "tenants/")
  })
  default = null

  validation {
    condition     = var.uploads == null || try(var.uploads.key_prefix == "tenants/", false)
    error_message = "uploads.key_prefix must be \"tenants/\" (the prefix scheme of modules/upload-store)."
  }

  validation {
    condition     = var.uploads == null || var.route_auth == "CUSTOM"
    error_message = "uploads needs route_auth = CUSTOM: the object key is built from the authorizer's tenant, which AWS_IAM routes do not have."
  }
}

variable "tenant_context_key" {
  description = "Authorizer context key that holds the caller's tenant id (the aigw authorizer's is `tenant`); the upload key is tenants/$context.authorizer.<key>/<id>."
  type        = string
  default     = "tenant"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,63}$", var.tenant_context_key))
    error_message = "tenant_context_key must be 1-64 letters, digits and '_', starting with a letter."
  }
}

locals {
  uploads_enabled = var.uploads != null

  # The services that read an image or document, and the upload extensions each takes
  # from S3: Rekognition JPEG and PNG, Textract DetectDocumentText JPEG, PNG, TIFF and PDF.
  upload_extensions = {
    labels     = ["jpeg", "png"]
    image_text = ["jpeg", "png"]
    moderation = ["jpeg", "png"]
    document   = ["jpeg", "png", "tiff", "pdf"]
  }

  # Variables of the request templates: an empty bucket turns the S3 branch off.
  upload_template_vars = {
    bucket     = local.uploads_enabled ? var.uploads.bucket_name : ""
    key_prefix = local.uploads_enabled ? var.uploads.key_prefix : ""
    tenant_key = var.tenant_context_key
  }

  # The bytes field of each media route, replaced by `upload` as the alternative.
  media_field = { labels = "image", image_text = "image", moderation = "image", document = "document" }

  upload_schemas = {
    # No top-level `required`: the bytes field was the only one, and draft 4 refuses an
    # empty list.
    for k, exts in local.upload_extensions : k => {
      type                 = "object"
      additionalProperties = false
      oneOf                = [{ required = [local.media_field[k]] }, { required = ["upload"] }]
      properties = merge(local.request_schemas[k].properties, {
        upload = { type = "string", pattern = "^upload_[0-9a-f]{32}\\.(${join("|", exts)})$" }
      })
    }
  }

  # The request schema of every route: the media routes' variants when uploads are on.
  route_schemas = merge(
    { for k, v in local.request_schemas : k => jsonencode(v) },
    local.uploads_enabled ? { for k, v in local.upload_schemas : k => jsonencode(v) } : {},
  )

  readers_enabled = local.uploads_enabled && anytrue([for k in keys(local.upload_extensions) : var.services[k]])

  # The role reads uploads only under tenants/, and decrypts them only through S3.
  upload_policy_statements = concat(local.readers_enabled ? [
    {
      Sid      = "ReadTenantUploads"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["${var.uploads.bucket_arn}/${var.uploads.key_prefix}*"]
    },
    ] : [], local.readers_enabled ? [
    {
      Sid       = "DecryptUploadsThroughS3"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = [var.uploads.kms_key_arn]
      Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
    },
  ] : [])
}
