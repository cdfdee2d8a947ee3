mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name       = "aigw-test"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0a", "subnet-0b"]
  target_groups = {
    models = {
      target_type = "ip"
      port        = 8000
      targets = {
        a = { target_id = "10.0.1.10" }
        b = { target_id = "10.0.2.10" }
      }
    }
  }
  listeners = {
    http = { port = 80, target_group_key = "models" }
  }
  tags = { project = "aigw" }
}

run "v1_link_fronts_an_internal_cross_zone_nlb" {
  command = apply

  assert {
    condition     = aws_lb.this[0].internal && aws_lb.this[0].load_balancer_type == "network"
    error_message = "The VPC link must target an internal Network Load Balancer."
  }

  assert {
    condition     = aws_lb.this[0].enable_cross_zone_load_balancing
    error_message = "Cross-zone load balancing must be on by default."
  }

  assert {
    condition     = aws_lb.this[0].enable_deletion_protection
    error_message = "Deletion protection must be on by default."
  }

  assert {
    condition     = length(aws_lb.this[0].access_logs) == 0
    error_message = "Access logs are opt-in."
  }

  assert {
    condition     = aws_api_gateway_vpc_link.this[0].target_arns == tolist([aws_lb.this[0].arn])
    error_message = "The v1 VPC link must target the NLB."
  }

  assert {
    condition     = length(aws_lb_target_group_attachment.this) == 2 && aws_lb_target_group_attachment.this["models/a"].target_id == "10.0.1.10"
    error_message = "Every target must be attached to its target group."
  }

  assert {
    condition     = aws_lb_target_group.this["models"].name == "aigw-test-models" && aws_lb_target_group.this["models"].health_check[0].enabled
    error_message = "Target groups are named <name>-<key> and health-checked."
  }

  assert {
    condition     = length(aws_apigatewayv2_vpc_link.this) == 0 && output.alb_integration == null && output.integration_target == null
    error_message = "The v2 link is opt-in."
  }

  assert {
    condition     = aws_lb.this[0].tags["project"] == "aigw" && aws_api_gateway_vpc_link.this[0].tags["project"] == "aigw"
    error_message = "Tags must reach the NLB and the VPC link."
  }
}

run "integration_output_matches_the_route_contract" {
  command = apply

  assert {
    condition = output.integration == {
      type               = "HTTP_PROXY"
      uri                = "http://aigw-test-0123456789abcdef.elb.us-east-1.amazonaws.com:80"
      credentials        = null
      transfer_mode      = "BUFFERED"
      timeout_ms         = 29000
      connection_id      = "v1link"
      request_templates  = {}
      response_templates = {}
    }
    error_message = "integration must be the route-contract object for HTTP_PROXY over the v1 link."
  }

  assert {
    condition     = output.connection_id == "v1link" && output.nlb_dns_name == "aigw-test-0123456789abcdef.elb.us-east-1.amazonaws.com"
    error_message = "connection_id and nlb_dns_name outputs must be set."
  }
}

run "tls_listener_uses_https_and_a_modern_policy" {
  command = apply

  variables {
    listeners = {
      https = {
        port             = 443
        protocol         = "TLS"
        target_group_key = "models"
        certificate_arn  = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
      }
      plain = { port = 8080, target_group_key = "models" }
    }
    integration_listener_key = "https"
    integration_host         = "models.internal.example.com"
    integration_base_path    = "/v1"
    integration_timeout_ms   = 60000
    access_logs              = { bucket = "aigw-nlb-logs", prefix = "nlb" }
  }

  assert {
    condition     = aws_lb_listener.this["https"].ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "TLS listeners must default to a TLS 1.2+ policy."
  }

  assert {
    condition     = aws_lb_listener.this["plain"].protocol == "TCP" && aws_lb_listener.this["https"].protocol == "TLS" && aws_lb_listener.this["https"].certificate_arn == var.listeners.https.certificate_arn
    error_message = "Each listener keeps its own protocol; TLS listeners carry their certificate."
  }

  assert {
    condition     = output.integration.uri == "https://models.internal.example.com:443/v1" && output.integration.timeout_ms == 60000
    error_message = "The integration URI must use https, the chosen host, port and base path."
  }

  assert {
    condition     = output.integrations["plain"].uri == "http://models.internal.example.com:8080/v1"
    error_message = "integrations must carry one object per listener."
  }

  assert {
    condition     = aws_lb.this[0].access_logs[0].enabled && aws_lb.this[0].access_logs[0].bucket == "aigw-nlb-logs"
    error_message = "access_logs must switch NLB access logs on."
  }
}

