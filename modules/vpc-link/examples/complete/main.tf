# Both private integration paths:
# - v1 VPC link -> internal NLB -> (a) model servers by IP, (b) an internal ALB
#   (target_type = "alb");
# - v2 VPC link -> the same ALB's listener (OpenAPI integrationTarget).
# The example brings its own throwaway VPC and internal ALB.

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
  name = "${var.name_prefix}-vpclink-full"
}

variable "enable_deletion_protection" {
  description = "NLB deletion protection (set false to destroy the example)."
  type        = bool
  default     = true
}

variable "nlb_access_log_bucket" {
  description = "Existing S3 bucket for NLB access logs (null: off)."
  type        = string
  default     = null
}

resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11:throwaway example VPC; production VPCs come from the network stack with flow logs
  cidr_block           = "10.43.0.0/16"
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

# Network interfaces of the v2 VPC link: may only talk HTTP to the VPC.
resource "aws_security_group" "vpc_link" {
  name        = "${local.name}-v2-link"
  description = "aigw example: v2 VPC link network interfaces"
  vpc_id      = aws_vpc.this.id

  egress {
    description = "HTTP to the internal ALB"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }
}

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "aigw example: internal ALB behind the VPC links"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "HTTP from inside the VPC (NLB and v2 VPC link)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }

  egress {
    description = "HTTP to model servers"
    from_port   = 8000
    to_port     = 8000
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.this.cidr_block]
  }
}

resource "aws_lb" "models" {
  #checkov:skip=CKV_AWS_91:example ALB; access logs need a bucket the example does not own
  #checkov:skip=CKV2_AWS_28:internal ALB reached only through VPC links; the WAF sits on the API Gateway stage
  #checkov:skip=CKV_AWS_150:throwaway example ALB must be destroyable
  #checkov:skip=CKV2_AWS_20:internal ALB, no public HTTP listener to redirect
  name                       = "${local.name}-alb"
  internal                   = true
  load_balancer_type         = "application"
  subnets                    = aws_subnet.private[*].id
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
}

resource "aws_lb_target_group" "models" {
  name        = "${local.name}-app"
  vpc_id      = aws_vpc.this.id
  target_type = "ip"
  port        = 8000
  protocol    = "HTTPS"

  health_check {
    enabled  = true
    protocol = "HTTPS"
    path     = "/health"
  }
}

resource "aws_lb_listener" "models" {
  #checkov:skip=CKV_AWS_2:internal listener only reachable through VPC links; production uses HTTPS with the team's certificate
  #checkov:skip=CKV_AWS_103:no TLS on this example listener (see CKV_AWS_2)
  #checkov:skip=CKV2_AWS_20:no public HTTP to redirect; the listener is internal
  load_balancer_arn = aws_lb.models.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.models.arn
  }
}

module "vpc_link" {
  source = "../../"

  name                       = local.name
  vpc_id                     = aws_vpc.this.id
  subnet_ids                 = aws_subnet.private[*].id
  enable_deletion_protection = var.enable_deletion_protection
  access_logs                = var.nlb_access_log_bucket == null ? null : { bucket = var.nlb_access_log_bucket, prefix = local.name }

  target_groups = {
    srv = {
      target_type          = "ip"
      port                 = 8000
      deregistration_delay = 30
      health_check         = { protocol = "HTTP", path = "/health", matcher = "200" }
      # One model server per subnet (10th address).
      targets = { for i, s in aws_subnet.private : "server${i}" => { target_id = cidrhost(s.cidr_block, 10) } }
    }
    alb = {
      target_type  = "alb"
      port         = 80
      health_check = { protocol = "HTTP", path = "/health" }
      targets = {
        alb = { target_id = aws_lb.models.arn, port = 80 }
      }
    }
  }

  listeners = {
    models = { port = 8000, target_group_key = "srv" }
    alb    = { port = 80, target_group_key = "alb" }
  }

  integration_listener_key = "models"
  integration_base_path    = "/v1"
  integration_timeout_ms   = 29000

  create_vpc_link_v2    = true
  v2_subnet_ids         = aws_subnet.private[*].id
  v2_security_group_ids = [aws_security_group.vpc_link.id]
  alb_arn               = aws_lb.models.arn
  alb_integration_uri   = "http://${aws_lb.models.dns_name}"

  tags = {
    project = "aigw"
    example = "vpc-link-complete"
  }
}

output "connection_id" {
  description = "v1 VPC link ID."
  value       = module.vpc_link.connection_id
}

output "integration" {
  description = "Integration object (v1 link, model servers) for a route spec."
  value       = module.vpc_link.integration
}

output "alb_integration" {
  description = "Integration object (v2 link, ALB) for a route spec."
  value       = module.vpc_link.alb_integration
}

output "integration_target" {
  description = "The ALB's ARN for the OpenAPI integrationTarget."
  value       = module.vpc_link.integration_target
}
