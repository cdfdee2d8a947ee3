# The local environment: the gateway deployed into the local AWS sandbox.
#
# First stack (foundation): the LLM gateway Lambda from the built package, its IAM
# role and log group, and a REST API (one OpenAPI document) that routes to it through
# the function's `live` alias. Later issues replace this with the composed modules.

locals {
  tags = {
    "aigw:environment" = "local"
    "aigw:managed-by"  = "terraform"
  }

  manifest    = jsondecode(file(var.manifest_path))
  llm_package = local.manifest.packages["llm_gateway"]
  llm_zip     = "${dirname(var.manifest_path)}/${local.llm_package.filename}"

  function_name = "${var.name}-llm-gateway"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# -- encryption ---------------------------------------------------------------------------
data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:a key policy's "*" resource means this key; the account root keeps administration as AWS recommends
  #checkov:skip=CKV_AWS_111:same as above: key policies are scoped to the key they are attached to
  #checkov:skip=CKV_AWS_356:same as above: "*" in a key policy is the key itself
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: logs and data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# -- the LLM gateway function ----------------------------------------------------------------
resource "aws_cloudwatch_log_group" "llm" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}

data "aws_iam_policy_document" "llm_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "llm" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.llm.arn}:*"]
  }
  statement {
    sid       = "XRay"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] #checkov:skip=CKV_AWS_111:X-Ray trace APIs do not support resource-level permissions
  }
}

resource "aws_iam_role" "llm" {
  name               = local.function_name
  assume_role_policy = data.aws_iam_policy_document.llm_assume.json
}

resource "aws_iam_role_policy" "llm" {
  name   = "least-privilege"
  role   = aws_iam_role.llm.id
  policy = data.aws_iam_policy_document.llm.json
}

resource "aws_lambda_function" "llm" {
  #checkov:skip=CKV_AWS_117:the local sandbox has no VPC; deployed envs attach the function to private subnets when they need to
  #checkov:skip=CKV_AWS_116:API Gateway invokes synchronously; a dead-letter queue only applies to asynchronous invocation
  #checkov:skip=CKV_AWS_272:code signing needs AWS Signer, which the local sandbox does not provide
  function_name                  = local.function_name
  description                    = "aigw LLM gateway (OpenAI-compatible API)"
  role                           = aws_iam_role.llm.arn
  handler                        = local.llm_package.handler
  runtime                        = local.llm_package.runtime
  architectures                  = [local.llm_package.architecture]
  filename                       = local.llm_zip
  source_code_hash               = local.llm_package.sha256_base64
  memory_size                    = 512
  timeout                        = 60
  reserved_concurrent_executions = 10
  kms_key_arn                    = aws_kms_key.this.arn
  publish                        = true

  environment {
    variables = {
      AIGW_ENVIRONMENT = "local"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.llm, aws_iam_role_policy.llm]
}

resource "aws_lambda_alias" "llm_live" {
  name             = "live"
  function_name    = aws_lambda_function.llm.function_name
  function_version = aws_lambda_function.llm.version
}

# -- the REST API ------------------------------------------------------------------------------
locals {
  llm_integration = {
    type                = "aws_proxy"
    httpMethod          = "POST"
    uri                 = aws_lambda_alias.llm_live.invoke_arn
    passthroughBehavior = "when_no_match"
    timeoutInMillis     = 29000
  }

  # Until the authorizer lands, every operation requires SigV4 (AWS_IAM): no route is public.
  openapi = jsonencode({
    openapi = "3.0.1"
    info    = { title = var.name, version = "1.0" }
    components = {
      securitySchemes = {
        sigv4 = {
          type                           = "apiKey"
          name                           = "Authorization"
          in                             = "header"
          "x-amazon-apigateway-authtype" = "awsSigv4"
        }
      }
    }
    paths = {
      "/v1/models" = {
        get = {
          operationId                       = "listModels"
          security                          = [{ sigv4 = [] }]
          "x-amazon-apigateway-integration" = local.llm_integration
        }
      }
      "/v1/chat/completions" = {
        post = {
          operationId                       = "createChatCompletion"
          security                          = [{ sigv4 = [] }]
          "x-amazon-apigateway-integration" = local.llm_integration
        }
      }
    }
  })
}

resource "aws_api_gateway_rest_api" "this" {
  name = var.name
  body = local.openapi

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  triggers = {
    redeployment = sha1(local.openapi)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV2_AWS_51:client certificates authenticate API Gateway to HTTP back ends; this stage has only Lambda back ends
  #checkov:skip=CKV_AWS_120:caching is off: LLM completions are not cacheable responses
  #checkov:skip=CKV2_AWS_29:the local sandbox has no WAF; deployed envs associate the web ACL
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = "v1"
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      ip                 = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integration.latency"
      userAgent          = "$context.identity.userAgent"
    })
  }
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled    = true
    logging_level      = "INFO"
    data_trace_enabled = false
  }
}

resource "aws_lambda_permission" "llm" {
  for_each = {
    models = "GET/v1/models"
    chat   = "POST/v1/chat/completions"
  }

  statement_id  = "apigateway-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.llm.function_name
  qualifier     = aws_lambda_alias.llm_live.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/${each.value}"
}
