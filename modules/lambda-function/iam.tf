resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name        = var.name
  description = var.role_description
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
  # What every aigw function needs; the caller's policy_statements add what only it does.
  base_statements = concat(
    [
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${try(aws_cloudwatch_log_group.this[0].arn, local.log_group_arn)}:*"]
      },
      {
        # Lambda decrypts the function's environment with the caller's permissions.
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

  role_policy_statements = concat(var.policy_statements, local.base_statements)
}

resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  #checkov:skip=CKV_AWS_290:the only unscoped statements are X-Ray trace ingestion and VPC ENI management, which AWS offers no resource-level permissions for
  #checkov:skip=CKV_AWS_355:same as above: X-Ray and ENI actions only accept "*"
  name   = var.role_policy_name
  role   = aws_iam_role.this[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.role_policy_statements })

  lifecycle {
    precondition {
      condition     = length(distinct([for s in local.role_policy_statements : s.Sid])) == length(local.role_policy_statements)
      error_message = "policy_statements reuse a Sid of the module's base statements (WriteOwnLogs, DecryptOwnEnvironment, WriteTraces, ManageVpcInterfaces) or of each other: every statement needs its own Sid."
    }
  }
}
