data "aws_partition" "current" {
  count = var.create ? 1 : 0
}

data "aws_region" "current" {
  count = var.create ? 1 : 0
}

locals {
  partition = try(data.aws_partition.current[0].partition, "aws")
  region    = try(data.aws_region.current[0].id, "")

  # service, API action and JSON-protocol target of each route.
  catalogue = {
    sentiment = { service = "comprehend", action = "DetectSentiment", target = "Comprehend_20171127.DetectSentiment", iam = ["comprehend:DetectSentiment"] }
    pii       = { service = "comprehend", action = "DetectPiiEntities", target = "Comprehend_20171127.DetectPiiEntities", iam = ["comprehend:DetectPiiEntities"] }
    # SourceLanguageCode "auto" makes Translate call Comprehend DetectDominantLanguage as the caller.
    translate = { service = "translate", action = "TranslateText", target = "AWSShineFrontendService_20170701.TranslateText", iam = ["translate:TranslateText", "comprehend:DetectDominantLanguage"] }
    labels    = { service = "rekognition", action = "DetectLabels", target = "RekognitionService.DetectLabels", iam = ["rekognition:DetectLabels"] }
    # Opt-in services (off by default).
    entities    = { service = "comprehend", action = "DetectEntities", target = "Comprehend_20171127.DetectEntities", iam = ["comprehend:DetectEntities"] }
    key_phrases = { service = "comprehend", action = "DetectKeyPhrases", target = "Comprehend_20171127.DetectKeyPhrases", iam = ["comprehend:DetectKeyPhrases"] }
    language    = { service = "comprehend", action = "DetectDominantLanguage", target = "Comprehend_20171127.DetectDominantLanguage", iam = ["comprehend:DetectDominantLanguage"] }
    document    = { service = "textract", action = "DetectDocumentText", target = "Textract.DetectDocumentText", iam = ["textract:DetectDocumentText"] }
    image_text  = { service = "rekognition", action = "DetectText", target = "RekognitionService.DetectText", iam = ["rekognition:DetectText"] }
    moderation  = { service = "rekognition", action = "DetectModerationLabels", target = "RekognitionService.DetectModerationLabels", iam = ["rekognition:DetectModerationLabels"] }
    # Polly speaks REST-JSON (POST /v1/speech, no X-Amz-Target) and answers with audio bytes.
    speech = { service = "polly", action = "SynthesizeSpeech", target = null, iam = ["polly:SynthesizeSpeech"] }
  }

  # Path-style integrations (REST-JSON services); every other route is action-style (JSON 1.1).
  service_paths = { speech = "v1/speech" }
  # Polly's answer types (mp3, ogg_vorbis/ogg_opus, pcm): binary media types of the API.
  speech_media_types = ["audio/mpeg", "audio/ogg", "audio/pcm"]

  enabled = var.create ? { for k, v in local.catalogue : k => v if var.services[k] } : {}
}

module "apigateway_trust" {
  source = "../apigateway-trust-policy"
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name        = var.name
  description = "API Gateway calls the enabled AI services (Comprehend, Translate, Rekognition, Textract, Polly) for ${var.name}"
  # API Gateway alone, no condition keys (why: modules/apigateway-trust-policy); the
  # permission policy below is what limits the blast radius.
  assume_role_policy = module.apigateway_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  #checkov:skip=CKV_AWS_290:Comprehend detect APIs, Translate TranslateText, Rekognition and Textract detect APIs support no resource-level permissions, and Polly SynthesizeSpeech only lexicons (the routes name none); the actions are limited to the enabled routes
  #checkov:skip=CKV_AWS_355:same as above: these stateless detect/translate/synthesize actions only accept "*"
  name = "enabled-ai-services"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid      = "CallEnabledServices"
      Effect   = "Allow"
      Action   = sort(distinct(flatten([for k, v in local.enabled : v.iam])))
      Resource = ["*"]
    }], local.upload_policy_statements)
  })
}
