mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-ai" }
  }
}

variables {
  name = "aigw-ai"
}

run "all_services_by_default" {
  command = apply

  assert {
    condition     = toset(keys(output.routes)) == toset(["ai_sentiment", "ai_pii", "ai_translate", "ai_labels"])
    error_message = "All four services are on by default."
  }

  assert {
    condition = (
      output.routes.ai_sentiment.integration.uri == "arn:aws:apigateway:eu-west-1:comprehend:action/DetectSentiment" &&
      output.routes.ai_pii.integration.uri == "arn:aws:apigateway:eu-west-1:comprehend:action/DetectPiiEntities" &&
      output.routes.ai_translate.integration.uri == "arn:aws:apigateway:eu-west-1:translate:action/TranslateText" &&
      output.routes.ai_labels.integration.uri == "arn:aws:apigateway:eu-west-1:rekognition:action/DetectLabels"
    )
    error_message = "Each route is a direct integration with its service action."
  }

  assert {
    condition = (
      output.routes.ai_sentiment.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'Comprehend_20171127.DetectSentiment'" &&
      output.routes.ai_translate.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'AWSShineFrontendService_20170701.TranslateText'" &&
      output.routes.ai_labels.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'RekognitionService.DetectLabels'" &&
      alltrue([for r in output.routes : r.integration.request_parameters["integration.request.header.Content-Type"] == "'application/x-amz-json-1.1'"])
    )
    error_message = "JSON-protocol calls carry X-Amz-Target and the x-amz-json-1.1 content type."
  }

  assert {
    condition = alltrue([
      for r in output.routes :
      r.integration.type == "AWS" && r.integration.http_method == "POST" &&
      r.integration.credentials == aws_iam_role.this[0].arn &&
      r.integration.passthrough_behavior == "NEVER" &&
      r.auth == "CUSTOM" && !r.public && r.lambda_function_name == null &&
      can(jsondecode(r.request_schema).required)
    ])
    error_message = "Routes: AWS integrations with the module's role, no passthrough, authenticated, body-validated."
  }

  assert {
    condition = alltrue(flatten([
      for r in output.routes : [
        for pattern, resp in r.integration.responses :
        pattern == "2\\d{2}" ? resp.status_code == "200" : can(jsondecode(resp.response_templates["application/json"]).error.code)
      ]
    ]))
    error_message = "Success maps to 200; every error pattern renders an OpenAI-shaped error."
  }

  assert {
    condition = (
      output.routes.ai_sentiment.integration.responses["429"].status_code == "429" &&
      output.routes.ai_sentiment.integration.responses["400|413"].status_code == "400" &&
      output.routes.ai_sentiment.integration.responses["default"].status_code == "502"
    )
    error_message = "Throttling -> 429, validation -> 400, anything else -> 502."
  }

  assert {
    condition = (
      strcontains(output.routes.ai_sentiment.integration.request_templates["application/json"], "#set($lang = \"en\")") &&
      strcontains(output.routes.ai_labels.integration.request_templates["application/json"], "#set($max = 10)") &&
      strcontains(output.routes.ai_labels.integration.request_templates["application/json"], "#set($min = 55)")
    )
    error_message = "Defaults are rendered into the request templates."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role.this[0].assume_role_policy).Statement) == 1 &&
      jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Principal == { Service = "apigateway.amazonaws.com" } &&
      jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Action == "sts:AssumeRole" &&
      !can(jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Condition)
    )
    error_message = "Only API Gateway may assume the role, with no aws:SourceAccount/aws:SourceArn condition: API Gateway sets neither when it assumes an integration's credentials role, so such a condition makes every call fail."
  }

  assert {
    condition = toset(jsondecode(aws_iam_role_policy.this[0].policy).Statement[0].Action) == toset([
      "comprehend:DetectSentiment", "comprehend:DetectPiiEntities", "comprehend:DetectDominantLanguage",
      "translate:TranslateText", "rekognition:DetectLabels",
    ])
    error_message = "The role holds exactly the actions of the enabled services."
  }
}

run "only_translate" {
  command = apply

  variables {
    services         = { sentiment = false, pii = false, labels = false }
    paths            = { translate = "/v1/translate" }
    default_language = "de"
  }

  assert {
    condition     = keys(output.routes) == ["ai_translate"] && output.routes.ai_translate.path == "/v1/translate"
    error_message = "Disabled services emit no route; paths can be changed."
  }

  assert {
    condition     = toset(jsondecode(aws_iam_role_policy.this[0].policy).Statement[0].Action) == toset(["translate:TranslateText", "comprehend:DetectDominantLanguage"])
    error_message = "Disabled services' actions are not granted."
  }

  assert {
    condition     = alltrue([for a in jsondecode(aws_iam_role_policy.this[0].policy).Statement[0].Action : !strcontains(a, "*")])
    error_message = "No wildcard action."
  }
}

