# The key policy names every action it allows: no wildcard reaches kms:CreateGrant (or
# the cryptographic operations), and grants exist only when asked for, only for AWS
# services acting for a principal (kms:GrantIsForAWSResource).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_region" {
    defaults = { name = "eu-west-1", id = "eu-west-1" }
  }
}

variables {
  description = "test key"
  # What a wildcard must not reach silently.
  guarded = ["kms:CreateGrant", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"]
}

run "account_statement_names_its_actions" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_kms_key.this[0].policy).Statement : [
        for a in s.Action : [
          for g in var.guarded : !can(regex("(?i)^${replace(replace(a, ".", "\\."), "*", ".*")}$", g)) || a == g
        ]
      ] if can(s.Principal.AWS)
    ]))
    error_message = "No action wildcard of the account statement covers kms:CreateGrant or a cryptographic operation (kms:Create* includes kms:CreateGrant)."
  }
  assert {
    condition = !anytrue(flatten([
      for s in jsondecode(aws_kms_key.this[0].policy).Statement : [
        for a in s.Action : can(regex("(?i)^${replace(replace(a, ".", "\\."), "*", ".*")}$", "kms:CreateGrant"))
      ]
    ]))
    error_message = "allow_grants = false: no statement allows kms:CreateGrant, by name or by wildcard."
  }
  assert {
    condition = length(setsubtract(
      ["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation", "kms:TagResource", "kms:Decrypt", "kms:GenerateDataKey"],
      one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if s.Sid == "AccountAdministersAndDelegatesToIam"]).Action,
    )) == 0
    error_message = "The account keeps administration (the key policy itself included) and delegates use to IAM policies."
  }
}

run "grants_only_for_aws_resources" {
  command = plan

  variables {
    allow_grants = true
  }

  assert {
    condition     = length([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if contains(s.Action, "kms:CreateGrant")]) == 1
    error_message = "Exactly one statement allows kms:CreateGrant."
  }
  assert {
    condition = (
      one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if contains(s.Action, "kms:CreateGrant")]).Action == ["kms:CreateGrant"] &&
      one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if contains(s.Action, "kms:CreateGrant")]).Condition.Bool["kms:GrantIsForAWSResource"] == "true" &&
      one([for s in jsondecode(aws_kms_key.this[0].policy).Statement : s if contains(s.Action, "kms:CreateGrant")]).Principal.AWS == "arn:aws:iam::123456789012:root"
    )
    error_message = "kms:CreateGrant is allowed alone, to the account's IAM principals, and only when an AWS service creates the grant for them (kms:GrantIsForAWSResource = true)."
  }
}

run "rejects_a_service_action_that_creates_grants" {
  command = plan
  variables {
    service_principals = { Bad = { service = "cloudwatch.amazonaws.com", actions = ["kms:Create*"] } }
  }
  expect_failures = [var.service_principals]
}
