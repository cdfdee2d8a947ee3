# The local AWS sandbox: moto in server mode on 127.0.0.1 (`make sandbox-up`).
# Fake credentials, no account/metadata look-ups, every service endpoint pointed at the
# sandbox, and few retries so calls the sandbox does not implement fail fast.
provider "aws" {
  region     = var.region
  access_key = "sandbox"
  secret_key = "sandbox"

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  max_retries                 = 2

  endpoints {
    apigateway     = var.sandbox_endpoint
    cloudwatch     = var.sandbox_endpoint
    cloudwatchlogs = var.sandbox_endpoint
    dynamodb       = var.sandbox_endpoint
    ec2            = var.sandbox_endpoint
    elbv2          = var.sandbox_endpoint
    iam            = var.sandbox_endpoint
    kms            = var.sandbox_endpoint
    lambda         = var.sandbox_endpoint
    s3             = var.sandbox_endpoint
    sagemaker      = var.sandbox_endpoint
    secretsmanager = var.sandbox_endpoint
    sns            = var.sandbox_endpoint
    ssm            = var.sandbox_endpoint
    sts            = var.sandbox_endpoint
    wafv2          = var.sandbox_endpoint
  }

  s3_use_path_style = true

  default_tags {
    tags = local.tags
  }
}
