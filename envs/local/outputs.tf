output "rest_api_id" {
  description = "ID of the REST API in the sandbox."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_invoke_url" {
  description = "Invoke URL the stage would have (the sandbox does not serve it: use `make serve`)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "llm_function_name" {
  description = "Name of the LLM gateway Lambda function."
  value       = aws_lambda_function.llm.function_name
}

output "llm_function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed LLM gateway package (equals dist/manifest.json)."
  value       = aws_lambda_function.llm.source_code_hash
}

output "kms_key_arn" {
  description = "ARN of the environment's KMS key."
  value       = aws_kms_key.this.arn
}
