# Bedrock first, an OpenAI-compatible provider as fallback, prompt templates as their own
# routes, token budgets per tier, prices for cost metrics and response streaming.
# Build the package first (`make build`); the example reads dist/manifest.json.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every name the example creates. Test runs pass their own (e.g. aigw-1a2b3c) so that runs sharing an account never collide."
  type        = string
  default     = "aigw"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,12}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must be 1-14 characters of lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, so that every derived name stays within AWS limits (load balancer and target group names: 32 characters; IAM role and Lambda function names: 64)."
  }
}

variable "manifest_path" {
  description = "Build manifest written by `make build`."
  type        = string
  default     = "../../../../dist/manifest.json"
}

variable "config_source" {
  description = "extension (the Parameters and Secrets extension layer, no AWS SDK on the hot path) or sdk; null = extension when the layer is given."
  type        = string
  default     = null
}

variable "parameters_extension_layer_arn" {
  description = "The AWS Parameters and Secrets Lambda extension layer (arm64) for the region; see the Lambda docs for the current ARN."
  type        = string
  default     = null
}

variable "configure_lambda_logging" {
  description = "Off only for the local sandbox, which does not implement logging_config."
  type        = bool
  default     = true
}

variable "provisioned_concurrent_executions" {
  description = "Warm instances on the live alias (0 in the sandbox, which lacks provisioned concurrency)."
  type        = number
  default     = 2
}

locals {
  package = jsondecode(file(var.manifest_path)).packages.llm_gateway
}

# The key's value is set out of band (console, CLI or a pipeline), never in Terraform.
resource "aws_secretsmanager_secret" "openai" {
  #checkov:skip=CKV2_AWS_57:provider API keys are rotated in the provider's console, not by a Lambda rotation function
  #checkov:skip=CKV_AWS_149:encrypted with the account's aws/secretsmanager key; the secret holds one provider key set out of band
  name                    = "${var.name_prefix}-llm-complete/openai-api-key"
  recovery_window_in_days = 0
}

module "llm" {
  source = "../../"

  name = "${var.name_prefix}-llm-complete"
  package = {
    filename         = "${dirname(var.manifest_path)}/${local.package.filename}"
    source_code_hash = local.package.sha256_base64
  }
  memory_size                       = 1024
  timeout                           = 600
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
  config_source                     = var.config_source
  parameters_extension_layer_arn    = var.parameters_extension_layer_arn
  configure_lambda_logging          = var.configure_lambda_logging

  providers_config = {
    bedrock = { type = "bedrock" }
    openai = {
      type               = "openai"
      base_url           = "https://api.openai.com/v1"
      api_key_secret_arn = aws_secretsmanager_secret.openai.arn
      read_timeout_ms    = 120000
    }
  }

  models = {
    "claude-sonnet" = {
      targets = [
        { provider = "bedrock", model = "us.anthropic.claude-3-7-sonnet-20250219-v1:0" },
        { provider = "openai", model = "gpt-4o" },
      ]
    }
    "fast" = {
      strategy = "weighted"
      targets = [
        { provider = "bedrock", model = "amazon.nova-lite-v1:0", weight = 9 },
        { provider = "openai", model = "gpt-4o-mini", weight = 1 },
      ]
    }
    "embed" = {
      type       = "embedding"
      dimensions = 512
      targets    = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }]
    }
  }

  prices = {
    "us.anthropic.claude-3-7-sonnet-20250219-v1:0" = { input_per_1m = 3, output_per_1m = 15 }
    "gpt-4o"                                       = { input_per_1m = 2.5, output_per_1m = 10 }
    "gpt-4o-mini"                                  = { input_per_1m = 0.15, output_per_1m = 0.6 }
  }

  prompt_templates = {
    summarise = {
      model    = "claude-sonnet"
      messages = [{ role = "user", content = "Summarise in {{ lang }}:\n{{ text }}" }]
      variables = {
        text = { max_length = 20000 }
        lang = { default = "English" }
      }
      parameters = { temperature = 0.2, max_tokens = 400 }
    }
  }

  routing = { deadline_ms = 25000, failure_threshold = 5, cooldown_ms = 30000 }
  quotas = {
    period = "month"
    tiers  = { free = 200000, standard = 5000000, enterprise = 100000000 }
  }
  redaction = "metadata"

  # Examples are meant to be destroyed; keep the default (true) in real deployments.
  deletion_protection_enabled = false

  tags = { project = "aigw", example = "llm-route-complete" }
}

output "routes" {
  description = "Route specs to pass to gateway-core."
  value       = module.llm.routes
}

output "function_name" {
  description = "The LLM gateway function."
  value       = module.llm.function_name
}

output "usage_table_name" {
  description = "Token budget table (for `aigw usage show`)."
  value       = module.llm.usage_table_name
}
