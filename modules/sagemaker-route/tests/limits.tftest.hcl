# The proxy's route table travels in its environment, which Lambda caps at 4 KB (measured
# as one JSON object); the sandbox accepts any size, so the module refuses it at plan time.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name = "aigw-sm"
  mode = "lambda"
  package = {
    filename         = "sagemaker_proxy.zip"
    source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
  }
  endpoints = { for i in range(15) : "model-${i}" => { endpoint_name = "aigw-prod-model-${i}-endpoint" } }
}

run "fifteen_endpoints_fit" {
  command = plan

  assert {
    condition     = length(jsonencode(module.function.function.environment[0].variables)) <= 4096 && length(jsondecode(module.function.function.environment[0].variables["AIGW_SAGEMAKER_ROUTES"])) == 15
    error_message = "Fifteen endpoints fit the proxy's environment, every one in its route table."
  }
}

run "twenty_endpoints_are_refused_at_plan" {
  command = plan

  variables {
    # About 210 bytes per endpoint with the default path: 20 make 4384 bytes.
    endpoints = { for i in range(20) : "model-${i}" => { endpoint_name = "aigw-prod-model-${i}-endpoint" } }
  }

  expect_failures = [output.function_arn]
}

run "direct_mode_has_no_environment_to_overflow" {
  command = plan

  variables {
    mode      = "direct"
    endpoints = { for i in range(40) : "model-${i}" => { endpoint_name = "aigw-prod-model-${i}-endpoint" } }
  }

  assert {
    condition     = module.function.function == null && length(output.routes) == 40
    error_message = "Direct integrations need no proxy function, whatever the number of endpoints."
  }
}
