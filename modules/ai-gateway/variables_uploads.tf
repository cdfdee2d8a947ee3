variable "uploads" {
  description = "Large payloads by upload (docs/uploads.md): POST /v1/uploads returns a pre-signed S3 PUT for tenants/<tenant>/<id> in a bucket this module creates (modules/upload-store), and chat image and file parts take the upload's id or URI (Bedrock reads it from S3). Off by default: it creates a bucket that holds tenants' files. enabled; bucket_name (null: <name>-uploads-<account id>); expiration_days (days an upload is kept, 1-365, default 1); max_bytes (largest upload, default 50 MiB); url_ttl_seconds (60-3600, default 900); content_types (null: images and documents); access_log_bucket (null: no S3 server access logs)."
  type = object({
    enabled           = optional(bool, false)
    bucket_name       = optional(string)
    expiration_days   = optional(number, 1)
    max_bytes         = optional(number, 52428800)
    url_ttl_seconds   = optional(number, 900)
    content_types     = optional(list(string))
    access_log_bucket = optional(string)
  })
  default  = {}
  nullable = false
}
