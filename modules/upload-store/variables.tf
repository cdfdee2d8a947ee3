################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create any resource. When false nothing is created and every output is null (key_prefix and content_types keep their values)."
  type        = bool
  default     = true
  nullable    = false
}

variable "bucket_name" {
  description = "Name of the upload bucket (globally unique: 3-63 characters of lower-case letters, digits, '.' and '-'). Include the account id or another unique part."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.|^xn--|-s3alias$|--ol-s3$|^sthree-|^amzn-s3-demo-", var.bucket_name)) && !can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lower-case letters, digits, '.' and '-', start and end with a letter or digit, hold no '..', not look like an IP address and not use a reserved prefix or suffix (xn--, sthree-, amzn-s3-demo-, -s3alias, --ol-s3)."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket while it still holds uploads. False (default): destroying a non-empty bucket fails."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Objects
################################################################################

variable "expiration_days" {
  description = "Days an upload is kept before the lifecycle rule deletes it (1-365). Uploads are inputs to one or a few requests, not storage: keep this short."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.expiration_days >= 1 && var.expiration_days <= 365 && floor(var.expiration_days) == var.expiration_days
    error_message = "expiration_days must be a whole number of days from 1 to 365."
  }
}

variable "access_log_bucket" {
  description = "Bucket that receives S3 server access logs of the upload bucket (it must accept logs from logging.s3.amazonaws.com). Null (default): no server access logs; enable CloudTrail S3 data events for an audit trail instead (docs/uploads.md)."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.access_log_bucket, "x")))
    error_message = "access_log_bucket must be a bucket name (3-63 characters of lower-case letters, digits, '.' and '-') or null."
  }
}

variable "access_log_prefix" {
  description = "Key prefix of the access log objects in access_log_bucket."
  type        = string
  default     = "s3-access/"
  nullable    = false
}

################################################################################
# Encryption
################################################################################

variable "kms_key_arn" {
  description = "KMS key that encrypts the uploads (SSE-KMS with an S3 Bucket Key). Null: the module creates one (see create_kms_key)."
  type        = string
  default     = null
}

variable "create_kms_key" {
  description = "Whether to create the key. Null: create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply. True together with kms_key_arn is an error."
  type        = bool
  default     = null
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a deleted module key is destroyed (7-30 days). Null: 30."
  type        = number
  default     = null
}
