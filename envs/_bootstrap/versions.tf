terraform {
  required_version = ">= 1.7"

  # The bootstrap stack creates the remote state bucket, so its own state is local
  # (.aigw/state/bootstrap-<env>.tfstate, written by `make bootstrap ENV=<env>`).
  backend "local" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = {
      "aigw:environment" = var.environment
      "aigw:managed-by"  = "terraform"
      "aigw:stack"       = "bootstrap"
    }
  }
}
