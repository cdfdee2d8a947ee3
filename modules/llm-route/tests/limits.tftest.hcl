# AWS limits the local sandbox does not enforce, checked at plan time (ADR 0036):
# the config parameter's size and tier, the function environment's size, and the
# mock provider kept out of deployed gateways.

mock_provider "aws" {
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
    claude = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-5-haiku-20241022-v1:0" }] }
  }
}

run "small_config_is_intelligent_tiering" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.config[0].tier == "Intelligent-Tiering" && length(aws_ssm_parameter.config[0].value) < 4096
    error_message = "The config parameter must be Intelligent-Tiering, so that a size change never flips (and recreates) it."
  }
}

run "config_above_4_kb_keeps_its_tier_setting" {
  command = plan

  variables {
    # Three templates of 2000 characters: about 6.5 KB, above the standard tier's 4 KB.
    prompt_templates = {
      for i in range(3) : "long${i}" => {
        model    = "claude"
        messages = [{ role = "system", content = join("", [for j in range(200) : "0123456789"]) }]
      }
    }
  }

  assert {
    condition     = length(aws_ssm_parameter.config[0].value) > 4096 && length(aws_ssm_parameter.config[0].value) <= 8192
    error_message = "This run needs a document between 4 KB and 8 KB."
  }

  assert {
    condition     = aws_ssm_parameter.config[0].tier == "Intelligent-Tiering"
    error_message = "Above 4 KB the parameter must stay Intelligent-Tiering (AWS moves it to the advanced tier), not be set to Advanced: shrinking it later would recreate it."
  }
}

run "config_above_8_kb_fails_at_plan" {
  command = plan

  variables {
    prompt_templates = {
      for i in range(5) : "long${i}" => {
        model    = "claude"
        messages = [{ role = "system", content = join("", [for j in range(200) : "0123456789"]) }]
      }
    }
  }

  expect_failures = [aws_ssm_parameter.config]
}

run "config_size_counts_bytes_not_characters" {
  command = plan

  variables {
    # 4000 two-byte characters: under 8192 characters, over 8192 bytes.
    prompt_templates = {
      accents = {
        model    = "claude"
        messages = [{ role = "system", content = join("", [for j in range(400) : "éééééééééé"]) }]
      }
    }
  }

  expect_failures = [aws_ssm_parameter.config]
}

run "environment_stays_small_with_many_prompt_routes" {
  command = plan

  variables {
    prompt_templates = {
      for i in range(40) : "template-${i}" => {
        model     = "claude"
        messages  = [{ role = "user", content = "{{ text }}" }]
        variables = { text = {} }
      }
    }
  }

  assert {
    condition     = length(output.routes) == 44 # chat, models, one model, embeddings + 40
    error_message = "Every prompt template must still be its own route."
  }

  assert {
    condition = toset(keys(module.function.function.environment[0].variables)) == toset([
      "AIGW_CONFIG_PARAMETER", "AIGW_CONFIG_SOURCE", "AIGW_CONFIG_TTL_SECONDS", "AWS_LAMBDA_EXEC_WRAPPER",
    ])
    error_message = "Routes and templates travel in the config parameter; the environment only names it."
  }

  assert {
    # Lambda measures the variables as one JSON object against its 4 KB limit.
    condition     = length(jsonencode(module.function.function.environment[0].variables)) < 512
    error_message = "The function environment must not grow with the routes."
  }

  assert {
    condition     = length(jsondecode(aws_ssm_parameter.config[0].value).prompts) == 40
    error_message = "The templates must all be in the config document the function reads."
  }
}

run "mock_provider_is_refused_by_default" {
  command = plan

  variables {
    providers_config = { bedrock = { type = "bedrock" }, fake = { type = "mock" } }
    models = {
      claude = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-5-haiku-20241022-v1:0" }] }
      chat   = { targets = [{ provider = "fake", model = "echo" }] }
    }
  }

  expect_failures = [aws_ssm_parameter.config]
}

run "mock_provider_with_explicit_opt_in" {
  command = plan

  variables {
    allow_mock_provider = true
    providers_config    = { fake = { type = "mock" } }
    models              = { chat = { targets = [{ provider = "fake", model = "echo" }] } }
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.config[0].value).providers.fake.type == "mock"
    error_message = "With allow_mock_provider = true the mock provider is rendered into the config."
  }
}
