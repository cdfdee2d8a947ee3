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
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "function_arn" {
  description = "ARN of the proxy function (lambda mode)."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed proxy package (equals dist/manifest.json)."
  value       = try(aws_lambda_function.this[0].source_code_hash, null)
}

output "role_arn" {
  description = "ARN of the proxy function's execution role (lambda mode)."
  value       = try(aws_iam_role.lambda[0].arn, null)
}

output "log_group_name" {
  description = "Name of the proxy function's log group (lambda mode)."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "kms_key_arn" {
  description = "KMS key protecting the proxy's logs and environment and created endpoints' volumes (null when none is needed)."
  value       = local.kms_key_arn
}
