mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_region" {
    defaults = { name = "eu-west-1", id = "eu-west-1" }
  }
}

variables {
  description = "test key"
  alias       = "aigw/test/unit"
  tags        = { project = "aigw" }
}

run "defaults_rotate_and_leave_administration_to_iam" {
  command = plan

  assert {
    condition     = aws_kms_key.this[0].enable_key_rotation && aws_kms_key.this[0].deletion_window_in_days == 30
    error_message = "The key rotates and waits 30 days before deletion."
  }
  assert {
    condition     = [for s in jsondecode(aws_kms_key.this[0].policy).Statement : s.Sid] == ["AccountAdministersAndDelegatesToIam"]
    error_message = "Without log groups or services, only the account statement exists."
  }
  assert {
    condition     = one(jsondecode(aws_kms_key.this[0].policy).Statement).Principal.AWS == "arn:aws:iam::123456789012:root"
    error_message = "Administration belongs to the account root (IAM policies)."
  }
  assert {
    condition     = !contains(one(jsondecode(aws_kms_key.this[0].policy).Statement).Action, "kms:CreateGrant") && !contains(one(jsondecode(aws_kms_key.this[0].policy).Statement).Action, "kms:*")
    error_message = "No grants and no kms:* by default."
  }
  assert {
    condition     = aws_kms_alias.this[0].name == "alias/aigw/test/unit" && aws_kms_key.this[0].tags["project"] == "aigw"
    error_message = "Alias and tags are applied."
  }
}

run "log_groups_and_services_are_scoped" {
  command = plan

  variables {
    log_group_arns = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x"]
    service_principals = {
      CloudWatchAlarmsPublish = { service = "cloudwatch.amazonaws.com", actions = ["kms:Decrypt", "kms:GenerateDataKey*"] }
    }
    allow_grants = true
  }

  assert {
    condition     = one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x"]
    error_message = "Logs may use the key only for the named log groups."
  }
  assert {
    condition     = one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Principal.Service == "logs.eu-west-1.amazonaws.com"
    error_message = "The Logs principal is regional."
  }
  assert {
    condition     = one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "CloudWatchAlarmsPublish"]).Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Service principals act for this account only."
  }
  assert {
    condition     = contains(one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "AccountCreatesGrantsForAwsServices"]).Action, "kms:CreateGrant")
    error_message = "allow_grants adds kms:CreateGrant (for AWS services only) to what IAM policies may allow."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && length(aws_kms_alias.this) == 0 && output.key_arn == null && output.alias_name == null
    error_message = "create = false creates nothing and outputs null."
  }
}

run "no_alias" {
  command = plan

  variables {
    alias = null
  }

  assert {
    condition     = length(aws_kms_alias.this) == 0 && length(aws_kms_key.this) == 1
    error_message = "A null alias creates the key without an alias."
  }
}

run "rejects_a_reserved_alias" {
  command = plan
  variables {
    alias = "aws/lambda"
  }
  expect_failures = [var.alias]
}

run "rejects_a_short_deletion_window" {
  command = plan
  variables {
    deletion_window_days = 3
  }
  expect_failures = [var.deletion_window_days]
}

run "deletion_window_days_reaches_the_key" {
  command = plan
  variables {
    deletion_window_days = 7
  }
  assert {
    condition     = aws_kms_key.this[0].deletion_window_in_days == 7
    error_message = "deletion_window_days sets the key's deletion window."
  }
}

run "deprecated_deletion_window_in_days_still_works" {
  command = plan
  variables {
    deletion_window_in_days = 7
  }
  assert {
    condition     = aws_kms_key.this[0].deletion_window_in_days == 7
    error_message = "The deprecated deletion_window_in_days still reaches the key."
  }
}

run "deprecated_and_new_deletion_window_must_agree" {
  command = plan
  variables {
    deletion_window_days    = 7
    deletion_window_in_days = 10
  }
  expect_failures = [var.deletion_window_in_days]
}

run "a_given_key_is_used_and_nothing_is_created" {
  command = plan
  variables {
    key_arn = "arn:aws:kms:eu-west-1:123456789012:key/22222222-3333-4444-5555-666666666666"
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && length(aws_kms_alias.this) == 0
    error_message = "A given key_arn creates no key and no alias."
  }
  assert {
    condition     = output.key_arn == "arn:aws:kms:eu-west-1:123456789012:key/22222222-3333-4444-5555-666666666666" && !output.key_created
    error_message = "key_arn outputs the given key and key_created is false."
  }
}

run "create_key_false_with_a_given_key" {
  command = plan
  variables {
    create_key = false
    key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/22222222-3333-4444-5555-666666666666"
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && output.key_arn == var.key_arn
    error_message = "create_key = false with a key uses the key."
  }
}

run "created_key_is_the_output" {
  command = apply
  assert {
    condition     = output.key_created && output.key_arn == aws_kms_key.this[0].arn
    error_message = "Without key_arn the key is created here and is the output."
  }
}

run "create_key_true_with_a_given_key_is_refused" {
  command = plan
  variables {
    create_key = true
    key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/22222222-3333-4444-5555-666666666666"
  }
  expect_failures = [var.create_key]
}

run "create_key_false_without_a_key_gives_no_key" {
  command = plan
  variables {
    create_key = false
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && output.key_arn == null && !output.key_created
    error_message = "create_key = false without key_arn creates nothing and outputs no key (the caller refuses that)."
  }
}

run "create_false_ignores_create_key" {
  command = plan
  variables {
    create     = false
    create_key = false
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && output.key_arn == null && !output.key_created
    error_message = "create = false creates nothing whatever create_key says."
  }
}

run "rejects_a_malformed_key_arn" {
  command = plan
  variables {
    key_arn = "11111111-2222-3333-4444-555555555555"
  }
  expect_failures = [var.key_arn]
}

run "rejects_a_wildcard_service_action" {
  command = plan
  variables {
    service_principals = { Bad = { service = "cloudwatch.amazonaws.com", actions = ["kms:*"] } }
  }
  expect_failures = [var.service_principals]
}

run "rejects_a_non_logs_arn" {
  command = plan
  variables {
    log_group_arns = ["arn:aws:s3:::bucket"]
  }
  expect_failures = [var.log_group_arns]
}
