# What the local sandbox (moto) lacks: the stage cache cluster and execution logging
# (which needs the account-level API Gateway CloudWatch role).
enable_cache  = false
logging_level = "OFF"
