# Every gateway-core feature at once: a REQUEST authorizer, usage-plan tiers, a
# streaming Lambda chat route, a cached GET route, a direct SageMaker integration
# with mapping templates, an optional private route over a VPC link, WAF, canary
# and a custom domain. The Lambda functions here stand in for the llm-route and
# authorizer modules; they deploy the packages built by `make build`.

provider "aws" {
  region = var.region
}

locals {
  name = "${var.name_prefix}-complete"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  private_routes = var.vpc_link_connection_id == null ? {} : {
    private_models = {
      path   = "/v1/private/{proxy+}"
      method = "ANY"
      integration = {
        type               = "HTTP_PROXY"
        uri                = var.private_backend_url
        connection_id      = var.vpc_link_connection_id
        integration_target = var.vpc_link_integration_target
        request_parameters = { "integration.request.path.proxy" = "method.request.path.proxy" }
      }
    }
  }
}

################################################################################
# Stand-ins for the route and authorizer modules
################################################################################

# The Lambda packages of this build (dist/manifest.json, written by `make build`).
module "packages" {
  source = "../../../ai-gateway/modules/packages"

  manifest_path = var.manifest_path
}

module "kms_key" {
  source = "../../../kms-key"

  description          = "${local.name} example: Lambda and API Gateway logs"
  deletion_window_days = 7
  log_group_arns       = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
  # Lambda creates grants on the key (function environments) for the caller.
  allow_grants = true
  tags         = var.tags
}

resource "aws_iam_role" "lambda" {
  name = "${local.name}-example-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "lambda_logs" {
  name = "write-own-logs"
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = [for g in aws_cloudwatch_log_group.lambda : "${g.arn}:*"]
    }]
  })
}

resource "aws_cloudwatch_log_group" "lambda" {
  for_each = toset(["llm", "authorizer"])

  name              = "/aws/lambda/${local.name}-${each.key}"
  retention_in_days = 365
  kms_key_id        = module.kms_key.key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "llm" {
  #checkov:skip=CKV_AWS_115:example stand-in without a reservation (the route modules make it opt-in): a reservation fails where the account quota would leave under 100 unreserved
  #checkov:skip=CKV_AWS_116:example stand-in for the llm-route module, which owns the DLQ decision
  #checkov:skip=CKV_AWS_117:example stand-in; the llm-route module decides VPC placement
  #checkov:skip=CKV_AWS_173:no environment variables are set
  #checkov:skip=CKV_AWS_272:code signing is configured by the llm-route module
  function_name    = "${local.name}-llm"
  role             = aws_iam_role.lambda.arn
  handler          = "llm_gateway.handler.handler"
  runtime          = "python3.13"
  architectures    = ["arm64"]
  filename         = module.packages.packages.llm_gateway.filename
  source_code_hash = module.packages.packages.llm_gateway.source_code_hash
  timeout          = 900
  kms_key_arn      = module.kms_key.key_arn

  reserved_concurrent_executions = var.reserved_concurrency

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.lambda]
  tags       = var.tags
}

resource "aws_lambda_function" "authorizer" {
  #checkov:skip=CKV_AWS_115:example stand-in without a reservation (the route modules make it opt-in): a reservation fails where the account quota would leave under 100 unreserved
  #checkov:skip=CKV_AWS_116:authorizers are invoked synchronously; a DLQ never receives events
  #checkov:skip=CKV_AWS_117:example stand-in; the authorizer module decides VPC placement
  #checkov:skip=CKV_AWS_173:no environment variables are set
  #checkov:skip=CKV_AWS_272:code signing is configured by the authorizer module
  function_name    = "${local.name}-authorizer"
  role             = aws_iam_role.lambda.arn
  handler          = "authorizer.handler.handler"
  runtime          = "python3.13"
  architectures    = ["arm64"]
  filename         = module.packages.packages.authorizer.filename
  source_code_hash = module.packages.packages.authorizer.source_code_hash
  timeout          = 10
  kms_key_arn      = module.kms_key.key_arn

  reserved_concurrent_executions = var.reserved_concurrency

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.lambda]
  tags       = var.tags
}

