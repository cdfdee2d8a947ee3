# The module's key moved into the shared kms-key module, then with the function into the
# lambda-function module (ADR 0100): upgrades move state, they destroy nothing.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this
}

moved {
  from = module.kms_key
  to   = module.function.module.kms_key
}

moved {
  from = aws_lambda_function.this
  to   = module.function.aws_lambda_function.this
}

moved {
  from = aws_cloudwatch_log_group.this
  to   = module.function.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.this
  to   = module.function.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.this
  to   = module.function.aws_iam_role_policy.this
}

moved {
  from = aws_lambda_alias.live
  to   = module.function.aws_lambda_alias.live
}

moved {
  from = aws_lambda_provisioned_concurrency_config.live
  to   = module.function.aws_lambda_provisioned_concurrency_config.live
}
