# The log-group key moved into the shared kms-key module.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this
}

# The account CloudWatch role moved into the nested module the bootstrap stack shares.
moved {
  from = aws_iam_role.cloudwatch
  to   = module.account_cloudwatch_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.cloudwatch
  to   = module.account_cloudwatch_role.aws_iam_role_policy.this
}

moved {
  from = aws_api_gateway_account.this
  to   = module.account_cloudwatch_role.aws_api_gateway_account.this
}
