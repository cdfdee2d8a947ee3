# A production-shaped gateway: Bedrock with an OpenAI-compatible fallback, JWTs from an
# OIDC issuer besides API keys, three tiers with request and token budgets, prompt
# templates as routes, a tuned WAF. Build the packages first (`make build`).

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

variable "parameters_extension_layer_arn" {
  description = "The AWS Parameters and Secrets Lambda extension layer (arm64) for the region (not needed in sandbox_mode)."
  type        = string
  default     = null
}

variable "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role of the account and region (envs/_bootstrap's output account_cloudwatch_role_arn, or the role another stack set). When null outside sandbox_mode, the example creates the role and sets it for the account and region."
  type        = string
  default     = null
}

variable "sandbox_mode" {
  description = "true only for the local AWS sandbox (see the module README)."
  type        = bool
  default     = false
}

variable "oidc_issuer" {
  description = "OIDC issuer whose JWTs are accepted (its JWKS is fetched from <issuer>/.well-known/jwks.json)."
  type        = string
  default     = "https://login.example.com"
}

resource "aws_secretsmanager_secret" "openai" {
  #checkov:skip=CKV2_AWS_57:provider API keys are rotated in the provider's console, not by a Lambda rotation function
  #checkov:skip=CKV_AWS_149:encrypted with the account's aws/secretsmanager key; the secret holds one provider key set out of band
  name                    = "${var.name_prefix}-complete/openai-api-key"
  recovery_window_in_days = 0
}

# The Lambda packages of this build (dist/manifest.json, written by `make build`).
module "packages" {
  source = "../../modules/packages"

  manifest_path = var.manifest_path
}

module "gateway" {
  source = "../../"

  name         = "${var.name_prefix}-complete"
  stage_name   = "v1"
  packages     = module.packages.packages
  sandbox_mode = var.sandbox_mode

  # API Gateway's account CloudWatch Logs role: the given one, or (in an AWS account with
  # none given) the example creates it; the sandbox does not model the account setting.
  account_cloudwatch_role_arn    = var.account_cloudwatch_role_arn
  create_account_cloudwatch_role = var.account_cloudwatch_role_arn == null && !var.sandbox_mode

  jwt_issuers = [{
    issuer       = var.oidc_issuer
    jwks_uri     = "${var.oidc_issuer}/.well-known/jwks.json"
    audiences    = ["aigw"]
    tenant_claim = "tenant"
  }]
  authorizer_result_ttl_seconds = 300

  tiers = {
    free = {
      throttle = { rate_limit = 2, burst_limit = 5 }
      quota    = { limit = 1000, period = "DAY" }
    }
    standard = {
      throttle = { rate_limit = 20, burst_limit = 40 }
      quota    = { limit = 200000, period = "MONTH" }
    }
    enterprise = {
      throttle = { rate_limit = 200, burst_limit = 400 }
      quota    = { limit = 10000000, period = "MONTH" }
    }
  }

  waf = {
    body_size_limit_bytes     = 65536
    rate_limit_per_ip         = { limit = 3000 }
    rate_limit_per_credential = { limit = 1000 }
  }

  llm = {
    providers = {
      bedrock = { type = "bedrock" }
      openai = {
        type               = "openai"
        base_url           = "https://api.openai.com/v1"
        api_key_secret_arn = aws_secretsmanager_secret.openai.arn
      }
    }
    models = {
      "claude-sonnet" = {
        targets = [
          { provider = "bedrock", model = "us.anthropic.claude-3-7-sonnet-20250219-v1:0" },
          { provider = "openai", model = "gpt-4o" },
        ]
      }
      "embed" = { type = "embedding", targets = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }] }
    }
    prices = {
      "us.anthropic.claude-3-7-sonnet-20250219-v1:0" = { input_per_1m = 3, output_per_1m = 15 }
      "gpt-4o"                                       = { input_per_1m = 2.5, output_per_1m = 10 }
    }
    prompt_templates = {
      summarise = {
        model      = "claude-sonnet"
        messages   = [{ role = "user", content = "Summarise: {{ text }}" }]
        variables  = { text = { max_length = 20000 } }
        parameters = { temperature = 0.2, max_tokens = 400 }
      }
    }
    quotas = {
      tiers = { free = 50000, standard = 5000000, enterprise = 200000000 }
    }
    routing                        = { deadline_ms = 25000 }
    parameters_extension_layer_arn = var.parameters_extension_layer_arn
  }

  # Examples are meant to be destroyed; keep the default (true) in real deployments.
  # Route families besides the LLM routes, each behind the authorizer: an existing
  # SageMaker endpoint (direct AWS integration), the AI services with a per-route
  # throttle, and a public HTTP back end. (A private back end behind a VPC link:
  # private_backends, as in envs/local.)
  sagemaker = {
    endpoints = { churn = { endpoint_name = "churn-xgboost", content_type = "text/csv" } }
  }
  ai_services = {
    services = { sentiment = true, translate = true, pii = false, labels = false, key_phrases = true }
    # The sandbox keeps no stage method settings for a route's path (moto 5.2.5).
    throttle = var.sandbox_mode ? {} : { sentiment = { rate_limit = 50, burst_limit = 100 } }
  }
  http_backends = {
    weather = {
      url    = "https://api.weather.example.com/v2"
      routes = { forecast = { path = "/v1/weather/forecast", method = "GET", backend_path = "/forecast" } }
    }
  }

  deletion_protection_enabled = false

  tags = { project = "aigw", example = "ai-gateway-complete" }
}

output "stage_invoke_url" {
  description = "Base URL of the gateway."
  value       = module.gateway.stage_invoke_url
}

output "usage_plan_ids" {
  description = "Usage plan per tier."
  value       = module.gateway.usage_plan_ids
}

output "cli_environment" {
  description = "Environment for `aigw tenants|keys|usage`."
  value       = module.gateway.cli_environment
}
