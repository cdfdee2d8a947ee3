# The key input means what it means in every module (modules/kms-key decides): a given
# kms_key_arn is used without create_kms_key = false; the default creates a key.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name = "aigw-test"
}

run "a_given_key_is_used_without_create_kms_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/22222222-3333-4444-5555-666666666666"
  }

  assert {
    condition     = !module.kms_key.key_created && aws_cloudwatch_log_group.this[0].kms_key_id == "arn:aws:kms:us-east-1:123456789012:key/22222222-3333-4444-5555-666666666666"
    error_message = "kms_key_arn alone (create_kms_key left null) encrypts the log group with the given key and creates none."
  }
}

run "no_key_given_creates_one" {
  command = apply

  assert {
    condition     = module.kms_key.key_created && output.kms_key_arn == module.kms_key.key_arn
    error_message = "Without kms_key_arn the module creates its key and uses it."
  }
}

run "no_key_without_logging" {
  command = plan

  variables {
    enable_logging = false
  }

  assert {
    condition     = !module.kms_key.key_created && output.kms_key_arn == null
    error_message = "Without logging there is nothing to encrypt: no key."
  }
}
