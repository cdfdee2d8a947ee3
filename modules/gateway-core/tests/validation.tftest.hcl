# Bad inputs fail at plan time (the messages themselves are asserted by
# tests/unit/modules/test_gateway_core_openapi.py, which runs the real plan).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name        = "aigw-validation"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "duplicate_method_and_path" {
  command = plan

  variables {
    routes = {
      first = {
        path        = "/v1/embeddings"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/v1/embeddings" }
      }
      second = {
        path        = "/v1/embeddings"
        method      = "post"
        auth        = "AWS_IAM"
        integration = { type = "HTTP_PROXY", uri = "https://other.example/v1/embeddings" }
      }
    }
  }

  expect_failures = [var.routes]
}

run "auth_none_needs_public" {
  command = plan

  variables {
    routes = {
      status = {
        path        = "/status"
        method      = "GET"
        auth        = "NONE"
        integration = { type = "MOCK" }
      }
    }
  }

  expect_failures = [var.routes]
}

run "unknown_integration_type" {
  command = plan

  variables {
    routes = {
      rerank = {
        path        = "/v1/rerank"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "GRPC", uri = "https://backend.example" }
      }
    }
  }

  expect_failures = [var.routes]
}

run "streaming_needs_a_proxy_integration" {
  command = plan

  variables {
    routes = {
      translate = {
        path   = "/v1/translate"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type          = "AWS"
          uri           = "arn:aws:apigateway:us-east-1:translate:action/TranslateText"
          credentials   = "arn:aws:iam::123456789012:role/translate"
          transfer_mode = "STREAM"
        }
      }
    }
  }

  expect_failures = [var.routes]
}

run "streaming_routes_cannot_be_cached" {
  command = plan

  variables {
    routes = {
      stream = {
        path   = "/v1/stream"
        method = "GET"
        auth   = "AWS_IAM"
        integration = {
          type          = "HTTP_PROXY"
          uri           = "https://backend.example/stream"
          transfer_mode = "STREAM"
        }
        cache = { ttl_seconds = 60 }
      }
    }
  }

  expect_failures = [var.routes]
}

run "aws_integration_needs_credentials" {
  command = plan

  variables {
    routes = {
      comprehend = {
        path        = "/v1/sentiment"
        method      = "POST"
        auth        = "AWS_IAM"
        integration = { type = "AWS", uri = "arn:aws:apigateway:us-east-1:comprehend:action/DetectSentiment" }
      }
    }
  }

  expect_failures = [var.routes]
}

run "custom_auth_needs_an_authorizer" {
  command = plan

  variables {
    routes = {
      chat = {
        path        = "/v1/chat/completions"
        method      = "POST"
        integration = { type = "HTTP_PROXY", uri = "https://backend.example/chat" }
      }
    }
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "private_endpoint_needs_vpc_endpoints" {
  command = plan

  variables {
    endpoint_type = "PRIVATE"
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}

run "unknown_api_key_source" {
  command = plan

  variables {
    api_key_source = "QUERY"
  }

  expect_failures = [var.api_key_source]
}

run "unknown_endpoint_type" {
  command = plan

  variables {
    endpoint_type = "EDGE"
  }

  expect_failures = [var.endpoint_type]
}

run "private_endpoint_gets_a_vpce_only_policy" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this[0].policy).Statement[1].Condition.StringNotEquals["aws:SourceVpce"] == ["vpce-0123456789abcdef0"]
    error_message = "A PRIVATE API must deny calls from outside its VPC endpoints."
  }

  assert {
    condition     = one(aws_api_gateway_rest_api.this[0].endpoint_configuration[0].types) == "PRIVATE"
    error_message = "The endpoint type must be PRIVATE."
  }
}

run "canary_on_pinned_base_deployment" {
  command = plan

  variables {
    canary = {
      percent_traffic          = 10
      stage_variable_overrides = { lambdaAlias = "next" }
      base_deployment_id       = "dep123"
    }
  }

  # Deprecated (ADR 0140): still honoured, with a warning.
  expect_failures = [check.canary_base_deployment_id_deprecated]

  assert {
    condition     = aws_api_gateway_stage.this[0].deployment_id == "dep123"
    error_message = "With base_deployment_id the stage must keep serving the pinned deployment."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].canary_settings[0].percent_traffic == 10 && aws_api_gateway_stage.this[0].canary_settings[0].stage_variable_overrides["lambdaAlias"] == "next"
    error_message = "Canary percent and stage variable overrides must be applied."
  }
}

