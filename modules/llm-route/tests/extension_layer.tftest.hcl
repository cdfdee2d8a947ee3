# The Parameters and Secrets extension layer is published per architecture and region:
# AWS-Parameters-and-Secrets-Lambda-Extension (x86_64) and ...-Extension-Arm64 (arm64).
# A layer for the other architecture or region fails only when the function starts.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-llm" }
  }
}

variables {
  name = "aigw-llm"
  package = {
    filename         = "llm_gateway.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  providers_config = { bedrock = { type = "bedrock" } }
  models = {
    claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] }
  }
}

run "arm64_layer_on_arm64" {
  command = plan

  variables {
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }

  assert {
    condition     = module.function.function.layers == tolist(["arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"]) && module.function.function.environment[0].variables.AIGW_CONFIG_SOURCE == "extension"
    error_message = "The arm64 layer serves the config to the arm64 function."
  }
}

run "x86_64_layer_on_x86_64" {
  command = plan

  variables {
    architecture                   = "x86_64"
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
  }

  assert {
    condition     = module.function.function.architectures == tolist(["x86_64"])
    error_message = "The x86_64 layer goes with an x86_64 function."
  }
}

run "rejects_the_x86_64_layer_on_arm64" {
  command = plan
  variables {
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
  }
  expect_failures = [output.function_arn]
}

run "rejects_the_arm64_layer_on_x86_64" {
  command = plan
  variables {
    architecture                   = "x86_64"
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }
  expect_failures = [output.function_arn]
}

run "rejects_a_layer_of_another_region" {
  command = plan
  variables {
    parameters_extension_layer_arn = "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }
  expect_failures = [output.function_arn]
}

run "rejects_an_unversioned_layer_arn" {
  command = plan
  variables {
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64"
  }
  expect_failures = [var.parameters_extension_layer_arn]
}
