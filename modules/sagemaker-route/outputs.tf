output "routes" {
  description = "Route specs for gateway-core: one POST route per endpoint (direct AWS integration or the proxy function)."
  value       = local.routes
}

output "endpoint_names" {
  description = "SageMaker endpoint name of each route (key = route name)."
  value       = var.create ? { for k, e in local.endpoints : k => e.endpoint_name } : {}
}

output "endpoint_arns" {
  description = "ARNs of the endpoints the routes may invoke (what the IAM policy allows)."
  value       = var.create ? local.endpoint_arns : []
}

output "created_endpoint_arns" {
  description = "ARNs of the endpoints this module created (key = route name)."
  value       = { for k, e in aws_sagemaker_endpoint.this : k => e.arn }
}

output "apigateway_role_arn" {
  description = "Role API Gateway assumes to invoke the endpoints (direct mode)."
  value       = try(aws_iam_role.apigateway[0].arn, null)
}

output "function_name" {
  description = "Name of the proxy function (lambda mode)."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the proxy function (lambda mode)."
  value       = module.function.function_arn

  precondition {
    condition     = var.package != null || !local.lambda
    error_message = "mode = \"lambda\" needs package (the sagemaker_proxy zip and its base64 SHA-256 from dist/manifest.json; run `make build`)."
  }
  precondition {
    condition     = local.proxy_environment_bytes <= local.proxy_environment_max_bytes || !local.lambda
    error_message = "The proxy's route table makes its environment ${local.proxy_environment_bytes} bytes; Lambda allows ${local.proxy_environment_max_bytes}. Split the ${length(var.endpoints)} endpoints across sagemaker-route instances (about 200 bytes each with the default path, so at most about 18 per instance), use shorter paths and endpoint names, or use mode = \"direct\"."
  }
}

output "function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed proxy package (equals dist/manifest.json)."
  value       = module.function.function_source_code_hash
}

output "role_arn" {
  description = "ARN of the proxy function's execution role (lambda mode)."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "Name of the proxy function's log group (lambda mode)."
  value       = module.function.log_group_name
}

output "kms_key_arn" {
  description = "KMS key protecting the proxy's logs and environment and created endpoints' volumes (null when none is needed)."
  value       = local.kms_key_arn
}
