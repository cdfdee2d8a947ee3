# A v1 VPC link in front of an internal NLB that forwards TCP 80 to two model
# servers by IP. The example brings its own throwaway VPC.

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

locals {
  name = "${var.name_prefix}-vpclink-basic"
}

variable "enable_deletion_protection" {
  description = "NLB deletion protection (set false to destroy the example)."
  type        = bool
  default     = true
}

resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11:throwaway example VPC; production VPCs come from the network stack with flow logs
  cidr_block           = "10.42.0.0/16"
  enable_dns_hostnames = true
  enable_dns_support   = true

  tags = { Name = local.name }
}

resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
  availability_zone = "${var.region}${["a", "b"][count.index]}"

  tags = { Name = "${local.name}-private-${count.index}" }
}

module "vpc_link" {
  source = "../../"

  name                       = local.name
  vpc_id                     = aws_vpc.this.id
  subnet_ids                 = aws_subnet.private[*].id
  enable_deletion_protection = var.enable_deletion_protection

  target_groups = {
    # The key ends the target group's name (<name>-srv, at most 32 characters).
    srv = {
      target_type = "ip"
      port        = 8000
      # One model server per subnet (10th address).
      targets = { for i, s in aws_subnet.private : "server${i}" => { target_id = cidrhost(s.cidr_block, 10) } }
    }
  }

  listeners = {
    http = { port = 80, target_group_key = "srv" }
  }

  tags = {
    project = "aigw"
    example = "vpc-link-basic"
  }
}

output "connection_id" {
  description = "VPC link ID."
  value       = module.vpc_link.connection_id
}

output "integration" {
  description = "Integration object to drop into a route spec."
  value       = module.vpc_link.integration
}
