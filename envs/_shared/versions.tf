terraform {
  required_version = ">= 1.11"

  # Remote state: `make plan ENV=<env>` initialises with envs/<env>/backend.hcl
  # (bucket, key, region, use_lockfile, encrypt, kms_key_id); see backend.hcl.example.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
