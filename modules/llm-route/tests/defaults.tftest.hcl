mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/aigw-llm-usage" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/aigw-llm" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-llm" }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm"
      version    = "4"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm/invocations"
    }
  }

  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-llm:live"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-llm:live/invocations"
    }
  }
}

variables {
  name = "aigw-llm"
  package = {
    filename         = "llm_gateway.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  config_source = "sdk"
  providers_config = {
    bedrock = { type = "bedrock" }
    openai = {
      type               = "openai"
      base_url           = "https://api.openai.example/v1"
      api_key_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key-AbCdEf"
    }
  }
  models = {
    claude = {
      targets = [
        { provider = "bedrock", model = "us.anthropic.claude-3-7-sonnet-20250219-v1:0", guardrail = { id = "gr1", version = "2" } },
        { provider = "openai", model = "gpt-4o" },
      ]
    }
    titan = {
      type    = "embedding"
      targets = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }]
    }
  }
  prompt_templates = {
    summarise = {
      model     = "claude"
      messages  = [{ role = "user", content = "Summarise: {{ text }}" }]
      variables = { text = { max_length = 20000 } }
    }
  }
  quotas = { tiers = { standard = 2000000 } }
  # gpt-4o is not in the Bedrock price table; the Bedrock targets are.
  prices = { "gpt-4o" = { input_per_1m = 2.5, output_per_1m = 10 } }
}

run "secure_defaults" {
  command = apply

  assert {
    condition     = module.function.log_group.retention_in_days == 365 && module.function.log_group.kms_key_id == module.function.kms_key_arn
    error_message = "The function's log group must be KMS-encrypted with a retention."
  }

  assert {
    condition     = endswith(one(one([for s in jsondecode(module.function.kms_key_policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]), ":log-group:${module.function.log_group_name}")
    error_message = "The module's KMS key lets CloudWatch Logs use it for the function's log group only."
  }

  assert {
    condition = (
      aws_dynamodb_table.usage[0].billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.usage[0].server_side_encryption[0].enabled &&
      aws_dynamodb_table.usage[0].server_side_encryption[0].kms_key_arn == module.function.kms_key_arn &&
      aws_dynamodb_table.usage[0].point_in_time_recovery[0].enabled &&
      aws_dynamodb_table.usage[0].ttl[0].attribute_name == "expires_at" &&
      aws_dynamodb_table.usage[0].deletion_protection_enabled
    )
    error_message = "The usage table must be on-demand, KMS-encrypted, with PITR, TTL and deletion protection."
  }

  assert {
    condition     = aws_ssm_parameter.config[0].type == "SecureString" && aws_ssm_parameter.config[0].key_id == module.function.kms_key_arn
    error_message = "The config parameter must be a KMS-encrypted SecureString."
  }

  assert {
    condition = (
      module.function.function.runtime == "python3.13" &&
      module.function.function.architectures[0] == "arm64" &&
      coalesce(module.function.function.reserved_concurrent_executions, -1) == -1 &&
      module.function.function.tracing_config[0].mode == "Active" &&
      module.function.function.kms_key_arn == module.function.kms_key_arn &&
      module.function.function.logging_config[0].log_format == "JSON"
    )
    error_message = "Function defaults: python3.13 on arm64, no reserved concurrency, X-Ray, KMS environment, JSON logs."
  }

  assert {
    condition     = module.function.function.environment[0].variables["AWS_LAMBDA_EXEC_WRAPPER"] == "/var/task/llm_gateway/stream_bootstrap"
    error_message = "Streaming needs the streaming runtime loop."
  }

  assert {
    condition     = !can(regex("(?i)secret[^_]|api_key\"|sk-", jsonencode(module.function.function.environment[0].variables)))
    error_message = "No secret may reach the function's environment."
  }

  # Least privilege: no wildcard action; wildcard resources only where AWS has no ARNs.
  assert {
    condition = alltrue([
      for s in jsondecode(module.function.role_policy).Statement :
      alltrue([for a in s.Action : a != "*" && !endswith(a, ":*")])
    ])
    error_message = "No IAM statement may allow a wildcard action."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.function.role_policy).Statement :
      !contains(s.Resource, "*") || contains(["WriteTraces", "ManageVpcInterfaces"], s.Sid)
    ])
    error_message = "Only X-Ray and ENI statements may use a wildcard resource."
  }

  assert {
    condition = toset(one([for s in jsondecode(module.function.role_policy).Statement : s.Resource if s.Sid == "InvokeConfiguredModels"])) == toset([
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
      "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0",
      "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
    ])
    error_message = "Bedrock access must be exactly the configured models and inference profiles."
  }

  assert {
    condition     = one([for s in jsondecode(module.function.role_policy).Statement : s.Resource if s.Sid == "CountConfiguredModelTokens"]) == ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0"]
    error_message = "CountTokens (Messages count_tokens) is allowed on the chat targets' foundation models only, in the provider's region."
  }

  assert {
    condition     = one([for s in jsondecode(module.function.role_policy).Statement : s.Resource if s.Sid == "ReadProviderSecrets"]) == ["arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key-AbCdEf"]
    error_message = "Secrets Manager access must be exactly the provider secrets named."
  }

  assert {
    condition     = one([for s in jsondecode(module.function.role_policy).Statement : s.Resource if s.Sid == "ApplyConfiguredGuardrails"]) == ["arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1"]
    error_message = "Guardrail access must be exactly the configured guardrails."
  }

  assert {
    condition = (
      jsondecode(output.config_document).providers.openai.api_key_secret_arn == "arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key-AbCdEf" &&
      jsondecode(output.config_document).quotas.table_name == "aigw-llm-usage" &&
      jsondecode(output.config_document).quotas.tiers.standard == 2000000 &&
      jsondecode(output.config_document).logging.redaction == "metadata" &&
      !can(jsondecode(output.config_document).providers.bedrock.region)
    )
    error_message = "The config document must reference secrets by ARN, name the usage table and omit unset fields."
  }

  assert {
    condition     = toset(keys(output.routes)) == toset(["llm_chat_completions", "llm_models", "llm_model", "llm_embeddings", "llm_responses", "llm_response_get", "llm_response_delete", "llm_messages", "llm_messages_count_tokens", "llm_prompt_summarise"])
    error_message = "Routes: chat completions, models, one model, embeddings, responses (create, get, delete), messages, count_tokens and one per prompt template."
  }

  assert {
    condition = (
      output.routes.llm_chat_completions.integration.transfer_mode == "STREAM" &&
      output.routes.llm_prompt_summarise.path == "/v1/prompts/summarise" &&
      output.routes.llm_model.path == "/v1/models/{model}" && output.routes.llm_model.method == "GET" &&
      output.routes.llm_model.auth == output.routes.llm_models.auth &&
      output.routes.llm_models.integration.transfer_mode == "STREAM" &&
      alltrue([for r in output.routes : r.auth == "CUSTOM" && !r.public && r.lambda_qualifier == "live"])
    )
    error_message = "Every route of the streaming function streams, prompt routes are literal paths, every route is authenticated and invokes the live alias."
  }
}