# REST private integrations over a v2 VPC link name the load balancer (ALB or NLB) in
# integrationTarget; API Gateway rejects a listener ARN there.
run "integration_target_must_be_a_load_balancer" {
  command = plan

  variables {
    routes = {
      private_model = {
        path   = "/v1/private"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type               = "HTTP_PROXY"
          uri                = "https://models.internal.example.com/v1"
          connection_id      = "v2link"
          integration_target = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/models/abc/def"
        }
      }
    }
  }

  expect_failures = [var.routes]
}

run "integration_target_accepts_an_alb_arn" {
  command = plan

  variables {
    routes = {
      private_model = {
        path   = "/v1/private"
        method = "POST"
        auth   = "AWS_IAM"
        integration = {
          type               = "HTTP_PROXY"
          uri                = "https://models.internal.example.com/v1"
          connection_id      = "v2link"
          integration_target = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/abc"
        }
      }
    }
  }

  assert {
    condition     = jsondecode(output.openapi_document).paths["/v1/private"].post["x-amazon-apigateway-integration"].integrationTarget == "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/models/abc"
    error_message = "The ALB's ARN must be rendered as integrationTarget."
  }
}

# A PRIVATE API can be mapped only to a private custom domain name; the module's custom
# domain is REGIONAL, so the combination is refused before AWS would reject the mapping.
run "private_api_with_the_regional_custom_domain_is_refused" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    }
  }

  expect_failures = [aws_api_gateway_domain_name.this]
}

run "custom_domain_maps_the_stage" {
  command = plan

  variables {
    domain = {
      domain_name     = "api.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
      base_path       = "ai"
    }
  }

  assert {
    condition     = aws_api_gateway_domain_name.this[0].security_policy == "TLS_1_2" && aws_api_gateway_domain_name.this[0].regional_certificate_arn == "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    error_message = "The custom domain must use the regional certificate and TLS 1.2."
  }

  assert {
    condition     = aws_api_gateway_base_path_mapping.this[0].base_path == "ai" && aws_api_gateway_base_path_mapping.this[0].stage_name == "v1"
    error_message = "The base path must map to the stage."
  }
}

run "account_cloudwatch_role_is_opt_in_and_scoped" {
  command = plan

  variables {
    create_account_cloudwatch_role = true
  }

  assert {
    condition     = module.account_cloudwatch_role.role_name == "aigw-validation-apigw-cloudwatch" && module.account_cloudwatch_role.trust_policy != null
    error_message = "create_account_cloudwatch_role = true must manage the account's CloudWatch role."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(module.account_cloudwatch_role.permissions_policy).Statement : [
        for a in s.Action : a != "*" && a != "logs:*"
      ]
    ]))
    error_message = "The CloudWatch role must not grant wildcard actions."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(module.account_cloudwatch_role.permissions_policy).Statement : [
        for r in s.Resource : startswith(r, "arn:")
      ]
    ]))
    error_message = "The CloudWatch role must be scoped to log group ARNs."
  }
}

run "api_key_from_header_and_custom_log_context" {
  command = plan

  variables {
    api_key_source                     = "HEADER"
    access_log_authorizer_context_keys = { tenant = "tenant_id" }
  }

  assert {
    condition     = jsondecode(output.openapi_document)["x-amazon-apigateway-api-key-source"] == "HEADER" && aws_api_gateway_rest_api.this[0].api_key_source == "HEADER"
    error_message = "api_key_source must reach both the document and the REST API."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_stage.this[0].access_log_settings[0].format).tenant == "$context.authorizer.tenant_id" && !contains(keys(jsondecode(aws_api_gateway_stage.this[0].access_log_settings[0].format)), "keyId")
    error_message = "The access log must carry exactly the configured authorizer context keys."
  }
}

run "authorizer_variant_without_identity_sources_must_not_cache" {
  command = plan

  variables {
    routes = {
      messages = {
        path               = "/v1/messages"
        method             = "POST"
        auth               = "AWS_IAM"
        integration        = { type = "HTTP_PROXY", uri = "https://backend.example/v1/messages" }
        authorizer_variant = { name = "messages", identity_sources = [], result_ttl_seconds = 300 }
      }
    }
  }

  expect_failures = [var.routes]
}

run "authorizer_variant_named_twice_differently" {
  command = plan

  variables {
    routes = {
      one = {
        path               = "/v1/messages"
        method             = "POST"
        auth               = "AWS_IAM"
        integration        = { type = "HTTP_PROXY", uri = "https://backend.example/v1/messages" }
        authorizer_variant = { name = "messages" }
      }
      two = {
        path               = "/v1/messages/count_tokens"
        method             = "POST"
        auth               = "AWS_IAM"
        integration        = { type = "HTTP_PROXY", uri = "https://backend.example/v1/messages" }
        authorizer_variant = { name = "messages", identity_sources = ["method.request.header.x-api-key"], result_ttl_seconds = 60 }
      }
    }
  }

  expect_failures = [var.routes]
}
