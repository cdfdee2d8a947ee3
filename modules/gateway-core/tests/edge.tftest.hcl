# The API's edge: the custom domain's DNS record and URL, the PRIVATE endpoint's URLs and
# the resource policy a PRIVATE API needs (API Gateway deploys no private API without
# one, and one that names no VPC endpoint lets any endpoint in).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_api_gateway_domain_name" {
    defaults = {
      regional_domain_name = "d-abc123.execute-api.us-east-1.amazonaws.com"
      regional_zone_id     = "Z1UJRXOUMOOFQ8"
    }
  }
}

variables {
  name        = "aigw-edge"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  routes = {
    health = {
      path        = "/health"
      method      = "GET"
      auth        = "NONE"
      public      = true
      integration = { type = "MOCK" }
    }
  }
}

run "domain_with_a_hosted_zone_gets_its_alias_record" {
  command = apply

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
      base_path       = "ai/v1"
      hosted_zone_id  = "Z0123456789ABCDEFGHIJ"
    }
  }

  assert {
    condition = (
      aws_route53_record.domain[0].zone_id == "Z0123456789ABCDEFGHIJ" &&
      aws_route53_record.domain[0].name == "api.example.com" &&
      aws_route53_record.domain[0].type == "A" &&
      aws_route53_record.domain[0].alias[0].name == "d-abc123.execute-api.us-east-1.amazonaws.com" &&
      aws_route53_record.domain[0].alias[0].zone_id == "Z1UJRXOUMOOFQ8"
    )
    error_message = "The A alias record points the domain at its regional endpoint, in the given zone."
  }

  assert {
    condition     = output.domain_url == "https://api.example.com/ai/v1" && aws_api_gateway_base_path_mapping.this[0].base_path == "ai/v1"
    error_message = "The domain's URL is https://<domain>/<base path>, the path the mapping serves."
  }

  assert {
    condition     = output.domain_regional_domain_name == "d-abc123.execute-api.us-east-1.amazonaws.com" && output.domain_regional_zone_id == "Z1UJRXOUMOOFQ8"
    error_message = "The DNS target of the domain is an output."
  }
}

run "domain_without_a_zone_writes_no_record" {
  command = plan

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    }
  }

  assert {
    condition     = length(aws_route53_record.domain) == 0 && output.domain_url == "https://api.example.com"
    error_message = "Without hosted_zone_id no record is written; a root mapping's URL is the domain alone."
  }
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
      base_path       = "/v1/"
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

run "private_api_urls_per_vpc_endpoint" {
  command = apply

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"]
  }

  assert {
    condition = output.private_endpoint_urls == tomap({
      "vpce-0123456789abcdef0" = "https://abc123-vpce-0123456789abcdef0.execute-api.us-east-1.amazonaws.com/v1"
      "vpce-0fedcba9876543210" = "https://abc123-vpce-0fedcba9876543210.execute-api.us-east-1.amazonaws.com/v1"
    })
    error_message = "A PRIVATE API is called at https://<api id>-<vpce id>.execute-api.<region>.amazonaws.com/<stage>."
  }

  assert {
    condition     = tolist(aws_api_gateway_rest_api.this[0].endpoint_configuration[0].vpc_endpoint_ids) == tolist(["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"])
    error_message = "The VPC endpoints are associated with the API."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this[0].policy).Statement[1].Condition.StringNotEquals["aws:SourceVpce"] == ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"]
    error_message = "Without a given policy, a PRIVATE API denies every call that does not come through its VPC endpoints."
  }
}

run "private_api_keeps_a_given_policy_that_names_its_endpoints" {
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
    condition     = jsondecode(aws_api_gateway_rest_api.this[0].policy).Statement[0].Principal.AWS == "arn:aws:iam::123456789012:root"
    error_message = "A given policy replaces the generated one."
  }
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

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "rejects_vpc_endpoints_on_a_regional_api" {
  command = plan

  variables {
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  }

  expect_failures = [aws_api_gateway_rest_api.this]
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
