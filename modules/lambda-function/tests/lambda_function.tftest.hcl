mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012", arn = "arn:aws:sts::123456789012:assumed-role/ci/session" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/aigw-fn-test" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-fn-test" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { version = "4", arn = "arn:aws:lambda:eu-west-1:123456789012:function:aigw-fn-test" }
  }
}

variables {
  name    = "aigw-fn-test"
  handler = "demo.handler.handler"
  package = {
    filename         = "dist/demo.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  environment_variables = { AIGW_DEMO = "1" }
  tags                  = { project = "aigw" }
}

run "secure_defaults" {
  command = apply

  assert {
    condition = (
      aws_lambda_function.this[0].function_name == "aigw-fn-test" &&
      aws_lambda_function.this[0].runtime == "python3.13" &&
      aws_lambda_function.this[0].architectures == tolist(["arm64"]) &&
      aws_lambda_function.this[0].tracing_config[0].mode == "Active" &&
      coalesce(aws_lambda_function.this[0].reserved_concurrent_executions, -1) == -1 &&
      aws_lambda_function.this[0].environment[0].variables == tomap({ AIGW_DEMO = "1" }) &&
      aws_lambda_function.this[0].filename == "dist/demo.zip"
    )
    error_message = "python3.13 on arm64, active tracing, no reservation, the given environment and package."
  }
  assert {
    condition     = aws_lambda_function.this[0].kms_key_arn == module.kms_key.key_arn && aws_cloudwatch_log_group.this[0].kms_key_id == module.kms_key.key_arn && output.kms_key_arn == module.kms_key.key_arn
    error_message = "Without a given key the module creates one for the environment and the log group."
  }
  assert {
    condition     = aws_lambda_function.this[0].logging_config[0].log_format == "JSON" && aws_lambda_function.this[0].logging_config[0].log_group == "/aws/lambda/aigw-fn-test"
    error_message = "JSON logs into the module's log group by default."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/aws/lambda/aigw-fn-test" && aws_cloudwatch_log_group.this[0].retention_in_days == 365
    error_message = "The log group is the function's and keeps a year by default."
  }
  assert {
    condition     = endswith(one(one([for s in jsondecode(module.kms_key.key_policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]), ":log-group:/aws/lambda/aigw-fn-test")
    error_message = "The created key lets CloudWatch Logs use it for the function's log group only."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" } && jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Only Lambda, acting for this account, may assume the role."
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Sid] == ["WriteOwnLogs", "DecryptOwnEnvironment", "WriteTraces"]
    error_message = "Base statements: own logs, the environment's key, X-Ray (no VPC statement without subnets)."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s if s.Sid == "DecryptOwnEnvironment"]) == {
      Sid       = "DecryptOwnEnvironment"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = [module.kms_key.key_arn]
      Condition = { StringEquals = { "kms:ViaService" = ["lambda.eu-west-1.amazonaws.com"] } }
    }
    error_message = "The role decrypts with the key only through Lambda."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Resource if s.Sid == "WriteOwnLogs"]) == ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/aigw-fn-test:*"]
    error_message = "The role writes only its own log group."
  }
  assert {
    condition     = aws_iam_role_policy.this[0].name == "least-privilege"
    error_message = "The inline policy keeps its default name."
  }
  assert {
    condition     = length(aws_lambda_alias.live) == 0 && length(aws_lambda_provisioned_concurrency_config.live) == 0 && output.alias_arn == null && !aws_lambda_function.this[0].publish
    error_message = "Without publish: no versions, no alias, no provisioned concurrency."
  }
  assert {
    condition     = alltrue([for t in [aws_lambda_function.this[0].tags, aws_cloudwatch_log_group.this[0].tags, aws_iam_role.this[0].tags] : t["project"] == "aigw"])
    error_message = "Every taggable resource carries the tags."
  }
}