run "buffered_and_no_embeddings" {
  command = plan

  variables {
    streaming               = false
    enable_embeddings_route = false
  }

  assert {
    condition     = alltrue([for r in output.routes : r.integration.transfer_mode == "BUFFERED"]) && !contains(keys(output.routes), "llm_embeddings") && contains(keys(output.routes), "llm_messages")
    error_message = "streaming = false buffers chat; enable_embeddings_route = false drops the route."
  }

  assert {
    condition     = !contains(keys(module.function.function.environment[0].variables), "AWS_LAMBDA_EXEC_WRAPPER")
    error_message = "Without streaming the managed runtime loop is used."
  }
}

run "canary_splits_the_live_alias" {
  command = apply

  variables {
    canary = { stable_version = "3", weight = 0.1 }
  }

  assert {
    condition     = module.function.alias.function_version == "3" && module.function.alias.routing_config[0].additional_version_weights[module.function.function.version] == 0.1
    error_message = "The live alias keeps the stable version and sends the canary weight to the new one."
  }
}

run "disabled_module_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(output.routes) == 0 && output.function_name == null
    error_message = "create = false must create nothing and emit no routes."
  }
}

run "secrets_under_a_customer_managed_key" {
  command = plan
  variables {
    secrets_kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"]
  }

  assert {
    condition = one([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "DecryptProviderSecrets"]) == {
      Sid      = "DecryptProviderSecrets"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = ["arn:aws:kms:us-east-1:123456789012:key/99999999-8888-7777-6666-555555555555"]
      Condition = {
        StringEquals = {
          "kms:ViaService"                  = ["secretsmanager.us-east-1.amazonaws.com"]
          "kms:EncryptionContext:SecretARN" = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:openai-key-AbCdEf"]
        }
      }
    }
    error_message = "The role may decrypt with the secrets' key only through Secrets Manager and only for the named provider secrets."
  }
}

run "no_secret_key_statement_without_a_key" {
  command = plan

  assert {
    condition     = length([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "DecryptProviderSecrets"]) == 0
    error_message = "Without secrets_kms_key_arns the role gets no decrypt permission for secrets (aws/secretsmanager needs none)."
  }
}

run "rejects_a_key_alias_for_secrets" {
  command = plan
  variables {
    secrets_kms_key_arns = ["alias/aigw"]
  }
  expect_failures = [var.secrets_kms_key_arns]
}

run "rejects_unknown_provider_type" {
  command = plan
  variables {
    providers_config = { x = { type = "anthropic" } }
    models           = { m = { targets = [{ provider = "x", model = "m" }] } }
    prompt_templates = {}
  }
  expect_failures = [var.providers_config]
}

