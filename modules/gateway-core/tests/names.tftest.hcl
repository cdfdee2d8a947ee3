# Inputs renamed to the project's naming table (CONTRIBUTING.md, "Names") keep working
# under their old names for one minor version, with a warning.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name = "aigw-names"
}

run "log_retention_days_sets_both_log_groups" {
  command = plan

  variables {
    log_retention_days = 731
  }

  assert {
    condition     = aws_cloudwatch_log_group.access[0].retention_in_days == 731 && aws_cloudwatch_log_group.execution[0].retention_in_days == 731
    error_message = "log_retention_days sets the retention of the access and execution log groups."
  }
}

run "deprecated_access_log_retention_days_still_works_and_warns" {
  command = plan

  variables {
    access_log_retention_days = 731
  }

  expect_failures = [check.deprecated_inputs]

  assert {
    condition     = aws_cloudwatch_log_group.access[0].retention_in_days == 731 && aws_cloudwatch_log_group.execution[0].retention_in_days == 731
    error_message = "The deprecated access_log_retention_days still reaches both log groups."
  }
}

run "deprecated_and_new_retention_must_agree" {
  command = plan

  variables {
    log_retention_days        = 365
    access_log_retention_days = 731
  }

  expect_failures = [var.access_log_retention_days]
}

run "kms_key_deletion_window_days_reaches_the_key" {
  command = plan

  variables {
    kms_key_deletion_window_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7 && module.kms_key.key_created
    error_message = "kms_key_deletion_window_days sets the created key's deletion window."
  }
}

run "deprecated_kms_key_deletion_window_in_days_still_works_and_warns" {
  command = plan

  variables {
    kms_key_deletion_window_in_days = 7
  }

  expect_failures = [check.deprecated_inputs]

  assert {
    condition     = local.kms_key_deletion_window_days == 7 && module.kms_key.key_created
    error_message = "The deprecated kms_key_deletion_window_in_days still reaches the key."
  }
}

run "deprecated_and_new_deletion_window_must_agree" {
  command = plan

  variables {
    kms_key_deletion_window_days    = 7
    kms_key_deletion_window_in_days = 10
  }

  expect_failures = [var.kms_key_deletion_window_in_days]
}

# create_kms_key = true together with kms_key_arn is refused by modules/kms-key (its
# tests cover it: a test cannot expect a nested module's validation).

run "create_kms_key_false_without_a_key_is_refused" {
  command = plan

  variables {
    create_kms_key = false
  }

  expect_failures = [aws_api_gateway_rest_api.this]
}
