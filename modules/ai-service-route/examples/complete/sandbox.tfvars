# Execution logging needs the account-level API Gateway CloudWatch role, which the
# local sandbox (moto) does not model.
logging_level = "OFF"
