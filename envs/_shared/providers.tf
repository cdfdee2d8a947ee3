provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = merge(var.tags, {
      "aigw:environment" = var.environment
      "aigw:managed-by"  = "terraform"
    })
  }
}
