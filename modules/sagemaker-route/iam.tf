# Direct mode: the role API Gateway assumes to call the SageMaker runtime (route `credentials`).
resource "aws_iam_role" "apigateway" {
  count = local.direct ? 1 : 0

  name        = "${var.name}-apigw"
  description = "API Gateway invokes the SageMaker endpoints of ${var.name}"
  # No aws:SourceAccount / aws:SourceArn condition: API Gateway sets neither key when it
  # assumes an integration's credentials role, so either condition denies every call
  # (500 "API Gateway does not have permission to assume the provided role"). Only
  # principals allowed iam:PassRole on this role, in this account, can attach it to an
  # integration; the permission policy below is what limits the blast radius.
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
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

# Lambda mode: the proxy function's execution role.
resource "aws_iam_role" "lambda" {
  count = local.lambda ? 1 : 0

  name        = var.name
  description = "The sagemaker_proxy function ${var.name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

locals {
  lambda_policy_statements = concat(
    [
      {
        Sid      = "InvokeNamedEndpoints"
        Effect   = "Allow"
        Action   = ["sagemaker:InvokeEndpoint"]
        Resource = local.endpoint_arns
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${try(aws_cloudwatch_log_group.this[0].arn, local.log_group_arn)}:*"]
      },
      {
        Sid      = "DecryptOwnEnvironment"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = compact([local.kms_key_arn])
        Condition = {
          StringEquals = { "kms:ViaService" = ["lambda.${local.region}.amazonaws.com"] }
        }
      },
    ],
    var.tracing_mode == "Active" ? [
      {
        # X-Ray trace ingestion has no resource-level permissions.
        Sid      = "WriteTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = ["*"]
      },
    ] : [],
    length(var.vpc_subnet_ids) > 0 ? [
      {
        # ENI management for VPC-attached Lambdas; these actions accept no resource ARNs.
        Sid      = "ManageVpcInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        Resource = ["*"]
      },
    ] : [],
  )
}

resource "aws_iam_role_policy" "lambda" {
  count = local.lambda ? 1 : 0

  #checkov:skip=CKV_AWS_290:the only unscoped statements are X-Ray trace ingestion and VPC ENI management, which AWS offers no resource-level permissions for
  #checkov:skip=CKV_AWS_355:same as above: X-Ray and ENI actions only accept "*"
  name   = "least-privilege"
  role   = aws_iam_role.lambda[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.lambda_policy_statements })
}
