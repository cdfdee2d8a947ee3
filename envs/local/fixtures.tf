# What the route families of this env need that a deployed env gets from elsewhere: a VPC
# with a private subnet for the VPC link's internal NLB, and the SageMaker execution role
# of the created endpoint. The sandbox (moto 5.2.5) models all of it; nothing runs in it.

resource "aws_vpc" "this" {
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
