# The local environment: the whole gateway (modules/ai-gateway) in the local AWS sandbox.
# What differs from a deployed environment: sandbox_mode (the few features moto lacks are
# off, see scan-exceptions.toml), the deterministic `mock` provider instead of real models.
# As in a deployed env, one environment key encrypts everything: `make apply ENV=local`
# first applies envs/_bootstrap (environment = "local", key only) to the sandbox and
# passes its ARN as kms_key_arn, so every key reference is known at plan time (ADR 0090).

locals {
  tags = {
    "aigw:environment" = "local"
    "aigw:managed-by"  = "terraform"
  }
}

# The Lambda packages of this build (dist/manifest.json, written by `make build`).
module "packages" {
  source = "../../modules/ai-gateway/modules/packages"

  manifest_path = var.manifest_path
}

module "gateway" {
  source = "../../modules/ai-gateway"

  name         = var.name
  stage_name   = "v1"
  sandbox_mode = true
  packages     = module.packages.packages
  kms_key_arn  = var.kms_key_arn
  # Set in the sandbox by the bootstrap stack, as in a deployed env (ADR 0092).
  account_cloudwatch_role_arn = var.account_cloudwatch_role_arn
  log_retention_days          = var.log_retention_days
  release                     = var.release

  tiers = {
    standard = {
      throttle = { rate_limit = 20, burst_limit = 40 }
      quota    = { limit = 100000, period = "MONTH" }
    }
    premium = {
      throttle = { rate_limit = 100, burst_limit = 200 }
      quota    = { limit = 1000000, period = "MONTH" }
    }
  }

  llm = {
    # The deterministic mock provider: refused everywhere else (llm-route allow_mock_provider).
    allow_mock_provider = true
    providers = {
      mock = { type = "mock" }
    }
    models = {
      "mock-chat"  = { targets = [{ provider = "mock", model = "echo" }] }
      "mock-embed" = { type = "embedding", targets = [{ provider = "mock", model = "hash" }] }
    }
    prompt_templates = {
      summarise = {
        model     = "mock-chat"
        messages  = [{ role = "user", content = "Summarise in {{ lang }}: {{ text }}" }]
        variables = { text = { max_length = 20000 }, lang = { default = "English" } }
      }
    }
    quotas = {
      tiers = { standard = 200000, premium = 5000000 }
    }
  }

  tags = local.tags
}
