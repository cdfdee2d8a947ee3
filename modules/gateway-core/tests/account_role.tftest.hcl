# API Gateway's account-level CloudWatch Logs role: the stage's access logs need it in
# every account and region, Terraform cannot read the setting at plan time, so the plan
# fails unless someone owns it (ADR 0092).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name        = "aigw-account-role"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "nobody_owns_the_role_fails_the_plan_when_required" {
  command = plan

  variables {
    require_account_cloudwatch_role = true
  }

  expect_failures = [aws_api_gateway_stage.this]
}

run "a_role_set_by_the_bootstrap_satisfies_it" {
  command = plan

  variables {
    require_account_cloudwatch_role = true
    account_cloudwatch_role_arn     = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"
  }

  assert {
    condition     = module.account_cloudwatch_role.account_setting_role_arn == null && module.account_cloudwatch_role.role_arn == null
    error_message = "With a role owned elsewhere the module must not touch the account setting."
  }
}

run "the_module_may_own_the_role_instead" {
  command = plan

  variables {
    require_account_cloudwatch_role = true
    create_account_cloudwatch_role  = true
  }

  assert {
    condition = (
      jsondecode(module.account_cloudwatch_role.trust_policy).Statement[0].Principal == { Service = "apigateway.amazonaws.com" } &&
      !can(jsondecode(module.account_cloudwatch_role.trust_policy).Statement[0].Condition)
    )
    error_message = "The role must trust apigateway.amazonaws.com without conditions (the trust AWS documents)."
  }

  assert {
    condition = toset(jsondecode(module.account_cloudwatch_role.permissions_policy).Statement[0].Resource) == toset([
      "arn:aws:logs:us-east-1:123456789012:log-group:*",
      "arn:aws:logs:us-east-1:123456789012:log-group:*:log-stream:*",
    ])
    error_message = "The role serves every REST API of the account and region, so every log group of it."
  }
}

run "owning_it_and_naming_another_role_is_refused" {
  command = plan

  variables {
    create_account_cloudwatch_role = true
    account_cloudwatch_role_arn    = "arn:aws:iam::123456789012:role/other"
  }

  expect_failures = [aws_api_gateway_stage.this]
}

run "not_required_by_default_in_the_module" {
  command = plan

  assert {
    condition     = length(aws_api_gateway_stage.this) == 1
    error_message = "gateway-core alone keeps planning without the role input (ai-gateway requires it)."
  }
}
