locals {
  # The authorizer's own statements; the function module adds logs, X-Ray, VPC ENIs and
  # the environment's key (ADR 0100).
  role_policy_statements = [
    {
      Sid      = "ReadTenantsAndKeys"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem"]
      Resource = [try(aws_dynamodb_table.tenants[0].arn, ""), try(aws_dynamodb_table.keys[0].arn, "")]
    },
    {
      Sid      = "DecryptTables"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:DescribeKey"]
      Resource = compact([local.kms_key_arn])
      Condition = {
        StringEquals = { "kms:ViaService" = ["dynamodb.${local.region}.amazonaws.com"] }
      }
    },
  ]
}
