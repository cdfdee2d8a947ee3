# Lambda permissions stay one per invoked function as routes grow: a function's
# resource-based policy holds at most 20 KB, about 60 statements (ADR 0037).

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name        = "aigw-permissions"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  routes = {
    chat = {
      path                 = "/v1/chat/completions"
      method               = "POST"
      auth                 = "AWS_IAM"
      integration          = { type = "AWS_PROXY", uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:llm:live/invocations" }
      lambda_function_name = "llm"
      lambda_qualifier     = "live"
    }
  }
}

run "one_route_one_permission" {
  command = plan

  assert {
    condition     = keys(aws_lambda_permission.function) == ["llm:live"]
    error_message = "One Lambda-backed route needs one permission."
  }
}

run "eighty_routes_still_one_permission_per_function" {
  command = plan

  variables {
    routes = merge(
      {
        for i in range(79) : "prompt_${i}" => {
          path                 = "/v1/prompts/template-${i}"
          method               = "POST"
          auth                 = "AWS_IAM"
          integration          = { type = "AWS_PROXY", uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:llm:live/invocations" }
          lambda_function_name = "llm"
          lambda_qualifier     = "live"
        }
      },
      {
        sagemaker = {
          path                 = "/v1/sagemaker/{endpoint}"
          method               = "ANY"
          auth                 = "AWS_IAM"
          integration          = { type = "AWS_PROXY", uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:proxy/invocations" }
          lambda_function_name = "proxy"
        }
      },
    )
  }

  assert {
    condition     = length(var.routes) == 80 && keys(aws_lambda_permission.function) == ["llm:live", "proxy"]
    error_message = "80 routes over two functions need exactly two permissions."
  }

  assert {
    condition = (
      aws_lambda_permission.function["llm:live"].function_name == "llm" &&
      aws_lambda_permission.function["llm:live"].qualifier == "live" &&
      aws_lambda_permission.function["proxy"].function_name == "proxy" &&
      aws_lambda_permission.function["proxy"].qualifier == null
    )
    error_message = "Each permission targets its function and the qualifier its routes invoke."
  }

  assert {
    condition     = aws_lambda_permission.function["llm:live"].statement_id == "apigw-aigw-permissions-v1"
    error_message = "The statement id names the API and stage, so two APIs sharing a function never collide."
  }
}
