mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
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
  name       = "aigw-auth-test"
  stage_name = "dev"
  package = {
    filename         = "dist/authorizer.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  tags = { project = "aigw" }
}

run "security_defaults" {
  command = apply

  # Lambda: runtime, architecture, handler, tracing, reserved concurrency, package as given.
  assert {
    condition     = module.function.function.runtime == "python3.13" && module.function.function.architectures == tolist(["arm64"])
    error_message = "The authorizer must run python3.13 on arm64."
  }
  assert {
    condition     = module.function.function.handler == "authorizer.handler.handler"
    error_message = "Handler must follow the <function>.handler.handler contract."
  }
  assert {
    condition     = module.function.function.tracing_config[0].mode == "Active" && coalesce(module.function.function.reserved_concurrent_executions, -1) == -1
    error_message = "X-Ray tracing must be Active; no reserved concurrency by default (a reservation fails in accounts whose quota leaves under 100 unreserved)."
  }
  assert {
    condition     = module.function.function.filename == "dist/authorizer.zip" && module.function.function.source_code_hash == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    error_message = "The Lambda must deploy exactly the given package."
  }
  assert {
    condition     = module.function.function.kms_key_arn == module.function.kms_key_arn
    error_message = "The Lambda environment must be encrypted with the module's KMS key."
  }
  assert {
    condition     = module.function.function.environment[0].variables["AIGW_STAGE"] == "dev" && module.function.function.environment[0].variables["AIGW_KEYS_TABLE"] == "aigw-auth-test-keys" && module.function.function.environment[0].variables["AIGW_JWT_ALGORITHMS"] == "RS256,ES256"
    error_message = "The Lambda environment must carry stage, table names and algorithms."
  }

  # KMS key with rotation; tables encrypted with it, on-demand, PITR, deletion protection.
  assert {
    condition     = endswith(one(one([for s in jsondecode(module.function.kms_key_policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]), ":log-group:${module.function.log_group_name}")
    error_message = "The KMS key lets CloudWatch Logs use it for the function's log group only."
  }
  assert {
    condition = alltrue([for t in [aws_dynamodb_table.tenants[0], aws_dynamodb_table.keys[0]] :
      t.billing_mode == "PAY_PER_REQUEST" && t.server_side_encryption[0].enabled && t.server_side_encryption[0].kms_key_arn == module.function.kms_key_arn && t.point_in_time_recovery[0].enabled && t.deletion_protection_enabled
    ])
    error_message = "Tables must be on-demand, SSE-KMS with the module key, PITR and deletion protected."
  }

  # Log group: KMS and retention.
  assert {
    condition     = module.function.log_group.retention_in_days == 365 && module.function.log_group.kms_key_id == module.function.kms_key_arn
    error_message = "The log group must be KMS-encrypted with a retention."
  }
  assert {
    condition     = module.function.function.logging_config[0].log_group == "/aws/lambda/aigw-auth-test"
    error_message = "The Lambda must log to the module's log group."
  }

  # IAM: no wildcard action; DynamoDB read of exactly its two tables; KMS only its key.
  assert {
    condition     = alltrue([for s in jsondecode(module.function.role_policy).Statement : alltrue([for a in s.Action : a != "*" && !endswith(a, ":*")])])
    error_message = "The role policy must not grant wildcard actions."
  }
  assert {
    condition     = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "ReadTenantsAndKeys"]).Action == ["dynamodb:GetItem"] && one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "ReadTenantsAndKeys"]).Resource == [aws_dynamodb_table.tenants[0].arn, aws_dynamodb_table.keys[0].arn]
    error_message = "DynamoDB access must be GetItem on the two tables only."
  }
  assert {
    condition     = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "DecryptTables"]).Resource == [module.function.kms_key_arn]
    error_message = "KMS access must be limited to the module's key."
  }
  assert {
    condition     = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "WriteOwnLogs"]).Resource == ["${module.function.log_group_arn}:*"]
    error_message = "Log permissions must be limited to the module's log group."
  }
  assert {
    condition     = alltrue([for s in jsondecode(module.function.role_policy).Statement : s.Resource != ["*"] || startswith(s.Sid, "WriteTraces")])
    error_message = "Only X-Ray (no resource-level permissions) may use Resource *."
  }

  # Tags everywhere.
  assert {
    condition     = alltrue([for t in [module.function.function.tags, aws_dynamodb_table.tenants[0].tags, aws_dynamodb_table.keys[0].tags, module.function.log_group.tags] : t["project"] == "aigw"])
    error_message = "Every taggable resource must carry the tags."
  }

  # The authorizer spec for gateway-core.
  assert {
    condition = jsonencode(output.authorizer) == jsonencode({
      name                 = "aigw-auth-test"
      lambda_invoke_arn    = module.function.function.invoke_arn
      lambda_function_name = "aigw-auth-test"
      identity_sources     = ["method.request.header.Authorization"]
      result_ttl_seconds   = 300
      credentials_role_arn = null
    })
    error_message = "The authorizer output must match the contract."
  }
  assert {
    condition     = output.tenants_table_name == "aigw-auth-test-tenants" && output.keys_table_name == "aigw-auth-test-keys" && output.cli_environment["AIGW_STAGE"] == "dev"
    error_message = "Table names for the CLI must be output."
  }
}

