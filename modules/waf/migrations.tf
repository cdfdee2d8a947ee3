# The WAF log key moved into the shared kms-key module.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this
}