run "rejects_openai_without_base_url" {
  command = plan
  variables {
    providers_config = { o = { type = "openai" } }
    models           = { m = { targets = [{ provider = "o", model = "gpt" }] } }
    prompt_templates = {}
  }
  expect_failures = [var.providers_config]
}

run "rejects_a_key_in_place_of_a_secret_arn" {
  command = plan
  variables {
    providers_config = { o = { type = "openai", base_url = "https://x.example/v1", api_key_secret_arn = "sk-not-an-arn" } }
    models           = { m = { targets = [{ provider = "o", model = "gpt" }] } }
    prompt_templates = {}
  }
  expect_failures = [var.providers_config]
}

run "retry_policy_reaches_the_config_document" {
  command = plan
  variables {
    models = { m = { targets = [
      { provider = "bedrock", model = "a", retry = { attempts = 4, max_delay_ms = 800 } },
      { provider = "bedrock", model = "b" },
    ] } }
    routing          = { attempt_timeout_ms = 5000 }
    prompt_templates = {}
    prices           = { a = {}, b = {} }
  }
  assert {
    condition = (
      jsondecode(output.config_document).models.m.targets[0].retry == { attempts = 4, max_delay_ms = 800 } &&
      !can(jsondecode(output.config_document).models.m.targets[1].retry) &&
      jsondecode(output.config_document).routing.attempt_timeout_ms == 5000
    )
    error_message = "A target's retry policy (set fields only) and the attempt timeout must reach the config document."
  }
}

run "rejects_retry_attempts_out_of_range" {
  command = plan
  variables {
    models           = { m = { targets = [{ provider = "bedrock", model = "a", retry = { attempts = 11 } }] } }
    prompt_templates = {}
  }
  expect_failures = [var.models]
}

run "rejects_a_retry_cap_below_its_base_delay" {
  command = plan
  variables {
    models           = { m = { targets = [{ provider = "bedrock", model = "a", retry = { base_delay_ms = 500, max_delay_ms = 100 } }] } }
    prompt_templates = {}
  }
  expect_failures = [var.models]
}

run "rejects_an_attempt_timeout_out_of_range" {
  command = plan
  variables {
    routing = { attempt_timeout_ms = 10 }
  }
  expect_failures = [var.routing]
}

run "rejects_targets_of_unknown_providers" {
  command = plan
  variables {
    models           = { m = { targets = [{ provider = "nope", model = "x" }] } }
    prompt_templates = {}
  }
  expect_failures = [aws_ssm_parameter.config]
}

run "rejects_bad_canary_weight" {
  command = plan
  variables {
    canary = { stable_version = "3", weight = 1.5 }
  }
  expect_failures = [var.canary]
}

run "rejects_unknown_redaction_mode" {
  command = plan
  variables {
    redaction = "none"
  }
  expect_failures = [var.redaction]
}

run "extension_source_needs_the_layer" {
  command = plan
  variables {
    config_source = "extension"
  }
  expect_failures = [output.function_arn]
}

run "without_the_layer_the_sdk_reads_the_config" {
  command = plan
  variables {
    config_source = null
  }

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_CONFIG_SOURCE"] == "sdk" && length(module.function.function.layers) == 0
    error_message = "No extension layer: the function reads its config with the SDK."
  }
}

run "with_the_layer_the_extension_reads_the_config" {
  command = plan
  variables {
    config_source                  = null
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }

  assert {
    condition     = module.function.function.environment[0].variables["AIGW_CONFIG_SOURCE"] == "extension" && module.function.function.layers[0] == "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
    error_message = "With the layer, the function reads its config through the extension."
  }
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

run "old_deletion_window_name_still_works_and_warns" {
  command = plan

  variables {
    kms_deletion_window_in_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "The deprecated kms_deletion_window_in_days must still set the created key's deletion window."
  }

  expect_failures = [check.deprecated_inputs]
}

run "new_deletion_window_name" {
  command = plan

  variables {
    kms_key_deletion_window_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "kms_key_deletion_window_days must set the created key's deletion window."
  }
}

run "deletion_window_defaults_to_30_days" {
  command = plan

  variables {
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 30
    error_message = "The created key's deletion window defaults to 30 days."
  }
}

run "old_and_new_deletion_window_may_not_disagree" {
  command = plan

  variables {
    kms_key_deletion_window_days = 7
    kms_deletion_window_in_days  = 30
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "without_messages_routes" {
  command = apply

  variables {
    enable_messages_routes = false
  }

  assert {
    condition = (
      !contains(keys(output.routes), "llm_messages") &&
      !contains(keys(output.routes), "llm_messages_count_tokens") &&
      length([for s in jsondecode(module.function.role_policy).Statement : s if s.Sid == "CountConfiguredModelTokens"]) == 0
    )
    error_message = "enable_messages_routes = false drops both Messages routes and the CountTokens permission."
  }
}