run "alb_target_group_and_v2_link" {
  command = apply

  variables {
    target_groups = {
      alb = {
        target_type  = "alb"
        port         = 443
        health_check = { protocol = "HTTPS", path = "/health", matcher = "200-399" }
        targets = {
          alb = { target_id = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/0123456789abcdef", port = 443 }
        }
      }
    }
    listeners             = { https = { port = 443, target_group_key = "alb" } }
    create_vpc_link_v2    = true
    v2_subnet_ids         = ["subnet-0a", "subnet-0b"]
    v2_security_group_ids = ["sg-0123456789abcdef0"]
    alb_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/0123456789abcdef"
    alb_integration_uri   = "https://models.internal.example.com"
  }

  assert {
    condition     = aws_lb_target_group.this["alb"].target_type == "alb" && aws_lb_target_group.this["alb"].health_check[0].path == "/health"
    error_message = "An alb target group with an HTTPS health check must be created."
  }

  assert {
    condition     = aws_apigatewayv2_vpc_link.this[0].security_group_ids == toset(["sg-0123456789abcdef0"])
    error_message = "The v2 link must use the given security groups."
  }

  assert {
    condition     = output.integration_target == "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/0123456789abcdef"
    error_message = "integration_target must be the ALB's ARN (REST private integrations over a v2 link name the load balancer, not a listener)."
  }

  assert {
    condition = output.alb_integration == {
      type               = "HTTP_PROXY"
      uri                = "https://models.internal.example.com"
      credentials        = null
      transfer_mode      = "BUFFERED"
      timeout_ms         = 29000
      connection_id      = "v2link"
      request_templates  = {}
      response_templates = {}
      integration_target = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/0123456789abcdef"
    }
    error_message = "alb_integration must be the route-contract object for HTTP_PROXY over the v2 link (its id), buffered, with the ALB (not a listener) as integration target."
  }
}

run "v2_only_without_nlb" {
  command = apply

  variables {
    create_vpc_link_v1    = false
    create_vpc_link_v2    = true
    v2_subnet_ids         = ["subnet-0a"]
    v2_security_group_ids = ["sg-0123456789abcdef0"]
    alb_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/0123456789abcdef"
    alb_integration_uri   = "https://models.internal.example.com"
  }

  assert {
    condition     = length(aws_lb.this) == 0 && length(aws_api_gateway_vpc_link.this) == 0 && output.integration == null && output.connection_id == null
    error_message = "create_vpc_link_v1 = false must create no NLB and no v1 link."
  }

  assert {
    condition     = output.vpc_link_v2_id == "v2link"
    error_message = "The v2 link must still be created."
  }
}

run "v2_link_without_alb_arn_is_rejected" {
  command = plan

  variables {
    create_vpc_link_v2    = true
    v2_subnet_ids         = ["subnet-0a"]
    v2_security_group_ids = ["sg-0123456789abcdef0"]
  }

  expect_failures = [aws_apigatewayv2_vpc_link.this]
}

run "tls_listener_without_certificate_is_rejected" {
  command = plan

  variables {
    listeners = { https = { port = 443, protocol = "TLS", target_group_key = "models" } }
  }

  expect_failures = [var.listeners]
}

run "unknown_target_type_is_rejected" {
  command = plan

  variables {
    target_groups = { models = { target_type = "lambda", port = 80 } }
  }

  expect_failures = [var.target_groups]
}

run "listener_to_unknown_target_group_is_rejected" {
  command = plan

  variables {
    listeners = { http = { port = 80, target_group_key = "nope" } }
  }

  expect_failures = [aws_lb_listener.this]
}

run "unknown_integration_listener_is_rejected" {
  command = plan

  variables {
    integration_listener_key = "nope"
  }

  expect_failures = [aws_api_gateway_vpc_link.this]
}

run "create_false_creates_nothing" {
  command = apply

  variables {
    create = false
  }

  assert {
    condition     = length(aws_lb.this) == 0 && length(aws_lb_target_group.this) == 0 && length(aws_api_gateway_vpc_link.this) == 0 && output.integration == null
    error_message = "create = false must create nothing."
  }
}

# integrationTarget of a REST private integration over a v2 VPC link is the load balancer's
# ARN; API Gateway rejects a listener ARN there.
run "listener_arn_as_alb_arn_is_rejected" {
  command = plan

  variables {
    create_vpc_link_v2    = true
    v2_subnet_ids         = ["subnet-0a"]
    v2_security_group_ids = ["sg-0123456789abcdef0"]
    alb_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/models/0123456789abcdef/fedcba9876543210"
    alb_integration_uri   = "https://models.internal.example.com"
  }

  expect_failures = [var.alb_arn]
}

run "network_load_balancer_as_alb_arn_is_rejected" {
  command = plan

  variables {
    create_vpc_link_v2    = true
    v2_subnet_ids         = ["subnet-0a"]
    v2_security_group_ids = ["sg-0123456789abcdef0"]
    alb_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/models/0123456789abcdef"
    alb_integration_uri   = "https://models.internal.example.com"
  }

  expect_failures = [var.alb_arn]
}

run "the_retired_alb_listener_arn_input_is_refused_with_a_pointer" {
  command = plan

  variables {
    create_vpc_link_v2    = true
    v2_subnet_ids         = ["subnet-0a"]
    v2_security_group_ids = ["sg-0123456789abcdef0"]
    alb_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/0123456789abcdef"
    alb_listener_arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/models/0123456789abcdef/fedcba9876543210"
    alb_integration_uri   = "https://models.internal.example.com"
  }

  expect_failures = [var.alb_listener_arn]
}
