module "apigateway_trust" {
  source = "../apigateway-trust-policy"
}

# Direct mode: the role API Gateway assumes to call the SageMaker runtime (route `credentials`).
resource "aws_iam_role" "apigateway" {
  count = local.direct ? 1 : 0

  name        = "${var.name}-apigw"
  description = "API Gateway invokes the SageMaker endpoints of ${var.name}"
  # API Gateway alone, no condition keys (why: modules/apigateway-trust-policy); the
  # permission policy below is what limits the blast radius.
  assume_role_policy = module.apigateway_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "apigateway" {
  count = local.direct ? 1 : 0

  name = "invoke-named-endpoints"
  role = aws_iam_role.apigateway[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "InvokeNamedEndpoints"
      Effect   = "Allow"
      Action   = ["sagemaker:InvokeEndpoint"]
      Resource = local.endpoint_arns
    }]
  })
}

# Lambda mode: the proxy's own statements; the function module adds logs, X-Ray, VPC ENIs
# and the environment's key (ADR 0100).
locals {
  lambda_policy_statements = [
    {
      Sid      = "InvokeNamedEndpoints"
      Effect   = "Allow"
      Action   = ["sagemaker:InvokeEndpoint"]
      Resource = local.endpoint_arns
    },
  ]
}
