# The emitted routes satisfy gateway-core's `routes` contract and render as intended.
mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-compose" }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-sm-compose"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-sm-compose/invocations"
    }
  }
}

run "direct_routes_render" {
  command = apply

  module {
    source = "./tests/compose"
  }

  assert {
    condition = toset(keys(jsondecode(output.openapi_document).paths)) == toset([
      "/v1/sagemaker/sentiment/invocations", "/v1/sagemaker/churn/invocations",
      "/v1/ai/sentiment", "/v1/ai/pii", "/v1/ai/translate", "/v1/ai/labels",
    ])
    error_message = "Every SageMaker and AI service route becomes an operation."
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/sagemaker/churn/invocations"].post["x-amazon-apigateway-integration"].type == "aws" &&
      jsondecode(output.openapi_document).paths["/v1/sagemaker/churn/invocations"].post["x-amazon-apigateway-integration"].credentials == "arn:aws:iam::123456789012:role/aigw-compose" &&
      jsondecode(output.openapi_document).paths["/v1/sagemaker/churn/invocations"].post["x-amazon-apigateway-integration"].passthroughBehavior == "NEVER" &&
      jsondecode(output.openapi_document).paths["/v1/sagemaker/churn/invocations"].post["x-amazon-apigateway-integration"].requestParameters["integration.request.header.X-Amzn-SageMaker-Target-Variant"] == "'blue'" &&
      jsondecode(output.openapi_document).paths["/v1/sagemaker/churn/invocations"].post["x-amazon-apigateway-integration"].responses["424"].statusCode == "502"
    )
    error_message = "Direct SageMaker operations keep their credentials, headers, templates and error mapping."
  }

  assert {
    condition = alltrue([
      for p, item in jsondecode(output.openapi_document).paths :
      item.post["x-amazon-apigateway-request-validator"] == "body-and-params" && length(item.post.security) == 1
    ])
    error_message = "Every operation validates its body and is authorised."
  }

  assert {
    condition     = toset(keys(jsondecode(output.openapi_document).paths["/v1/ai/labels"].post.responses)) == toset(["200", "400", "429", "502"])
    error_message = "AI service operations declare the statuses their integration responses produce."
  }
}

run "proxy_routes_render" {
  command = apply

  module {
    source = "./tests/compose"
  }

  variables {
    mode = "lambda"
  }

  assert {
    condition = (
      jsondecode(output.openapi_document).paths["/v1/sagemaker/sentiment/invocations"].post["x-amazon-apigateway-integration"].type == "aws_proxy" &&
      jsondecode(output.openapi_document).paths["/v1/sagemaker/sentiment/invocations"].post["x-amazon-apigateway-integration"].uri == "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-sm-compose/invocations"
    )
    error_message = "Proxy routes render as Lambda proxy integrations of the proxy function."
  }
}