run "disabled_module_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(output.routes) == 0 && output.role_arn == null && length(output.allowed_actions) == 0
    error_message = "create = false must create nothing and emit no routes."
  }
}

run "rejects_no_service" {
  command = plan
  variables {
    services = { sentiment = false, pii = false, translate = false, labels = false }
  }
  expect_failures = [var.services]
}

run "rejects_unknown_language" {
  command = plan
  variables {
    default_language = "xx"
  }
  expect_failures = [var.default_language]
}

run "rejects_unsupported_pii_language" {
  command = plan
  variables {
    pii_default_language = "fr"
  }
  expect_failures = [var.pii_default_language]
}

run "rejects_bad_paths" {
  command = plan
  variables {
    paths = { sentiment = "v1/no-slash" }
  }
  expect_failures = [var.paths]
}

run "rejects_shared_paths" {
  command = plan
  variables {
    paths = { sentiment = "/v1/ai", pii = "/v1/ai" }
  }
  expect_failures = [var.paths]
}

run "rejects_public_routes" {
  command = plan
  variables {
    route_auth = "NONE"
  }
  expect_failures = [var.route_auth]
}

run "rejects_out_of_range_label_defaults" {
  command = plan
  variables {
    labels_defaults = { max_labels = 0 }
  }
  expect_failures = [var.labels_defaults]
}

