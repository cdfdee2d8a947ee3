# What the local sandbox (moto) lacks: per-method stage settings (it keeps them under the
# escaped resource path and cannot read them back) and execution logging (which needs the
# account-level API Gateway CloudWatch role).
enable_route_throttles = false
logging_level          = "OFF"
