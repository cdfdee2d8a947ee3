# The gateway's config document (schema: docs/llm-gateway.md), rendered from the typed
# inputs and stored as an encrypted SSM parameter that the function reads and caches.
# Secrets are referenced by ARN only; nothing secret is ever rendered here.
locals {
  config_providers = {
    for name, p in var.providers_config : name => { for k, v in p : k => v if v != null }
  }

  config_models = {
    for alias, m in var.models : alias => merge(
      {
        type     = m.type
        strategy = m.strategy
        targets = [
          for t in m.targets : merge(
            { provider = t.provider, model = t.model },
            t.weight == null ? {} : { weight = t.weight },
            t.guardrail == null ? {} : { guardrail = t.guardrail },
            t.retry == null ? {} : { retry = { for k, v in t.retry : k => v if v != null } },
          )
        ]
      },
      m.owned_by == null ? {} : { owned_by = m.owned_by },
      m.dimensions == null ? {} : { dimensions = m.dimensions },
    )
  }

  config_prompts = {
    for name, p in var.prompt_templates : name => {
      model      = p.model
      messages   = p.messages
      variables  = { for vn, v in p.variables : vn => { for k, x in v : k => x if x != null } }
      parameters = { for k, v in p.parameters : k => v if v != null }
    }
  }

  config_document = jsonencode({
    version   = 1
    providers = local.config_providers
    models    = local.config_models
    prices    = local.effective_prices
    prompts   = local.config_prompts
    routing   = { for k, v in var.routing : k => v if v != null }
    limits    = { for k, v in var.limits : k => v if v != null }
    quotas = merge(
      {
        enabled    = var.quotas.enabled
        table_name = local.usage_table_name
        period     = var.quotas.period
        tiers      = var.quotas.tiers
        tenants    = var.quotas.tenants
      },
      var.quotas.default_tokens == null ? {} : { default_tokens = var.quotas.default_tokens },
      var.quotas.reserve_output_tokens == null ? {} : { reserve_output_tokens = var.quotas.reserve_output_tokens },
      { usd = { for k, v in var.quotas.usd : k => v if v != null } },
    )
    cache = {
      enabled     = var.response_cache.enabled
      table_name  = local.usage_table_name
      ttl_seconds = var.response_cache.ttl_seconds
    }
    logging = { redaction = var.redaction }
    metrics = { namespace = var.metrics_namespace, enabled = true }
  })

  # SSM parameter values: at most 4096 characters in the standard tier, 8192 in the
  # advanced tier (ADR 0036). The size is counted in UTF-8 bytes, never fewer than
  # characters, from the base64 form: 3 bytes per 4 characters less the padding.
  config_document_base64 = base64encode(local.config_document)
  config_document_bytes = (
    length(local.config_document_base64) / 4 * 3
    -(endswith(local.config_document_base64, "==") ? 2 : endswith(local.config_document_base64, "=") ? 1 : 0)
  )
  config_parameter_max_bytes = 8192

  mock_providers = sort([for name, p in var.providers_config : name if p.type == "mock"])

  unknown_target_providers = distinct(flatten([
    for alias, m in var.models : [for t in m.targets : "${alias} -> ${t.provider}" if !contains(keys(var.providers_config), t.provider)]
  ]))
  unknown_prompt_models = [for name, p in var.prompt_templates : "${name} -> ${p.model}" if !contains(keys(var.models), p.model)]
}

resource "aws_ssm_parameter" "config" {
  count = var.create ? 1 : 0

  name        = local.config_parameter_name
  description = "aigw LLM gateway config document (docs/llm-gateway.md); secrets are referenced by ARN only"
  type        = "SecureString"
  key_id      = local.kms_key_arn
  # Standard while the document fits 4 KB, advanced above; never recreated when it
  # shrinks again (an advanced parameter cannot be downgraded in place).
  tier  = "Intelligent-Tiering"
  value = local.config_document
  tags  = var.tags

  lifecycle {
    precondition {
      condition     = length(local.unknown_target_providers) == 0
      error_message = "Model targets name providers that are not in providers_config: ${join(", ", local.unknown_target_providers)}."
    }
    precondition {
      condition     = length(local.unknown_prompt_models) == 0
      error_message = "Prompt templates use models that are not in models: ${join(", ", local.unknown_prompt_models)}."
    }
    precondition {
      condition     = local.config_document_bytes <= local.config_parameter_max_bytes
      error_message = "The LLM config document is ${local.config_document_bytes} bytes; an SSM parameter holds at most ${local.config_parameter_max_bytes} bytes (advanced tier). Shorten or remove prompt templates, models or prices, or split them across gateways."
    }
    precondition {
      condition     = var.allow_mock_provider || length(local.mock_providers) == 0
      error_message = "Providers of type mock answer with canned text, never a model: ${join(", ", local.mock_providers)}. Use bedrock or openai providers, or set allow_mock_provider = true where a fake is intended (the local sandbox, tests)."
    }
  }
}
