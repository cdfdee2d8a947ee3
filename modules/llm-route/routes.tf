# The routes this module emits (contract: docs/architecture.md "The routes contract"). gateway-core
# renders them into the REST API; this module never creates API Gateway resources.
locals {
  route_base = {
    lambda_function_name = module.function.function_name
    lambda_qualifier     = module.function.alias_name
    auth                 = var.route_auth
    public               = false
    cache                = null
    # A null of the variant's type: the routes must share one type (the map below).
    authorizer_variant = false ? local.messages_authorizer_variant : null
  }

  # The Messages routes take the key from x-api-key or Authorization: API Gateway
  # requires every identity source of an authorizer, so these routes use a variant
  # scheme with none, which API Gateway allows only uncached (ADR 0121).
  messages_authorizer_variant = { name = "messages", identity_sources = tolist([]), result_ttl_seconds = 0 }

  buffered_integration = {
    type          = "AWS_PROXY"
    uri           = module.function.alias_invoke_arn
    transfer_mode = "BUFFERED"
    timeout_ms    = 29000
  }

  streaming_integration = merge(local.buffered_integration, {
    # gateway-core rewrites the URI to the response-streaming-invocations form.
    transfer_mode = "STREAM"
    timeout_ms    = min(var.timeout * 1000, 900000)
  })

  # A function started with the streaming runtime loop answers every invocation in the
  # streaming format (ADR 0011), so all of its routes stream or none does.
  integration = var.streaming ? local.streaming_integration : local.buffered_integration

  chat_schema = jsonencode({
    type     = "object"
    required = ["model", "messages"]
    properties = {
      model    = { type = "string", minLength = 1 }
      messages = { type = "array", minItems = 1 }
      stream   = { type = "boolean" }
    }
  })

  # Anthropic's Messages API: the Lambda validates the body, so its errors keep
  # Anthropic's shape (ADR 0120); the edge only requires a JSON object.
  messages_schema = jsonencode({ type = "object" })

  embeddings_schema = jsonencode({
    type     = "object"
    required = ["model", "input"]
    properties = {
      model = { type = "string", minLength = 1 }
    }
  })

  prompt_schema = jsonencode({
    type = "object"
    properties = {
      variables = { type = "object" }
      stream    = { type = "boolean" }
    }
  })

  routes = var.create ? merge(
    {
      llm_chat_completions = merge(local.route_base, {
        path           = "/v1/chat/completions"
        method         = "POST"
        summary        = "Create a chat completion (OpenAI-compatible)"
        integration    = local.integration
        request_schema = local.chat_schema
      })
      llm_models = merge(local.route_base, {
        path           = "/v1/models"
        method         = "GET"
        summary        = "List the models the caller may use"
        integration    = local.integration
        request_schema = null
      })
      llm_model = merge(local.route_base, {
        path           = "/v1/models/{model}"
        method         = "GET"
        summary        = "Retrieve one model the caller may use"
        integration    = local.integration
        request_schema = null
      })
    },
    var.enable_messages_routes ? {
      llm_messages = merge(local.route_base, {
        path           = "/v1/messages"
        method         = "POST"
        summary        = "Create a message (Anthropic Messages API)"
        integration    = local.integration
        request_schema = local.messages_schema
        # Anthropic's clients send x-api-key, others Authorization: Bearer (ADR 0121).
        authorizer_variant = local.messages_authorizer_variant
      })
      llm_messages_count_tokens = merge(local.route_base, {
        path               = "/v1/messages/count_tokens"
        method             = "POST"
        summary            = "Count the input tokens of a message (Anthropic Messages API)"
        integration        = local.integration
        request_schema     = local.messages_schema
        authorizer_variant = local.messages_authorizer_variant
      })
    } : {},
    var.enable_embeddings_route ? {
      llm_embeddings = merge(local.route_base, {
        path           = "/v1/embeddings"
        method         = "POST"
        summary        = "Create embeddings (OpenAI-compatible)"
        integration    = local.integration
        request_schema = local.embeddings_schema
      })
    } : {},
    local.responses_routes,
    local.uploads_routes,
    {
      for name, p in var.prompt_templates : "llm_prompt_${name}" => merge(local.route_base, {
        path           = "/v1/prompts/${name}"
        method         = "POST"
        summary        = "Run the ${name} prompt template"
        integration    = local.integration
        request_schema = local.prompt_schema
      })
    },
  ) : {}
}
