# What the local sandbox (moto 5.2.5) lacks: per-method stage settings (it keeps them under
# the escaped resource path and cannot read them back), binary media types added by path
# (stored as empty values, so the re-plan never settles) and execution logging (which
# needs the account-level API Gateway CloudWatch role).
enable_route_throttles = false
enable_speech          = false
logging_level          = "OFF"
