# What observability watches besides the functions: every route of the directly integrated
# families (API Gateway's per-method metrics) and every SageMaker endpoint (ADR 0131). The
# LLM routes are watched through the LLM function's own metrics (errors, TTFT, tokens).
locals {
  observed_families = {
    sagemaker        = "sagemaker"
    ai_services      = "ai_service"
    private_backends = "private"
    http_backends    = "http"
  }
  observed_routes = merge([
    for f, family in local.observed_families : {
      for k, r in local.family_routes[f] : k => { method = upper(r.method), path = r.path, family = family }
    }
  ]...)
  observed_sagemaker_endpoints = {
    for k, n in local.sagemaker_endpoint_names : k => { endpoint_name = n }
  }
  # Every LLM route that streams emits TimeToFirstTokenMs (lambda_src/llm_gateway/telemetry.py).
  ttft_routes = var.llm.streaming ? concat(["chat_completions", "prompts", "responses"], var.llm.enable_messages_routes ? ["messages"] : []) : []
}
