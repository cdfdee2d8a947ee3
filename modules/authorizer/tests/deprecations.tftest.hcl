# Renamed inputs (CONTRIBUTING.md naming table): the old names keep working until 0.3.0,
# warn through the deprecated_inputs check, and may not contradict the new names.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/aigw-auth-test" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-auth-test" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:aigw-auth-test/invocations" }
  }
}

variables {
  name = "aigw-auth-test"
  package = {
    filename         = "dist/authorizer.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
}

run "old_names_still_reach_the_resources_and_warn" {
  command = apply

  variables {
    stage                       = "staging"
    log_retention_in_days       = 30
    kms_deletion_window_in_days = 7
  }

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_STAGE"] == "staging" && output.cli_environment["AIGW_STAGE"] == "staging"
    error_message = "The deprecated stage input must still set the stage the authorizer serves."
  }
  assert {
    condition     = module.function.log_group.retention_in_days == 30
    error_message = "The deprecated log_retention_in_days input must still set the log group's retention."
  }
  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "The deprecated kms_deletion_window_in_days input must still set the created key's deletion window."
  }

  expect_failures = [check.deprecated_inputs]
}

run "new_names_set_the_same_arguments_without_a_warning" {
  command = apply

  variables {
    stage_name                   = "staging"
    log_retention_days           = 30
    kms_key_deletion_window_days = 7
  }

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_STAGE"] == "staging" && module.function.log_group.retention_in_days == 30 && local.kms_key_deletion_window_days == 7
    error_message = "stage_name, log_retention_days and kms_key_deletion_window_days must reach the same arguments."
  }
}

run "defaults_without_either_name" {
  command = plan

  variables {
    stage_name = "dev"
  }

  assert {
    condition     = module.function.log_group.retention_in_days == 365 && local.kms_key_deletion_window_days == 30
    error_message = "Retention defaults to 365 days and the key's deletion window to 30."
  }
}

run "old_and_new_stage_may_not_disagree" {
  command = plan
  variables {
    stage      = "dev"
    stage_name = "prod"
  }
  expect_failures = [var.stage]
}

run "old_and_new_retention_may_not_disagree" {
  command = plan
  variables {
    stage_name            = "dev"
    log_retention_days    = 30
    log_retention_in_days = 90
  }
  expect_failures = [var.log_retention_in_days]
}

run "old_and_new_deletion_window_may_not_disagree" {
  command = plan
  variables {
    stage_name                   = "dev"
    kms_key_deletion_window_days = 7
    kms_deletion_window_in_days  = 30
  }
  expect_failures = [var.kms_deletion_window_in_days]
}

run "stage_name_is_required" {
  command         = plan
  expect_failures = [var.stage]
}

run "architecture_reaches_the_function" {
  command = plan

  variables {
    stage_name   = "dev"
    architecture = "x86_64"
  }

  assert {
    condition     = module.function.function.architectures == tolist(["x86_64"])
    error_message = "The authorizer must run on the architecture its package was built for."
  }
}
