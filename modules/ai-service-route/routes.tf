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
    # Comprehend: text under 100 KB of UTF-8; JSON schema counts characters, the service bytes.
    entities    = local.text_schema
    key_phrases = local.text_schema
    language = {
      type                 = "object"
      required             = ["text"]
      additionalProperties = false
      properties = {
        text = { type = "string", minLength = 1, maxLength = 100000 }
      }
    }
    document = {
      type                 = "object"
      required             = ["document"]
      additionalProperties = false
      properties = {
        # Textract takes documents up to 10 MB; API Gateway payloads stop at 10 MB (base64 included).
        document = { type = "string", minLength = 4, maxLength = 10000000 }
      }
    }
    image_text = local.image_schema
    moderation = {
      type                 = "object"
      required             = ["image"]
      additionalProperties = false
      properties = {
        image          = local.image_schema.properties.image
        min_confidence = { type = "number", minimum = 0, maximum = 100 }
      }
    }
    speech = {
      type                 = "object"
      required             = ["text"]
      additionalProperties = false
      properties = {
        # Polly bills at most 3000 characters (6000 with SSML tags) per call.
        text      = { type = "string", minLength = 1, maxLength = 6000 }
        voice     = { type = "string", pattern = "^[A-Z][a-z]{1,31}$" }
        engine    = { type = "string", enum = ["standard", "neural", "long-form", "generative"] }
        format    = { type = "string", enum = ["mp3", "ogg_vorbis", "ogg_opus", "pcm"] }
        text_type = { type = "string", enum = ["text", "ssml"] }
      }
    }
  }

  text_schema = {
    type                 = "object"
    required             = ["text"]
    additionalProperties = false
    properties = {
      text     = { type = "string", minLength = 1, maxLength = 100000 }
      language = { type = "string", enum = local.languages }
    }
  }

  image_schema = {
    type                 = "object"
    required             = ["image"]
    additionalProperties = false
    properties = {
      # Rekognition takes images up to 5 MB: about 7 MB of base64.
      image = { type = "string", minLength = 4, maxLength = 7000000 }
    }
  }

  template_vars = {
    sentiment   = { default_language = var.default_language }
    pii         = { default_language = var.pii_default_language }
    translate   = {}
    labels      = var.labels_defaults
    entities    = { default_language = var.default_language }
    key_phrases = { default_language = var.default_language }
    language    = {}
    document    = {}
    image_text  = {}
    moderation  = {}
    speech      = var.speech_defaults
  }

  # Request template of each service (templates/<name>_request.vtl): the Comprehend text
  # calls share one.
  request_template_names = merge({ for k in keys(local.catalogue) : k => k }, { sentiment = "text", pii = "text", entities = "text", key_phrases = "text" })

  summaries = {
    sentiment   = "Detect the sentiment of a text (Amazon Comprehend)"
    pii         = "Find personal data in a text (Amazon Comprehend)"
    translate   = "Translate a text (Amazon Translate)"
    labels      = "Detect labels in a base64 image (Amazon Rekognition)"
    entities    = "Find named entities in a text (Amazon Comprehend)"
    key_phrases = "Find the key phrases of a text (Amazon Comprehend)"
    language    = "Detect the dominant language of a text (Amazon Comprehend)"
    document    = "Read the text of a base64 document image (Amazon Textract)"
    image_text  = "Read the text in a base64 image (Amazon Rekognition)"
    moderation  = "Detect unsafe content in a base64 image (Amazon Rekognition)"
    speech      = "Turn a text into speech; the answer is audio (Amazon Polly)"
  }

  # Service status -> the gateway's OpenAI-shaped answer. For AWS integrations API Gateway
  # matches selection patterns against the service's HTTP status code.
  error_responses = {
    "400|413" = { status = "400", type = "invalid_request_error", code = "invalid_request", message = "The service rejected the request (unsupported language, text too long or invalid image)." }
    "429"     = { status = "429", type = "rate_limit_error", code = "throttled", message = "The service is throttling requests; retry later." }
    default   = { status = "502", type = "upstream_error", code = "upstream_error", message = "The AI service returned an error." }
  }

  # JSON answers are converted to text whatever the client's Accept header says: with binary
  # media types on the API (speech), an Accept of a binary type would otherwise make API
  # Gateway base64-decode the JSON ("Content type conversions in API Gateway").
  error_integration_responses = {
    for pattern, e in local.error_responses : pattern => {
      status_code = e.status
      response_templates = {
        "application/json" = templatefile("${path.module}/templates/error.vtl", e)
      }
      response_parameters = {}
      content_handling    = "CONVERT_TO_TEXT"
    }
  }

  # Success: JSON through the response template, or (speech) the audio bytes as they are,
  # with Polly's Content-Type (audio/mpeg, audio/ogg, audio/pcm).
  success_responses = merge(
    {
      for k in keys(local.catalogue) : k => {
        status_code         = "200"
        response_templates  = { "application/json" = file("${path.module}/templates/${k}_response.vtl") }
        response_parameters = {}
        content_handling    = "CONVERT_TO_TEXT"
      } if !contains(keys(local.service_paths), k)
    },
    {
      speech = {
        status_code         = "200"
        response_templates  = {}
        response_parameters = { "method.response.header.Content-Type" = "integration.response.header.Content-Type" }
        content_handling    = "CONVERT_TO_BINARY"
      }
    },
  )

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
      request_schema       = local.route_schemas[k]
      request_parameters   = {}
      integration = {
        type = "AWS"
        uri = (contains(keys(local.service_paths), k)
          ? "arn:${local.partition}:apigateway:${local.region}:${s.service}:path/${local.service_paths[k]}"
        : "arn:${local.partition}:apigateway:${local.region}:${s.service}:action/${s.action}")
        http_method   = "POST"
        credentials   = try(aws_iam_role.this[0].arn, null)
        transfer_mode = "BUFFERED"
        timeout_ms    = var.integration_timeout_ms
        request_parameters = s.target == null ? {
          "integration.request.header.Content-Type" = "'application/json'"
          } : {
          "integration.request.header.X-Amz-Target" = "'${s.target}'"
          "integration.request.header.Content-Type" = "'application/x-amz-json-1.1'"
        }
        request_templates = {
          "application/json" = templatefile("${path.module}/templates/${local.request_template_names[k]}_request.vtl", merge(local.template_vars[k], local.upload_template_vars))
        }
        passthrough_behavior = "NEVER"
        responses            = merge(local.error_integration_responses, { "2\\d{2}" = local.success_responses[k] })
      }
      throttle           = lookup(var.throttle, k, null)
      binary_media_types = k == "speech" ? local.speech_media_types : []
    }
  }
}
