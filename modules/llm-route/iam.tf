# The LLM gateway's own statements; the function module adds logs, X-Ray, VPC ENIs and
# the environment's key (ADR 0100).
locals {
  bedrock_targets = flatten([
    for alias, m in var.models : [
      for t in m.targets : merge(t, {
        region = try(coalesce(var.providers_config[t.provider].region, local.region), "")
      }) if try(var.providers_config[t.provider].type, "") == "bedrock"
    ]
  ])

  # Cross-region inference profile ids carry a geography prefix ("us.", "eu.", …); the
  # profile routes to the same foundation model in several regions of that geography.
  inference_profile_prefix = "^(us|eu|apac|jp|au|ca|us-gov|global)\\."

  bedrock_model_arns = distinct(flatten([
    for t in local.bedrock_targets : (
      startswith(t.model, "arn:") ? [t.model] :
      can(regex(local.inference_profile_prefix, t.model)) ? [
        "arn:${local.partition}:bedrock:${t.region}:${local.account_id}:inference-profile/${t.model}",
        "arn:${local.partition}:bedrock:*::foundation-model/${replace(t.model, "/${local.inference_profile_prefix}/", "")}",
      ] :
      ["arn:${local.partition}:bedrock:${t.region}::foundation-model/${t.model}"]
    )
  ]))

  # CountTokens (POST /v1/messages/count_tokens) on the foundation models of the chat
  # targets, in the provider's region: the gateway counts a cross-region inference
  # profile on its foundation model (CountTokens takes no profile ids).
  count_tokens_arns = distinct(flatten([
    for alias, m in var.models : [
      for t in m.targets : (
        startswith(t.model, "arn:") ? (strcontains(t.model, ":foundation-model/") ? [t.model] : []) :
        ["arn:${local.partition}:bedrock:${try(coalesce(var.providers_config[t.provider].region, local.region), "")}::foundation-model/${replace(t.model, "/${local.inference_profile_prefix}/", "")}"]
      ) if try(var.providers_config[t.provider].type, "") == "bedrock" && try(coalesce(m.type, "chat"), "chat") == "chat"
    ]
  ]))

  guardrail_arns = distinct([
    for t in local.bedrock_targets : (
      startswith(t.guardrail.id, "arn:") ? t.guardrail.id : "arn:${local.partition}:bedrock:${t.region}:${local.account_id}:guardrail/${t.guardrail.id}"
    ) if t.guardrail != null
  ])

  secret_arns = distinct(compact([for p in var.providers_config : p.api_key_secret_arn]))

  role_policy_statements = concat(
    [
      {
        Sid      = "ReadOwnConfig"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.config_parameter_name}"]
      },
      {
        Sid      = "MeterOwnUsage"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"]
        Resource = [try(aws_dynamodb_table.usage[0].arn, "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.usage_table_name}")]
      },
      {
        # The usage table and the config parameter (the function module covers the environment).
        Sid      = "UseKeyForTableAndConfig"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
        Resource = compact([local.kms_key_arn])
        Condition = {
          StringEquals = {
            "kms:ViaService" = [
              "dynamodb.${local.region}.amazonaws.com",
              "ssm.${local.region}.amazonaws.com",
            ]
          }
        }
      },
    ],
    local.responses_policy_statements,
    local.uploads_policy_statements,
    length(local.bedrock_model_arns) > 0 ? [
      {
        Sid      = "InvokeConfiguredModels"
        Effect   = "Allow"
        Action   = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
        Resource = local.bedrock_model_arns
      },
    ] : [],
    var.enable_messages_routes && length(local.count_tokens_arns) > 0 ? [
      {
        Sid      = "CountConfiguredModelTokens"
        Effect   = "Allow"
        Action   = ["bedrock:CountTokens"]
        Resource = local.count_tokens_arns
      },
    ] : [],
    length(local.guardrail_arns) > 0 ? [
      {
        Sid      = "ApplyConfiguredGuardrails"
        Effect   = "Allow"
        Action   = ["bedrock:ApplyGuardrail"]
        Resource = local.guardrail_arns
      },
    ] : [],
    length(local.secret_arns) > 0 ? [
      {
        Sid      = "ReadProviderSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = local.secret_arns
      },
    ] : [],
    # Secrets encrypted with a customer-managed key: Secrets Manager decrypts the secret's
    # data key with the caller's permissions, in the encryption context {SecretARN = …}.
    length(local.secret_arns) > 0 && length(var.secrets_kms_key_arns) > 0 ? [
      {
        Sid      = "DecryptProviderSecrets"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.secrets_kms_key_arns
        Condition = {
          StringEquals = {
            "kms:ViaService"                  = distinct([for a in local.secret_arns : "secretsmanager.${split(":", a)[3]}.amazonaws.com"])
            "kms:EncryptionContext:SecretARN" = local.secret_arns
          }
        }
      },
    ] : [],
  )
}