run "given_kms_key_is_used_and_none_created" {
  command = apply

  variables {
    kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    tracing_mode             = "PassThrough"
    configure_lambda_logging = false
  }

  assert {
    condition     = length(module.function.function.logging_config) == 0
    error_message = "configure_lambda_logging = false must leave logging_config unset."
  }

  assert {
    condition     = module.function.kms_key_policy == null && aws_dynamodb_table.keys[0].server_side_encryption[0].kms_key_arn == var.kms_key_arn && module.function.log_group.kms_key_id == var.kms_key_arn
    error_message = "A given KMS key must be used and no key created."
  }
  assert {
    condition     = length([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "WriteTraces"]) == 0
    error_message = "Without active tracing the role gets no X-Ray permissions."
  }
}

run "jwt_issuers_reach_the_lambda" {
  command = apply

  # Two issuers: one names its tenant claim and audience claim, the other leaves both to
  # the module (audience_claim defaults to aud, tenant_claim to jwt_tenant_claim).
  variables {
    jwt_issuers = [
      {
        issuer         = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
        jwks_uri       = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json"
        audiences      = ["client-1"]
        audience_claim = "client_id"
        tenant_claim   = "custom:tenant"
      },
      {
        issuer    = "https://login.example.com/"
        jwks_uri  = "https://login.example.com/.well-known/jwks.json"
        audiences = ["aigw", "aigw-admin"]
      },
    ]
    jwt_tenant_claim   = "org"
    jwt_algorithms     = ["ES256", "RS256"]
    jwt_leeway_seconds = 45
    result_ttl_seconds = 60
  }

  assert {
    condition = jsondecode(module.function.function.environment[0].variables["AIGW_JWT_ISSUERS"]) == [
      {
        issuer         = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
        jwks_uri       = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json"
        audiences      = ["client-1"]
        audience_claim = "client_id"
        tenant_claim   = "custom:tenant"
      },
      {
        issuer         = "https://login.example.com/"
        jwks_uri       = "https://login.example.com/.well-known/jwks.json"
        audiences      = ["aigw", "aigw-admin"]
        audience_claim = "aud"
        tenant_claim   = "org"
      },
    ]
    error_message = "AIGW_JWT_ISSUERS must hold every issuer, in order, with the audience claim defaulting to aud and the tenant claim to jwt_tenant_claim."
  }
  assert {
    condition     = module.function.function.environment[0].variables["AIGW_JWT_ALGORITHMS"] == "ES256,RS256" && module.function.function.environment[0].variables["AIGW_JWT_LEEWAY_SECONDS"] == "45" && module.function.function.environment[0].variables["AIGW_JWT_TENANT_CLAIM"] == "org"
    error_message = "The algorithms (comma-joined), the leeway and the default tenant claim must reach the Lambda environment as the handler reads them."
  }
  assert {
    condition     = output.authorizer.result_ttl_seconds == 60 && output.authorizer.lambda_function_name == "aigw-auth-test" && output.authorizer.lambda_invoke_arn == module.function.function.invoke_arn
    error_message = "The authorizer spec must name the function and carry its invoke ARN and result_ttl_seconds."
  }
}

