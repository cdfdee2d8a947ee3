# The module's key moved into the shared kms-key module.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this
}

# The proxy function moved into the lambda-function module (ADR 0100).
moved {
  from = aws_lambda_function.this
  to   = module.function.aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_log_group.this
  to   = module.function.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.lambda
  to   = module.function.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.lambda
  to   = module.function.aws_iam_role_policy.this
}
