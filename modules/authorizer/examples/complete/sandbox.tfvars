# The local sandbox (moto) does not return a function's logging_config.
configure_lambda_logging = false