run "jwks_outage_windows_reach_the_lambda" {
  command = plan

  variables {
    jwks_failure_cache_seconds  = 12
    jwks_stale_if_error_seconds = 7200
  }

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_JWKS_FAILURE_CACHE_SECONDS"] == "12" && module.function.function.environment[0].variables["AIGW_JWKS_STALE_IF_ERROR_SECONDS"] == "7200"
    error_message = "The JWKS failure-cache and stale-if-error windows must reach the Lambda environment."
  }
}

run "jwks_outage_windows_default" {
  command = plan

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_JWKS_FAILURE_CACHE_SECONDS"] == "30" && module.function.function.environment[0].variables["AIGW_JWKS_STALE_IF_ERROR_SECONDS"] == "3600"
    error_message = "The JWKS outage windows default to 30 s and 3600 s."
  }
}

run "rejects_unbounded_jwks_failure_cache" {
  command = plan
  variables {
    jwks_failure_cache_seconds = 301
  }
  expect_failures = [var.jwks_failure_cache_seconds]
}

run "rejects_unbounded_jwks_stale_window" {
  command = plan
  variables {
    jwks_stale_if_error_seconds = -1
  }
  expect_failures = [var.jwks_stale_if_error_seconds]
}

run "create_false_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = module.function.function == null && length(aws_dynamodb_table.tenants) == 0 && module.function.kms_key_arn == null && module.function.role_arn == null && module.function.log_group == null
    error_message = "create = false must create nothing."
  }
  assert {
    condition     = output.authorizer == null
    error_message = "The authorizer output must be null when create = false."
  }
}

run "rejects_bad_stage" {
  command = plan
  variables {
    stage_name = "Prod-1"
  }
  expect_failures = [var.stage_name]
}

run "rejects_unsafe_algorithms" {
  command = plan
  variables {
    jwt_algorithms = ["RS256", "HS256"]
  }
  expect_failures = [var.jwt_algorithms]
}

run "rejects_plain_http_jwks" {
  command = plan
  variables {
    jwt_issuers = [{ issuer = "http://idp", jwks_uri = "http://idp/jwks", audiences = ["a"] }]
  }
  expect_failures = [var.jwt_issuers]
}

run "rejects_unsupported_retention" {
  command = plan
  variables {
    log_retention_days = 42
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_bad_tracing_mode" {
  command = plan
  variables {
    tracing_mode = "On"
  }
  expect_failures = [var.tracing_mode]
}

run "explicit_reserved_concurrency_is_passed_through" {
  command = plan

  variables {
    reserved_concurrent_executions = 5
  }

  assert {
    condition     = module.function.function.reserved_concurrent_executions == 5
    error_message = "A reservation the caller sizes for the account must reach the function."
  }
}

run "rejects_a_zero_reservation" {
  command = plan

  variables {
    reserved_concurrent_executions = 0
  }

  expect_failures = [var.reserved_concurrent_executions]
}

# Renamed inputs (CONTRIBUTING.md naming table): the old names keep working until 0.3.0,
# warn through the deprecated_inputs check, and may not contradict the new names.

run "old_names_still_reach_the_resources_and_warn" {
  command = apply

  variables {
    stage_name                  = null
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
  command = plan
  variables {
    stage_name = null
  }
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
