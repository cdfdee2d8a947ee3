# The bootstrap stack at plan time (mock provider): the environment key, and API Gateway's
# account-level CloudWatch Logs role, which the stage's access and execution logs need in
# every account and region (ADR 0092).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_caller_identity" {
    defaults = { account_id = "333333333333" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::333333333333:role/aigw-prod-apigateway-logs-us-east-1" }
  }
}

variables {
  environment = "prod"
  region      = "us-east-1"
}

run "owns_the_account_cloudwatch_role_by_default" {
  command = apply

  assert {
    condition     = module.account_cloudwatch_role.account_setting_role_arn == module.account_cloudwatch_role.role_arn && module.account_cloudwatch_role.role_arn != null
    error_message = "The bootstrap must set API Gateway's account-level CloudWatch Logs role."
  }

  assert {
    condition     = output.account_cloudwatch_role_arn == "arn:aws:iam::333333333333:role/aigw-prod-apigateway-logs-us-east-1"
    error_message = "The role's ARN is an output, for the env's account_cloudwatch_role_arn."
  }

  assert {
    condition     = module.account_cloudwatch_role.role_name == "aigw-prod-apigateway-logs-us-east-1"
    error_message = "One role per environment and region (IAM names are account-wide, the setting is per region)."
  }
}

run "api_gateway_can_assume_the_role" {
  command = plan

  # The trust AWS documents for this role: the API Gateway service principal, no
  # condition keys (a condition API Gateway does not send would block every log write).
  assert {
    condition = (
      length(jsondecode(module.account_cloudwatch_role.trust_policy).Statement) == 1 &&
      jsondecode(module.account_cloudwatch_role.trust_policy).Statement[0].Principal == { Service = "apigateway.amazonaws.com" } &&
      jsondecode(module.account_cloudwatch_role.trust_policy).Statement[0].Action == "sts:AssumeRole" &&
      jsondecode(module.account_cloudwatch_role.trust_policy).Statement[0].Effect == "Allow" &&
      !can(jsondecode(module.account_cloudwatch_role.trust_policy).Statement[0].Condition)
    )
    error_message = "The role must trust apigateway.amazonaws.com without conditions."
  }
}

run "the_role_logs_for_every_rest_api_of_the_account" {
  command = plan

  # What AWS's managed policy AmazonAPIGatewayPushToCloudWatchLogs grants, limited to the
  # account and region: any log group, since each stack names its access log group.
  assert {
    condition = (
      toset(jsondecode(module.account_cloudwatch_role.permissions_policy).Statement[0].Action) == toset([
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
        "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents",
        "logs:FilterLogEvents",
      ]) &&
      toset(jsondecode(module.account_cloudwatch_role.permissions_policy).Statement[0].Resource) == toset([
        "arn:aws:logs:us-east-1:333333333333:log-group:*",
        "arn:aws:logs:us-east-1:333333333333:log-group:*:log-stream:*",
      ])
    )
    error_message = "The role must carry the managed policy's actions on every log group of the account and region."
  }
}

run "another_stack_owns_the_setting" {
  command = plan

  variables {
    manage_account_cloudwatch_role = false
  }

  assert {
    condition     = module.account_cloudwatch_role.account_setting_role_arn == null && module.account_cloudwatch_role.role_arn == null && output.account_cloudwatch_role_arn == null
    error_message = "manage_account_cloudwatch_role = false must leave the account setting alone."
  }
}

run "the_local_env_gets_the_role_in_the_sandbox" {
  command = plan

  variables {
    environment = "local"
  }

  assert {
    condition     = module.account_cloudwatch_role.account_setting_role_arn != null && length(aws_s3_bucket.state) == 0
    error_message = "The local env's bootstrap sets the account role in the sandbox (and has no state bucket)."
  }
}