run "caller_statements_join_the_base_statements" {
  command = plan

  variables {
    tracing_mode           = "PassThrough"
    vpc_subnet_ids         = ["subnet-1"]
    vpc_security_group_ids = ["sg-1"]
    role_policy_name       = "demo-runtime"
    policy_statements = [
      { Sid = "ReadDemoTable", Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/demo"] },
    ]
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this[0].policy).Statement : s.Sid] == ["ReadDemoTable", "WriteOwnLogs", "DecryptOwnEnvironment", "ManageVpcInterfaces"]
    error_message = "The caller's statements come first, then the base ones; no X-Ray without active tracing, ENI management with subnets."
  }
  assert {
    condition     = aws_iam_role_policy.this[0].name == "demo-runtime" && aws_lambda_function.this[0].vpc_config[0].subnet_ids == toset(["subnet-1"])
    error_message = "The policy name and the VPC attachment are the caller's."
  }
}

run "a_caller_statement_may_not_reuse_a_base_sid" {
  command = plan

  variables {
    policy_statements = [
      { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = ["*"] },
    ]
  }

  expect_failures = [aws_iam_role_policy.this]
}

run "a_caller_statement_needs_a_sid" {
  command = plan

  variables {
    policy_statements = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["*"] }]
  }

  expect_failures = [var.policy_statements]
}

run "given_key_is_used_and_none_created" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = module.kms_key.key_arn == null && aws_lambda_function.this[0].kms_key_arn == var.kms_key_arn && aws_cloudwatch_log_group.this[0].kms_key_id == var.kms_key_arn && output.kms_key_arn == var.kms_key_arn
    error_message = "A given key encrypts the environment and the log group; no key is created."
  }
}

run "published_behind_a_canary_alias_with_provisioned_concurrency" {
  command = apply

  variables {
    publish                           = true
    canary                            = { stable_version = "3", weight = 0.1 }
    provisioned_concurrent_executions = 2
  }

  assert {
    condition     = aws_lambda_function.this[0].publish && aws_lambda_alias.live[0].name == "live" && aws_lambda_alias.live[0].function_version == "3" && aws_lambda_alias.live[0].routing_config[0].additional_version_weights["4"] == 0.1
    error_message = "The live alias keeps the stable version and sends the canary weight to the new one."
  }
  assert {
    condition     = aws_lambda_provisioned_concurrency_config.live[0].qualifier == "live" && aws_lambda_provisioned_concurrency_config.live[0].provisioned_concurrent_executions == 2
    error_message = "Provisioned concurrency sits on the live alias."
  }
}

# A rolled-back canary: the alias stays on the stable version and routes nothing to the new
# one (what `aigw release rollback` sets through the API, so the next plan agrees).
run "rolled_back_canary_pins_the_stable_version_without_routing" {
  command = apply

  variables {
    publish = true
    canary  = { stable_version = "3", weight = 0 }
  }

  assert {
    condition     = aws_lambda_alias.live[0].function_version == "3" && length(aws_lambda_alias.live[0].routing_config) == 0
    error_message = "weight 0 keeps the alias on the stable version with no routing config."
  }
}

run "canary_weight_must_be_below_one" {
  command = plan

  variables {
    publish = true
    canary  = { stable_version = "3", weight = 1 }
  }

  expect_failures = [var.canary]
}

run "canary_needs_publish" {
  command = plan

  variables {
    canary = { stable_version = "3", weight = 0.1 }
  }

  expect_failures = [aws_lambda_function.this]
}

run "architecture_and_log_format_are_the_callers" {
  command = plan

  variables {
    architecture = "x86_64"
    log_format   = "Text"
  }

  assert {
    condition     = aws_lambda_function.this[0].architectures == tolist(["x86_64"]) && aws_lambda_function.this[0].logging_config[0].log_format == "Text"
    error_message = "architecture and log_format must reach the function."
  }
}

run "logging_config_can_be_left_unset" {
  command = plan

  variables {
    configure_lambda_logging = false
  }

  assert {
    condition     = length(aws_lambda_function.this[0].logging_config) == 0
    error_message = "configure_lambda_logging = false leaves logging_config unset."
  }
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_lambda_function.this) == 0 && length(aws_iam_role.this) == 0 && length(aws_cloudwatch_log_group.this) == 0 && module.kms_key.key_arn == null && output.kms_key_arn == null && output.function == null
    error_message = "create = false creates nothing and every output is null."
  }
}
