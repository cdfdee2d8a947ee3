# The proxy function in front of two endpoints the module creates: a serverless JSON model
# and an instance-backed CSV model with autoscaling. Build the package first
# (`make build`); the example reads dist/manifest.json.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
}

variable "manifest_path" {
  description = "Build manifest written by `make build`."
  type        = string
  default     = "../../../../dist/manifest.json"
}

variable "configure_lambda_logging" {
  description = "Off only for the local sandbox, which does not implement logging_config."
  type        = bool
  default     = true
}

variable "create_endpoints" {
  description = "Create the models, endpoint configurations and endpoints (false: route to existing endpoints of the same names). Off only for the local sandbox, whose SageMaker API does not read back network isolation and returns empty VPC and data capture blocks (drift)."
  type        = bool
  default     = true
}

variable "enable_autoscaling" {
  description = "Autoscale the instance endpoint. Off only for the local sandbox, which does not implement Application Auto Scaling tagging."
  type        = bool
  default     = true
}

variable "model_image" {
  description = "Inference container image (ECR) of both example models."
  type        = string
  default     = "763104351884.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

variable "model_bucket" {
  description = "S3 bucket holding the model artefacts (read by the SageMaker execution role)."
  type        = string
  default     = "aigw-example-models"
}

locals {
  package = jsondecode(file(var.manifest_path)).packages.sagemaker_proxy
}

data "aws_partition" "current" {}

# The role SageMaker assumes to pull the image and read the model artefacts.
resource "aws_iam_role" "sagemaker" {
  name = "${var.name_prefix}-sm-complete-models"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = { project = "aigw", example = "sagemaker-route-complete" }
}

resource "aws_iam_role_policy" "sagemaker" {
  name = "read-models"
  role = aws_iam_role.sagemaker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadModelArtefacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["arn:${data.aws_partition.current.partition}:s3:::${var.model_bucket}/*"]
      },
      {
        Sid      = "PullTheImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = ["arn:${data.aws_partition.current.partition}:ecr:${var.region}:${split(".", var.model_image)[0]}:repository/${split(":", split("/", var.model_image)[1])[0]}"]
      },
      {
        # GetAuthorizationToken has no resource-level permissions.
        Sid      = "AuthenticateToEcr"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = ["*"]
      },
    ]
  })
}

module "sagemaker" {
  source = "../../"

  name = "${var.name_prefix}-sm-complete"
  mode = "lambda"
  package = {
    filename         = "${dirname(var.manifest_path)}/${local.package.filename}"
    source_code_hash = local.package.sha256_base64
  }
  configure_lambda_logging = var.configure_lambda_logging

  endpoints = {
    sentiment = {
      endpoint_name = "${var.name_prefix}-sentiment"
      create = var.create_endpoints ? {
        image              = var.model_image
        model_data_url     = "s3://${var.model_bucket}/sentiment/model.tar.gz"
        execution_role_arn = aws_iam_role.sagemaker.arn
        serverless         = { memory_size_in_mb = 2048, max_concurrency = 5 }
      } : null
    }
    churn = {
      endpoint_name = "${var.name_prefix}-churn"
      path          = "/v1/models/churn/predict"
      content_type  = "text/csv"
      create = var.create_endpoints ? {
        image              = var.model_image
        model_data_url     = "s3://${var.model_bucket}/churn/model.tar.gz"
        execution_role_arn = aws_iam_role.sagemaker.arn
        instance_type      = "ml.m5.large"
        autoscaling        = var.enable_autoscaling ? { min_capacity = 1, max_capacity = 3, target_invocations_per_instance = 200 } : null
      } : null
    }
  }

  route_auth = "CUSTOM"
  # Examples are meant to be destroyed quickly.
  kms_key_deletion_window_days = 7

  tags = { project = "aigw", example = "sagemaker-route-complete" }

  depends_on = [aws_iam_role_policy.sagemaker]
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.sagemaker.routes
}

output "function_name" {
  description = "The proxy function."
  value       = module.sagemaker.function_name
}

output "function_source_code_hash" {
  description = "Deployed package hash (equals dist/manifest.json)."
  value       = module.sagemaker.function_source_code_hash
}

output "created_endpoint_arns" {
  description = "Endpoints the module created."
  value       = module.sagemaker.created_endpoint_arns
}
