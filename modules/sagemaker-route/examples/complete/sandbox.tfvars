# What the local sandbox (moto) lacks: a function's logging_config, a faithful read-back
# of SageMaker models and endpoint configurations (network isolation, VPC and data capture
# blocks show as drift) and Application Auto Scaling tagging (ListTagsForResource).
configure_lambda_logging = false
create_endpoints         = false
enable_autoscaling       = false
