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
  }

  enabled = var.create ? { for k, v in local.catalogue : k => v if var.services[k] } : {}
}

module "apigateway_trust" {
  source = "../apigateway-trust-policy"
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name        = var.name
  description = "API Gateway calls Comprehend, Translate and Rekognition for ${var.name}"
  # API Gateway alone, no condition keys (why: modules/apigateway-trust-policy); the
  # permission policy below is what limits the blast radius.
  assume_role_policy = module.apigateway_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "this" {
  count = var.create ? 1 : 0

  #checkov:skip=CKV_AWS_290:Comprehend detect APIs, Translate TranslateText and Rekognition DetectLabels support no resource-level permissions; the actions are limited to the enabled routes
  #checkov:skip=CKV_AWS_355:same as above: these stateless detect/translate actions only accept "*"
  name = "enabled-ai-services"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "CallEnabledServices"
      Effect   = "Allow"
      Action   = sort(distinct(flatten([for k, v in local.enabled : v.iam])))
      Resource = ["*"]
    }]
  })
}
