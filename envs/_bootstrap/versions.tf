terraform {
  required_version = ">= 1.11"

  # The bootstrap stack creates the remote state bucket, so its own state is local
  # (.aigw/state/bootstrap-<env>.tfstate, written by `make bootstrap ENV=<env>`, and for
  # the local env by `make apply ENV=local`).
  backend "local" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

# A deployed env: the account's credentials as usual. The local env (always the sandbox):
# fake credentials, no account or metadata look-ups, and the services this stack uses
# pointed at the sandbox, so it never reaches AWS.
provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  access_key                  = local.sandbox_provider ? "sandbox" : null
  secret_key                  = local.sandbox_provider ? "sandbox" : null
  skip_credentials_validation = local.sandbox_provider
  skip_metadata_api_check     = local.sandbox_provider
  skip_requesting_account_id  = local.sandbox_provider
  skip_region_validation      = local.sandbox_provider
  max_retries                 = local.sandbox_provider ? 2 : null

  endpoints {
    apigateway = local.sandbox_endpoint
    iam        = local.sandbox_endpoint
    kms        = local.sandbox_endpoint
    s3         = local.sandbox_endpoint
    sts        = local.sandbox_endpoint
  }

  default_tags {
    tags = {
      "aigw:environment" = var.environment
      "aigw:managed-by"  = "terraform"
      "aigw:stack"       = "bootstrap"
    }
  }
}