run "opt_in_services" {
  command = apply

  variables {
    services = {
      sentiment  = false, pii = false, translate = false, labels = false,
      entities   = true, key_phrases = true, language = true, document = true,
      image_text = true, moderation = true, speech = true,
    }
    throttle = {
      entities = { rate_limit = 100, burst_limit = 200 }
      speech   = { rate_limit = 2.5, burst_limit = 5 }
    }
    speech_defaults = { voice = "Matthew", engine = "standard", format = "ogg_vorbis" }
  }

  assert {
    condition = toset(keys(output.routes)) == toset([
      "ai_entities", "ai_key_phrases", "ai_language", "ai_document", "ai_image_text", "ai_moderation", "ai_speech",
    ])
    error_message = "Each enabled opt-in service emits its route."
  }

  assert {
    condition = (
      output.routes.ai_entities.integration.uri == "arn:aws:apigateway:eu-west-1:comprehend:action/DetectEntities" &&
      output.routes.ai_key_phrases.integration.uri == "arn:aws:apigateway:eu-west-1:comprehend:action/DetectKeyPhrases" &&
      output.routes.ai_language.integration.uri == "arn:aws:apigateway:eu-west-1:comprehend:action/DetectDominantLanguage" &&
      output.routes.ai_document.integration.uri == "arn:aws:apigateway:eu-west-1:textract:action/DetectDocumentText" &&
      output.routes.ai_image_text.integration.uri == "arn:aws:apigateway:eu-west-1:rekognition:action/DetectText" &&
      output.routes.ai_moderation.integration.uri == "arn:aws:apigateway:eu-west-1:rekognition:action/DetectModerationLabels" &&
      output.routes.ai_speech.integration.uri == "arn:aws:apigateway:eu-west-1:polly:path/v1/speech"
    )
    error_message = "JSON 1.1 services are action-style integrations; Polly (REST-JSON) is POST /v1/speech."
  }

  assert {
    condition = (
      output.routes.ai_entities.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'Comprehend_20171127.DetectEntities'" &&
      output.routes.ai_key_phrases.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'Comprehend_20171127.DetectKeyPhrases'" &&
      output.routes.ai_language.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'Comprehend_20171127.DetectDominantLanguage'" &&
      output.routes.ai_document.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'Textract.DetectDocumentText'" &&
      output.routes.ai_image_text.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'RekognitionService.DetectText'" &&
      output.routes.ai_moderation.integration.request_parameters["integration.request.header.X-Amz-Target"] == "'RekognitionService.DetectModerationLabels'" &&
      tomap(output.routes.ai_speech.integration.request_parameters) == tomap({ "integration.request.header.Content-Type" = "'application/json'" })
    )
    error_message = "Each JSON 1.1 call names its X-Amz-Target; the Polly call is plain JSON with no target."
  }

  assert {
    condition = (
      output.routes.ai_speech.integration.responses["2\\d{2}"].content_handling == "CONVERT_TO_BINARY" &&
      length(output.routes.ai_speech.integration.responses["2\\d{2}"].response_templates) == 0 &&
      tomap(output.routes.ai_speech.integration.responses["2\\d{2}"].response_parameters) == tomap({ "method.response.header.Content-Type" = "integration.response.header.Content-Type" }) &&
      tolist(output.routes.ai_speech.binary_media_types) == tolist(["audio/mpeg", "audio/ogg", "audio/pcm"]) &&
      tolist(output.binary_media_types) == tolist(["audio/mpeg", "audio/ogg", "audio/pcm"])
    )
    error_message = "Speech answers the audio bytes untouched (CONVERT_TO_BINARY, no template) with Polly's Content-Type, and brings the audio media types."
  }

  assert {
    condition = alltrue(flatten([
      for k, r in output.routes : [
        for pattern, resp in r.integration.responses : resp.content_handling == "CONVERT_TO_TEXT"
        if !(k == "ai_speech" && pattern == "2\\d{2}")
      ]
    ]))
    error_message = "Every JSON answer (errors, and success of the JSON routes) is converted to text whatever the client's Accept header."
  }

  assert {
    condition = (
      output.routes.ai_entities.throttle == { rate_limit = 100, burst_limit = 200 } &&
      output.routes.ai_speech.throttle == { rate_limit = 2.5, burst_limit = 5 } &&
      output.routes.ai_language.throttle == null
    )
    error_message = "A service's throttle is passed to its route; services without one have none."
  }

  assert {
    condition = (
      strcontains(output.routes.ai_speech.integration.request_templates["application/json"], "#set($voice = \"Matthew\")") &&
      strcontains(output.routes.ai_speech.integration.request_templates["application/json"], "#set($engine = \"standard\")") &&
      strcontains(output.routes.ai_speech.integration.request_templates["application/json"], "#set($format = \"ogg_vorbis\")")
    )
    error_message = "Speech defaults are rendered into the request template."
  }

  assert {
    condition = toset(jsondecode(aws_iam_role_policy.this[0].policy).Statement[0].Action) == toset([
      "comprehend:DetectEntities", "comprehend:DetectKeyPhrases", "comprehend:DetectDominantLanguage",
      "textract:DetectDocumentText", "rekognition:DetectText", "rekognition:DetectModerationLabels",
      "polly:SynthesizeSpeech",
    ])
    error_message = "The role holds exactly the actions of the enabled services."
  }

  assert {
    condition = (
      jsondecode(output.routes.ai_speech.request_schema).additionalProperties == false &&
      jsondecode(output.routes.ai_speech.request_schema).properties.format.enum == ["mp3", "ogg_vorbis", "ogg_opus", "pcm"] &&
      jsondecode(output.routes.ai_document.request_schema).required == ["document"] &&
      jsondecode(output.routes.ai_moderation.request_schema).required == ["image"]
    )
    error_message = "New routes validate their bodies (closed schemas, enums, required fields)."
  }
}

run "new_services_are_opt_in" {
  command = plan

  assert {
    condition     = length(output.binary_media_types) == 0 && !contains(keys(output.routes), "ai_speech") && alltrue([for r in output.routes : r.throttle == null && length(r.binary_media_types) == 0])
    error_message = "By default only the four original services are on, with no throttle and no binary answers."
  }
}

run "rejects_throttle_of_an_unknown_service" {
  command = plan
  variables {
    throttle = { sentiments = { rate_limit = 1, burst_limit = 1 } }
  }
  expect_failures = [var.throttle]
}

run "rejects_a_non_positive_rate" {
  command = plan
  variables {
    throttle = { sentiment = { rate_limit = 0, burst_limit = 1 } }
  }
  expect_failures = [var.throttle]
}

run "rejects_a_fractional_burst" {
  command = plan
  variables {
    throttle = { sentiment = { rate_limit = 1, burst_limit = 1.5 } }
  }
  expect_failures = [var.throttle]
}

run "rejects_an_unknown_speech_format" {
  command = plan
  variables {
    speech_defaults = { format = "wav" }
  }
  expect_failures = [var.speech_defaults]
}

run "rejects_an_unknown_speech_engine" {
  command = plan
  variables {
    speech_defaults = { engine = "turbo" }
  }
  expect_failures = [var.speech_defaults]
}

run "rejects_a_malformed_voice" {
  command = plan
  variables {
    speech_defaults = { voice = "joanna; drop" }
  }
  expect_failures = [var.speech_defaults]
}
