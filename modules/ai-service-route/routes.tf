# The routes this module emits (contract: docs/architecture.md "The routes contract"). gateway-core
# renders them into the REST API; this module never creates API Gateway resources.
locals {
  languages = ["ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh", "zh-TW"]
  # Translate language codes: "fr", "pt-PT", "zh-TW", "fa-AF" …
  translate_language_pattern = "^[a-z]{2,3}(-[A-Za-z]{2,4})?$"

  request_schemas = {
    sentiment = {
      type                 = "object"
      required             = ["text"]
      additionalProperties = false
      properties = {
        text     = { type = "string", minLength = 1, maxLength = 5000 }
        language = { type = "string", enum = local.languages }
      }
    }
    pii = {
      type                 = "object"
      required             = ["text"]
      additionalProperties = false
      properties = {
        text     = { type = "string", minLength = 1, maxLength = 100000 }
        language = { type = "string", enum = ["en", "es"] }
      }
    }
    translate = {
      type                 = "object"
      required             = ["text", "target_language"]
      additionalProperties = false
      properties = {
        text            = { type = "string", minLength = 1, maxLength = 10000 }
        source_language = { type = "string", pattern = "^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$" }
        target_language = { type = "string", pattern = local.translate_language_pattern }
      }
    }
    labels = {
      type                 = "object"
      required             = ["image"]
      additionalProperties = false
      properties = {
        # Rekognition takes images up to 5 MB: about 7 MB of base64.
        image          = { type = "string", minLength = 4, maxLength = 7000000 }
        max_labels     = { type = "integer", minimum = 1, maximum = 1000 }
        min_confidence = { type = "number", minimum = 0, maximum = 100 }
      }
    }
  }

  template_vars = {
    sentiment = { default_language = var.default_language }
    pii       = { default_language = var.pii_default_language }
    translate = {}
    labels    = var.labels_defaults
  }

  summaries = {
    sentiment = "Detect the sentiment of a text (Amazon Comprehend)"
    pii       = "Find personal data in a text (Amazon Comprehend)"
    translate = "Translate a text (Amazon Translate)"
    labels    = "Detect labels in a base64 image (Amazon Rekognition)"
  }

  # Service status -> the gateway's OpenAI-shaped answer. For AWS integrations API Gateway
  # matches selection patterns against the service's HTTP status code.
  error_responses = {
    "400|413" = { status = "400", type = "invalid_request_error", code = "invalid_request", message = "The service rejected the request (unsupported language, text too long or invalid image)." }
    "429"     = { status = "429", type = "rate_limit_error", code = "throttled", message = "The service is throttling requests; retry later." }
    default   = { status = "502", type = "upstream_error", code = "upstream_error", message = "The AI service returned an error." }
  }

  error_integration_responses = {
    for pattern, e in local.error_responses : pattern => {
      status_code = e.status
      response_templates = {
        "application/json" = templatefile("${path.module}/templates/error.vtl", e)
      }
    }
  }

  routes = {
    for k, s in local.enabled : "ai_${k}" => {
      path                 = var.paths[k]
      method               = "POST"
      summary              = local.summaries[k]
      lambda_function_name = null
      lambda_qualifier     = null
      auth                 = var.route_auth
      public               = false
      cache                = null
      request_schema       = jsonencode(local.request_schemas[k])
      integration = {
        type          = "AWS"
        uri           = "arn:${local.partition}:apigateway:${local.region}:${s.service}:action/${s.action}"
        http_method   = "POST"
        credentials   = try(aws_iam_role.this[0].arn, null)
        transfer_mode = "BUFFERED"
        timeout_ms    = var.integration_timeout_ms
        request_parameters = {
          "integration.request.header.X-Amz-Target" = "'${s.target}'"
          "integration.request.header.Content-Type" = "'application/x-amz-json-1.1'"
        }
        request_templates = {
          "application/json" = templatefile("${path.module}/templates/${k}_request.vtl", local.template_vars[k])
        }
        passthrough_behavior = "NEVER"
        responses = merge(local.error_integration_responses, {
          "2\\d{2}" = {
            status_code        = "200"
            response_templates = { "application/json" = file("${path.module}/templates/${k}_response.vtl") }
          }
        })
      }
    }
  }
}
