resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name = var.name
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
  role_policy_statements = concat(
    [
      {
        Sid      = "ReadTenantsAndKeys"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem"]
        Resource = [try(aws_dynamodb_table.tenants[0].arn, ""), try(aws_dynamodb_table.keys[0].arn, "")]
      },
      {
        Sid      = "DecryptTablesAndEnvironment"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey"]
        Resource = [local.kms_key_arn]
        Condition = {
          StringEquals = {
            "kms:ViaService" = ["dynamodb.${local.region}.amazonaws.com", "lambda.${local.region}.amazonaws.com"]
          }
        }
      },
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${try(aws_cloudwatch_log_group.this[0].arn, local.log_group_arn)}:*"]
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

resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  name   = "${var.name}-runtime"
  role   = aws_iam_role.this[0].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.role_policy_statements })
}
