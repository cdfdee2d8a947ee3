# Stored responses of the Responses API (ADR 0115): hash key `pk` (S) =
# "resp#<tenant>#<response id>", TTL attribute `expires_at`, encrypted with the module's
# key. The function reads, writes and deletes single items by key, nothing else.
variable "responses_retention_days" {
  description = "Days a stored response (POST /v1/responses with store, the default) is kept for GET, DELETE and previous_response_id, 1-365."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.responses_retention_days >= 1 && var.responses_retention_days <= 365 && floor(var.responses_retention_days) == var.responses_retention_days
    error_message = "responses_retention_days must be a whole number of days from 1 to 365."
  }
}

locals {
  responses_table_name = "${var.name}-responses"

  responses_environment = {
    AIGW_RESPONSES_TABLE          = local.responses_table_name
    AIGW_RESPONSES_RETENTION_DAYS = tostring(var.responses_retention_days)
  }

  # Exactly the calls llm_gateway/responses_store.py makes.
  responses_policy_statements = [
    {
      Sid      = "KeepOwnResponses"
      Effect   = "Allow"
      Action   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
      Resource = [try(aws_dynamodb_table.responses[0].arn, "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.responses_table_name}")]
    },
  ]

  responses_routes = {
    llm_responses = merge(local.route_base, {
      path           = "/v1/responses"
      method         = "POST"
      summary        = "Create a model response (OpenAI Responses API)"
      integration    = local.integration
      request_schema = local.responses_schema
    })
    llm_response_get = merge(local.route_base, {
      path           = "/v1/responses/{response_id}"
      method         = "GET"
      summary        = "Retrieve one of the caller's stored responses"
      integration    = local.integration
      request_schema = null
    })
    llm_response_delete = merge(local.route_base, {
      path           = "/v1/responses/{response_id}"
      method         = "DELETE"
      summary        = "Delete one of the caller's stored responses"
      integration    = local.integration
      request_schema = null
    })
  }

  responses_schema = jsonencode({
    type     = "object"
    required = ["model", "input"]
    properties = {
      model  = { type = "string", minLength = 1 }
      stream = { type = "boolean" }
    }
  })
}

resource "aws_dynamodb_table" "responses" {
  count = var.create ? 1 : 0

  name                        = local.responses_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  tags = var.tags
}
