# The dated Bedrock price table (prices/) prices every Bedrock target by default;
# `prices` overrides it per model id; a target with neither fails the plan (ADR 0125).

mock_provider "aws" {
  # The shared mock Region (us-east-1) picks the price table's rows (prices.tf).
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name = "aigw-llm"
  package = {
    filename         = "llm_gateway.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  config_source    = "sdk"
  providers_config = { bedrock = { type = "bedrock" } }
  models = {
    haiku = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-5-haiku-20241022-v1:0" }] }
    embed = { type = "embedding", targets = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }] }
  }
}

run "the_table_prices_bedrock_targets_and_geo_profiles" {
  command = plan

  assert {
    condition = jsondecode(aws_ssm_parameter.config[0].value).prices == {
      "us.anthropic.claude-3-5-haiku-20241022-v1:0" = { input_per_1m = 0.8, output_per_1m = 4, cache_read_per_1m = 0.08, cache_write_per_1m = 1 }
      "amazon.titan-embed-text-v2:0"                = { input_per_1m = 0.02, output_per_1m = 0, cache_read_per_1m = 0, cache_write_per_1m = null }
    }
    error_message = "The config document must carry the table's prices of the routed models only (the us. profile at the source Region's price)."
  }
}

run "prices_override_the_table_per_model" {
  command = plan

  variables {
    prices = { "amazon.titan-embed-text-v2:0" = { input_per_1m = 0.01 } }
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.config[0].value).prices["amazon.titan-embed-text-v2:0"].input_per_1m == 0.01 && jsondecode(aws_ssm_parameter.config[0].value).prices["us.anthropic.claude-3-5-haiku-20241022-v1:0"].output_per_1m == 4
    error_message = "An entry of prices must replace the table's price of that model and leave the others."
  }
}

run "rejects_a_model_without_a_price" {
  command = plan

  variables {
    models = { sonnet = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-sonnet-9-v1:0" }] } }
  }

  expect_failures = [terraform_data.price_check]
}

run "rejects_a_region_the_table_does_not_cover" {
  command = plan

  variables {
    providers_config = { bedrock = { type = "bedrock", region = "ap-southeast-2" } }
  }

  expect_failures = [terraform_data.price_check]
}

run "rejects_openai_targets_without_an_override" {
  command = plan

  variables {
    providers_config = { openai = { type = "openai", base_url = "https://api.openai.example/v1" } }
    models           = { gpt = { targets = [{ provider = "openai", model = "gpt-4o" }] } }
  }

  expect_failures = [terraform_data.price_check]
}

run "mock_targets_are_exempt" {
  command = plan

  variables {
    allow_mock_provider = true
    providers_config    = { fake = { type = "mock" } }
    models              = { chat = { targets = [{ provider = "fake", model = "echo" }] } }
  }

  assert {
    condition     = length(terraform_data.price_check[0].input) == 0
    error_message = "Mock targets never cost anything and need no price."
  }
}

run "rejects_a_negative_price" {
  command = plan

  variables {
    prices = { "amazon.titan-embed-text-v2:0" = { input_per_1m = -1 } }
  }

  expect_failures = [var.prices]
}

run "usd_budgets_reach_the_config_document" {
  command = plan

  variables {
    quotas = { usd = { tiers = { standard = 100 }, tenants = { acme = 250.5 }, models = { acme = { haiku = 40 } } } }
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.config[0].value).quotas.usd == { tiers = { standard = 100 }, tenants = { acme = 250.5 }, models = { acme = { haiku = 40 } } }
    error_message = "quotas.usd must reach the config document (no default when unset)."
  }
}

run "rejects_a_negative_usd_budget" {
  command = plan

  variables {
    quotas = { usd = { tenants = { acme = -1 } } }
  }

  expect_failures = [var.quotas]
}

run "rejects_a_usd_budget_on_an_unknown_model" {
  command = plan

  variables {
    quotas = { usd = { models = { acme = { opus = 10 } } } }
  }

  expect_failures = [var.quotas]
}
