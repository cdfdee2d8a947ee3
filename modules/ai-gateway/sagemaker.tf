# SageMaker endpoints (var.sagemaker): one sagemaker-route instance per mode in use, since
# the mode is the module's (direct: AWS integrations; lambda: the sagemaker_proxy function).

locals {
  sagemaker_endpoints = {
    for mode in ["direct", "lambda"] : mode => {
      for k, e in var.sagemaker.endpoints : k => e if e.mode == mode
    }
  }
}

module "sagemaker_direct" {
  source = "../sagemaker-route"
  count  = var.create && length(local.sagemaker_endpoints.direct) > 0 ? 1 : 0

  name                   = "${var.name}-sagemaker"
  mode                   = "direct"
  endpoints              = local.sagemaker_endpoints.direct
  route_auth             = var.sagemaker.auth
  integration_timeout_ms = var.sagemaker.integration_timeout_ms
  # Created endpoints' EBS volumes (instance types without local storage) take the key.
  create_kms_key     = local.kms_key_arn == null
  kms_key_arn        = local.kms_key_arn
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

module "sagemaker_proxy" {
  source = "../sagemaker-route"
  count  = var.create && length(local.sagemaker_endpoints.lambda) > 0 ? 1 : 0

  name                           = "${var.name}-sagemaker-proxy"
  mode                           = "lambda"
  endpoints                      = local.sagemaker_endpoints.lambda
  route_auth                     = var.sagemaker.auth
  integration_timeout_ms         = var.sagemaker.integration_timeout_ms
  package                        = { filename = var.packages.sagemaker_proxy.filename, source_code_hash = var.packages.sagemaker_proxy.source_code_hash }
  architecture                   = var.packages.sagemaker_proxy.architecture
  memory_size                    = var.sagemaker.proxy.memory_size
  timeout                        = var.sagemaker.proxy.timeout
  reserved_concurrent_executions = var.sagemaker.proxy.reserved_concurrent_executions
  max_body_bytes                 = var.sagemaker.proxy.max_body_bytes
  tracing_mode                   = var.sagemaker.proxy.tracing_mode
  configure_lambda_logging       = !var.sandbox_mode
  create_kms_key                 = local.kms_key_arn == null
  kms_key_arn                    = local.kms_key_arn
  log_retention_days             = var.log_retention_days
  tags                           = var.tags
}

# Outputs of the instances that exist (a for-expression over the module list: try() would
# turn a value with unknown parts into an unknown, and the route map must be known).
locals {
  sagemaker_routes = merge(
    merge([for m in module.sagemaker_direct : m.routes]...),
    merge([for m in module.sagemaker_proxy : m.routes]...),
  )
  sagemaker_endpoint_names = merge(
    merge([for m in module.sagemaker_direct : m.endpoint_names]...),
    merge([for m in module.sagemaker_proxy : m.endpoint_names]...),
  )
  sagemaker_created_endpoint_arns = merge(
    merge([for m in module.sagemaker_direct : m.created_endpoint_arns]...),
    merge([for m in module.sagemaker_proxy : m.created_endpoint_arns]...),
  )
  sagemaker_proxy_function_name = one([for m in module.sagemaker_proxy : m.function_name])
  sagemaker_apigateway_role_arn = one([for m in module.sagemaker_direct : m.apigateway_role_arn])
}
