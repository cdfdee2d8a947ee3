terraform {
  required_version = ">= 1.11"

  # State lives under .aigw/state/ (set by `make apply ENV=local` with -backend-config).
  backend "local" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
