# What the route families of this env need that a deployed env gets from elsewhere: a VPC
# with a private subnet for the VPC link's internal NLB, and the SageMaker execution role
# of the created endpoint. The sandbox (moto 5.2.5) models all of it; nothing runs in it.

resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11:a sandbox-only VPC: nothing runs in it (the NLB's targets are `aigw serve --vpc-link-backend` on the loopback), so there is no traffic to log
  cidr_block           = "10.42.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name}-private" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.42.1.0/24"
  availability_zone = "${var.region}a"
  tags              = { Name = "${var.name}-private-a" }
}

# The default security group of the VPC, closed (no rule allows anything).
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}

# SageMaker assumes this role to pull the model image; the sandbox's endpoint runs nothing,
# and the container is network-isolated (sagemaker-route), so the role holds no policy.
resource "aws_iam_role" "sagemaker_execution" {
  name = "${var.name}-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# The SageMaker endpoint of the env (model, serverless endpoint configuration, endpoint),
# created here rather than by sagemaker-route's `create`: moto 5.2.5 returns the model
# with EnableNetworkIsolation = false and an empty VpcConfig, and the endpoint
# configuration with an empty DataCaptureConfig and VolumeSizeInGB = 0, so the module's
# resources would be replaced on every plan. The attributes moto misreports are ignored
# here, and only here; the module creates endpoints in AWS (plan tests in
# modules/sagemaker-route and modules/ai-gateway).
resource "aws_sagemaker_model" "echo" {
  name                     = "${var.name}-echo"
  execution_role_arn       = aws_iam_role.sagemaker_execution.arn
  enable_network_isolation = true

  primary_container {
    image = "763104351884.dkr.ecr.${var.region}.amazonaws.com/huggingface-pytorch-inference:2.1.0-transformers4.37.0-cpu-py310-ubuntu22.04"
  }

  lifecycle {
    ignore_changes = [enable_network_isolation, vpc_config, primary_container]
  }
}

resource "aws_sagemaker_endpoint_configuration" "echo" {
  #checkov:skip=CKV_AWS_98:a serverless variant has no volume to encrypt (SageMaker refuses a key for it)
  name = "${var.name}-echo"

  production_variants {
    variant_name = "AllTraffic"
    model_name   = aws_sagemaker_model.echo.name
    serverless_config {
      memory_size_in_mb = 2048
      max_concurrency   = 2
    }
  }

  lifecycle {
    ignore_changes = [data_capture_config, production_variants]
  }
}

resource "aws_sagemaker_endpoint" "echo" {
  name                 = "${var.name}-echo"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.echo.name
}
