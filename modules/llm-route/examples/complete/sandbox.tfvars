# What the local sandbox (moto) lacks: the Parameters and Secrets extension layer,
# a function's logging_config, and provisioned concurrency.
config_source                     = "sdk"
configure_lambda_logging          = false
provisioned_concurrent_executions = 0
