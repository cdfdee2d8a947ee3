# The API's edge from the composition: endpoint type, VPC endpoints, resource policy and
# custom domain reach gateway-core's resources; bad values fail at plan time.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_api_gateway_domain_name" {
    defaults = {
      regional_domain_name = "d-abc123.execute-api.us-east-1.amazonaws.com"
      regional_zone_id     = "Z1UJRXOUMOOFQ8"
    }
  }
}

# Not about the web ACL: module.waf is replaced by its two outputs the composition reads.
# The web ACL's plan is more than half of each run's CPU time; the WAF composition is
# tested in waf.tftest.hcl and by the example and envs/local applies (docs/testing.md).
override_module {
  target = module.waf
  outputs = {
    web_acl_arn  = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw-test/a1b2c3d4-5678-90ab-cdef-111122223333"
    web_acl_name = "aigw-test"
  }
}

variables {
  name = "aigw-test"
  packages = {
    llm_gateway = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    authorizer  = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }
  llm = {
    providers                      = { bedrock = { type = "bedrock" } }
    models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }
  account_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"
}

run "regional_by_default_and_called_at_the_stage" {
  command = apply

  assert {
    condition = (
      module.gateway.endpoint_configuration.type == "REGIONAL" &&
      module.gateway.domain == null &&
      output.domain_target == null && length(output.private_endpoint_urls) == 0 &&
      output.invoke_url == module.gateway.stage_invoke_url
    )
    error_message = "Without edge inputs the API is REGIONAL, without custom domain or VPC endpoints, and called at the stage's URL."
  }
}

run "custom_domain_reaches_gateway_core" {
  command = apply

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
      base_path       = "ai"
      hosted_zone_id  = "Z0123456789ABCDEFGHIJ"
    }
    disable_execute_api_endpoint = true
  }

  assert {
    condition = (
      module.gateway.domain.domain_name == "api.example.com" &&
      module.gateway.domain.certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab" &&
      module.gateway.domain.security_policy == "TLS_1_2"
    )
    error_message = "The domain, its certificate and TLS 1.2 reach gateway-core's custom domain name."
  }

  assert {
    condition     = module.gateway.domain.base_path == "ai" && module.gateway.domain.stage_name == "v1"
    error_message = "The base path maps the gateway's stage."
  }

  assert {
    condition     = module.gateway.domain.record_zone_id == "Z0123456789ABCDEFGHIJ" && output.domain_record_fqdn != null
    error_message = "With hosted_zone_id the alias record of the domain is written."
  }

  assert {
    condition     = module.gateway.endpoint_configuration.disable_execute_api_endpoint
    error_message = "disable_execute_api_endpoint reaches the REST API."
  }

  assert {
    condition     = output.invoke_url == "https://api.example.com/ai" && output.domain_target == { domain_name = "d-abc123.execute-api.us-east-1.amazonaws.com", hosted_zone_id = "Z1UJRXOUMOOFQ8" }
    error_message = "Clients call the domain's URL; DNS targets the regional endpoint."
  }
}

run "private_endpoint_reaches_gateway_core" {
  command = apply

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  }

  assert {
    condition = (
      module.gateway.endpoint_configuration.type == "PRIVATE" &&
      module.gateway.endpoint_configuration.vpc_endpoint_ids == tolist(["vpce-0123456789abcdef0"])
    )
    error_message = "The PRIVATE endpoint type and its VPC endpoints reach the REST API."
  }

  assert {
    condition     = jsondecode(module.gateway.resource_policy).Statement[1].Condition.StringNotEquals["aws:SourceVpce"] == ["vpce-0123456789abcdef0"]
    error_message = "A PRIVATE API gets a resource policy that denies calls from outside its VPC endpoints (API Gateway deploys none without a policy)."
  }

  assert {
    condition     = output.private_endpoint_urls == tomap({ "vpce-0123456789abcdef0" = "https://abc123-vpce-0123456789abcdef0.execute-api.us-east-1.amazonaws.com/v1" })
    error_message = "Each VPC endpoint has its URL."
  }
}

run "given_resource_policy_reaches_gateway_core" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
    resource_policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = { StringEquals = { "aws:SourceVpce" = "vpce-0123456789abcdef0" } }
      }]
    })
  }

  assert {
    condition     = jsondecode(module.gateway.resource_policy).Statement[0].Principal.AWS == "arn:aws:iam::123456789012:root"
    error_message = "A given resource policy replaces the generated one."
  }
}

run "rejects_an_unknown_endpoint_type" {
  command = plan

  variables {
    endpoint_type = "EDGE"
  }

  expect_failures = [var.endpoint_type]
}

run "rejects_a_private_api_without_vpc_endpoints" {
  command = plan

  variables {
    endpoint_type = "PRIVATE"
  }

  expect_failures = [var.vpc_endpoint_ids]
}

run "rejects_a_malformed_vpc_endpoint_id" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpc-0123456789abcdef0"]
  }

  expect_failures = [var.vpc_endpoint_ids]
}

run "rejects_vpc_endpoints_on_a_regional_api" {
  command = plan

  variables {
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  }

  expect_failures = [var.vpc_endpoint_ids]
}

run "rejects_a_resource_policy_that_is_not_a_policy" {
  command = plan

  variables {
    resource_policy = "{\"Version\": \"2012-10-17\"}"
  }

  expect_failures = [var.resource_policy]
}

run "rejects_a_private_api_policy_that_names_no_vpc_endpoint" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
    resource_policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*" }]
    })
  }

  expect_failures = [var.resource_policy]
}

run "rejects_turning_off_the_default_endpoint_without_a_domain" {
  command = plan

  variables {
    disable_execute_api_endpoint = true
  }

  expect_failures = [var.disable_execute_api_endpoint]
}

run "rejects_a_security_policy_other_than_tls_1_2" {
  command = plan

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
      security_policy = "TLS_1_0"
    }
  }

  expect_failures = [var.domain]
}

run "rejects_a_domain_name_that_is_a_url" {
  command = plan

  variables {
    domain = {
      domain_name     = "https://api.example.com/"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    }
  }

  expect_failures = [var.domain]
}

run "rejects_a_certificate_that_is_not_from_acm" {
  command = plan

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:iam::123456789012:server-certificate/abc"
    }
  }

  expect_failures = [var.domain]
}

run "rejects_a_base_path_with_slashes_around_it" {
  command = plan

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
      base_path       = "/ai/"
    }
  }

  expect_failures = [var.domain]
}

run "rejects_a_hosted_zone_given_by_name" {
  command = plan

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
      hosted_zone_id  = "example.com"
    }
  }

  expect_failures = [var.domain]
}

run "rejects_a_custom_domain_on_a_private_api" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    }
  }

  expect_failures = [var.domain]
}

run "rejects_an_alias_record_without_a_hosted_zone" {
  command = plan

  variables {
    domain = {
      domain_name         = "api.example.com"
      certificate_arn     = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
      create_alias_record = true
    }
  }

  expect_failures = [var.domain]
}