# API Gateway assumes this role for the direct SageMaker integration.
resource "aws_iam_role" "sagemaker_invoke" {
  name = "${local.name}-example-sagemaker-invoke"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # No aws:SourceAccount: API Gateway does not set it for integration roles (CKV_AIGW_19).
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "sagemaker_invoke" {
  name = "invoke-endpoint"
  role = aws_iam_role.sagemaker_invoke.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sagemaker:InvokeEndpoint"]
      Resource = ["arn:${local.partition}:sagemaker:${var.region}:${local.account_id}:endpoint/${var.sagemaker_endpoint_name}"]
    }]
  })
}

################################################################################
# The gateway
################################################################################

module "gateway" {
  source = "../../"

  name        = local.name
  description = "aigw complete example"
  stage_name  = "v1"
  # The key is created in the same apply, so tell the module not to create its own.
  kms_key_arn    = module.kms_key.key_arn
  create_kms_key = false

  authorizer = {
    name                 = "tenant_authorizer"
    lambda_invoke_arn    = aws_lambda_function.authorizer.invoke_arn
    lambda_function_name = aws_lambda_function.authorizer.function_name
    identity_sources     = ["method.request.header.Authorization"]
    result_ttl_seconds   = 300
  }
  api_key_source = "AUTHORIZER"

  routes = merge(
    {
      chat_completions = {
        path                 = "/v1/chat/completions"
        method               = "POST"
        summary              = "Create a chat completion"
        lambda_function_name = aws_lambda_function.llm.function_name
        integration = {
          type          = "AWS_PROXY"
          uri           = aws_lambda_function.llm.invoke_arn
          transfer_mode = "STREAM"
        }
        request_schema = jsonencode({
          type     = "object"
          required = ["model", "messages"]
          properties = {
            model    = { type = "string", minLength = 1 }
            messages = { type = "array", minItems = 1, items = { type = "object" } }
            stream   = { type = "boolean" }
          }
        })
      }
      models = {
        path                 = "/v1/models"
        method               = "GET"
        lambda_function_name = aws_lambda_function.llm.function_name
        integration = {
          type = "AWS_PROXY"
          uri  = aws_lambda_function.llm.invoke_arn
        }
        cache = var.enable_cache ? { ttl_seconds = 300, key_parameters = [] } : null
      }
      sagemaker_invoke = {
        path   = "/v1/sagemaker/invocations"
        method = "POST"
        integration = {
          type        = "AWS"
          uri         = "arn:${local.partition}:apigateway:${var.region}:runtime.sagemaker:path/endpoints/${var.sagemaker_endpoint_name}/invocations"
          credentials = aws_iam_role.sagemaker_invoke.arn
          request_templates = {
            "application/json" = "$input.json('$')"
          }
          responses = {
            default = {
              status_code        = "200"
              response_templates = { "application/json" = "$input.json('$')" }
            }
            "4\\d{2}" = {
              status_code        = "400"
              response_templates = { "application/json" = "{\"error\":{\"message\":$input.json('$.message'),\"type\":\"invalid_request_error\",\"code\":\"upstream_rejected\",\"param\":null}}" }
            }
          }
        }
      }
    },
    local.private_routes,
  )

  tiers = {
    free = {
      throttle = { rate_limit = 2, burst_limit = 5 }
      quota    = { limit = 1000, period = "DAY" }
    }
    team = {
      throttle = { rate_limit = 20, burst_limit = 40 }
      quota    = { limit = 100000, period = "MONTH" }
    }
    enterprise = {
      throttle = { rate_limit = 200, burst_limit = 400 }
    }
  }

  default_throttle = { rate_limit = 500, burst_limit = 1000 }
  logging_level    = var.logging_level

  web_acl_arn       = var.web_acl_arn
  associate_web_acl = var.web_acl_arn != null

  canary = var.canary_percent == null ? null : {
    percent_traffic          = var.canary_percent
    stage_variable_overrides = { release = "canary" }
  }

  domain = var.domain

  create_account_cloudwatch_role = var.create_account_cloudwatch_role

  tags = var.tags
}
