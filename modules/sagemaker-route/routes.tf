# The routes this module emits (contract: docs/architecture.md "The routes contract"). gateway-core
# renders them into the REST API; this module never creates API Gateway resources.
locals {
  # SageMaker runtime status -> the gateway's OpenAI-shaped answer (direct mode). For AWS
  # integrations API Gateway matches selection patterns against the backend status code.
  error_responses = {
    "400|415" = { status = "400", type = "invalid_request_error", code = "invalid_request", message = "SageMaker rejected the request (validation error)." }
    "413"     = { status = "413", type = "invalid_request_error", code = "body_too_large", message = "The request body is too large for the endpoint." }
    "424"     = { status = "502", type = "upstream_error", code = "model_error", message = "The model returned an error." }
    "429"     = { status = "429", type = "rate_limit_error", code = "throttled", message = "The SageMaker endpoint is throttling requests or not ready; retry later." }
    default   = { status = "502", type = "upstream_error", code = "upstream_error", message = "SageMaker returned an error." }
  }

  error_integration_responses = {
    for pattern, e in local.error_responses : pattern => {
      status_code = e.status
      response_templates = {
        "application/json" = templatefile("${path.module}/templates/error.vtl", e)
      }
    }
  }

  csv_request_schema = jsonencode({
    type     = "object"
    required = ["instances"]
    properties = {
      instances = {
        type     = "array"
        minItems = 1
        items    = { type = "array", minItems = 1, items = { type = "number" } }
      }
    }
  })

  json_request_schema = jsonencode({ type = "object" })

  direct_routes = {
    for k, e in local.endpoints : "sagemaker_${k}" => {
      path                 = e.path
      method               = "POST"
      summary              = "Invoke the ${e.endpoint_name} SageMaker endpoint"
      lambda_function_name = null
      lambda_qualifier     = null
      auth                 = var.route_auth
      public               = false
      cache                = null
      request_schema       = e.content_type == "text/csv" ? local.csv_request_schema : local.json_request_schema
      integration = {
        type          = "AWS"
        uri           = "arn:${local.partition}:apigateway:${local.region}:runtime.sagemaker:path//endpoints/${e.endpoint_name}/invocations"
        http_method   = "POST"
        credentials   = try(aws_iam_role.apigateway[0].arn, null)
        transfer_mode = "BUFFERED"
        timeout_ms    = var.integration_timeout_ms
        request_parameters = merge(
          {
            "integration.request.header.Content-Type" = "'${e.content_type}'"
            "integration.request.header.Accept"       = "'${e.accept}'"
          },
          e.target_variant != null ? { "integration.request.header.X-Amzn-SageMaker-Target-Variant" = "'${e.target_variant}'" } : {},
        )
        request_templates = e.content_type == "text/csv" ? {
          "application/json" = file("${path.module}/templates/request_csv.vtl")
          "text/csv"         = "$input.body"
          } : {
          "application/json" = file("${path.module}/templates/request_json.vtl")
        }
        passthrough_behavior = "NEVER"
        responses = merge(local.error_integration_responses, {
          "2\\d{2}" = {
            status_code = "200"
            response_templates = e.response_format == "raw" ? {} : {
              "application/json" = templatefile(
                "${path.module}/templates/${endswith(e.accept, "json") ? "response_json" : "response_text"}.vtl",
                { route = k, accept = e.accept }
              )
            }
          }
        })
      }
    }
  }

  lambda_routes = {
    for k, e in local.endpoints : "sagemaker_${k}" => {
      path                 = e.path
      method               = "POST"
      summary              = "Invoke the ${e.endpoint_name} SageMaker endpoint (proxy function)"
      lambda_function_name = module.function.function_name
      lambda_qualifier     = null
      auth                 = var.route_auth
      public               = false
      cache                = null
      # The proxy validates JSON and CSV bodies itself and answers OpenAI-shaped errors.
      request_schema = null
      integration = {
        type          = "AWS_PROXY"
        uri           = module.function.invoke_arn
        transfer_mode = "BUFFERED"
        timeout_ms    = var.integration_timeout_ms
      }
    }
  }

  # Filtered for-expressions keep the per-route object types (a conditional would need one type).
  routes = merge(
    { for k, r in local.direct_routes : k => r if local.direct },
    { for k, r in local.lambda_routes : k => r if local.lambda },
  )
}
