################################################################################
# OpenAPI 3.0 document rendered from the route specs
#
# Objects whose attributes may be null are filtered with
# `{ for k, v in {...} : k => v if v != null }` so the document never carries
# JSON nulls (API Gateway rejects them in x-amazon-apigateway-* extensions).
################################################################################

locals {
  proxy_types = ["AWS_PROXY", "HTTP_PROXY"]

  # Path parameters named in the path template ({model} or greedy {proxy+}).
  route_path_params = {
    for k, r in var.routes : k => [for m in regexall("\\{([A-Za-z0-9_]+)\\+?\\}", r.path) : m[0]]
  }

  # Model name of a route's request schema: chat_completions -> ChatCompletionsRequest.
  route_model_names = {
    for k, r in var.routes : k => "${join("", [for part in split("_", replace(k, "-", "_")) : title(part)])}Request"
    if r.request_schema != null
  }

  # OpenAPI 3.0 schema objects do not accept the JSON-schema bookkeeping keywords.
  route_models = {
    for k, r in var.routes : local.route_model_names[k] => {
      for sk, sv in jsondecode(r.request_schema) : sk => sv if !contains(["$schema", "$id", "definitions"], sk)
    }
    if r.request_schema != null
  }

  # Effective per-route values.
  route_settings = {
    for k, r in var.routes : k => {
      method    = upper(r.method)
      streaming = r.integration.transfer_mode == "STREAM"
      proxy     = contains(local.proxy_types, r.integration.type)
      # Usage plans meter API keys; by default every authenticated route requires one
      # as soon as tiers exist (the authorizer supplies it with api_key_source = AUTHORIZER,
      # the client's x-api-key header with HEADER). An AWS_IAM route has no authorizer, so
      # with api_key_source = AUTHORIZER it has no key to give: it requires none and is
      # limited by the stage and route throttles instead (ADR 0146).
      api_key_required = r.api_key_required != null ? r.api_key_required : (
        !r.public && length(var.tiers) > 0 && !(r.auth == "AWS_IAM" && var.api_key_source == "AUTHORIZER")
      )
      timeout_ms = (
        r.integration.timeout_ms != null ? r.integration.timeout_ms :
        r.integration.transfer_mode == "STREAM" ? var.streaming_timeout_ms : var.default_timeout_ms
      )
      # Lambda proxy routes that stream must call the response-streaming invocation API.
      uri = (
        r.integration.uri == null ? null :
        r.integration.type == "AWS_PROXY" && r.integration.transfer_mode == "STREAM" ?
        replace(
          r.integration.uri,
          "/^(arn:[^:]+:apigateway:[^:]+:lambda:path)/2015-03-31/functions/(.+)/invocations$/",
          "$1/2021-11-15/functions/$2/response-streaming-invocations"
        ) :
        r.integration.uri
      )
      http_method = (
        r.integration.http_method != null ? upper(r.integration.http_method) :
        contains(["HTTP_PROXY", "HTTP"], r.integration.type) ? upper(r.method) : "POST"
      )
      passthrough_behavior = (
        r.integration.passthrough_behavior != null ? r.integration.passthrough_behavior :
        length(r.integration.request_templates) > 0 ? "NEVER" : "WHEN_NO_MATCH"
      )
    }
  }

  # Integration responses of non-proxy integrations, keyed by selection pattern.
  route_integration_responses = {
    for k, r in var.routes : k => {
      for pattern, resp in(
        length(r.integration.responses) > 0 ? r.integration.responses : {
          default = {
            status_code         = "200"
            response_templates  = r.integration.response_templates
            response_parameters = {}
            content_handling    = null
          }
        }
        ) : pattern => {
        for ak, av in {
          statusCode         = resp.status_code
          responseTemplates  = length(resp.response_templates) > 0 ? resp.response_templates : null
          responseParameters = length(resp.response_parameters) > 0 ? resp.response_parameters : null
          contentHandling    = resp.content_handling
        } : ak => av if av != null
      }
    }
  }

  # Method response headers an integration response maps (method.response.header.<name>):
  # API Gateway refuses a mapping to a header the method response does not declare.
  route_response_headers = {
    for k, r in var.routes : k => {
      for code in distinct([for resp in values(local.route_integration_responses[k]) : resp.statusCode]) : code => sort(distinct(flatten([
        for resp in values(local.route_integration_responses[k]) : [
          for p in keys(try(resp.responseParameters, {})) : regex("^method\\.response\\.header\\.(.+)$", p)[0]
          if can(regex("^method\\.response\\.header\\.(.+)$", p))
        ] if resp.statusCode == code
      ])))
    }
  }

  # The API's binary media types: the module's list and what the routes answer as binary.
  binary_media_types = distinct(concat(var.binary_media_types, flatten([for k, r in var.routes : r.binary_media_types])))

  route_integrations = {
    for k, r in var.routes : k => {
      for ik, iv in {
        type                 = lower(r.integration.type)
        uri                  = local.route_settings[k].uri
        httpMethod           = r.integration.type == "MOCK" ? null : local.route_settings[k].http_method
        credentials          = r.integration.credentials
        timeoutInMillis      = local.route_settings[k].timeout_ms
        responseTransferMode = local.route_settings[k].streaming ? "STREAM" : null
        connectionType       = r.integration.connection_id != null ? "VPC_LINK" : null
        connectionId         = r.integration.connection_id
        integrationTarget    = r.integration.integration_target
        requestParameters    = length(r.integration.request_parameters) > 0 ? r.integration.request_parameters : null
        contentHandling      = r.integration.content_handling
        cacheNamespace       = try(r.cache.enabled, false) ? k : null
        cacheKeyParameters   = try(r.cache.enabled, false) && length(try(r.cache.key_parameters, [])) > 0 ? r.cache.key_parameters : null
        # Non-proxy integrations: mapping templates and response mapping.
        requestTemplates = !local.route_settings[k].proxy ? (
          r.integration.type == "MOCK" && length(r.integration.request_templates) == 0 ?
          { "application/json" = "{\"statusCode\": 200}" } :
          (length(r.integration.request_templates) > 0 ? r.integration.request_templates : null)
        ) : null
        passthroughBehavior = !local.route_settings[k].proxy ? local.route_settings[k].passthrough_behavior : null
        responses           = !local.route_settings[k].proxy ? local.route_integration_responses[k] : null
      } : ik => iv if iv != null
    }
  }

  route_parameters = {
    for k, r in var.routes : k => concat(
      [
        for p in local.route_path_params[k] : {
          name     = p
          in       = "path"
          required = true
          schema   = { type = "string" }
        }
      ],
      [
        for p, required in r.request_parameters : {
          name     = regex("^method\\.request\\.[a-z]+\\.(.+)$", p)[0]
          in       = lookup({ header = "header", querystring = "query", path = "path" }, regex("^method\\.request\\.([a-z]+)\\.", p)[0], "header")
          required = regex("^method\\.request\\.([a-z]+)\\.", p)[0] == "path" ? true : required
          schema   = { type = "string" }
        }
        # Path parameters are already declared from the path template.
        if !(regex("^method\\.request\\.([a-z]+)\\.", p)[0] == "path" && contains(local.route_path_params[k], regex("^method\\.request\\.[a-z]+\\.(.+)$", p)[0]))
      ]
    )
  }

  # One security requirement per operation (authorizer or SigV4, plus the usage-plan key);
  # public routes get an explicitly empty list.
  route_security_requirement = {
    for k, r in var.routes : k => {
      for sk, sv in {
        (r.auth == "CUSTOM" ? (r.authorizer_variant != null ? "${try(var.authorizer.name, "authorizer")}-${r.authorizer_variant.name}" : try(var.authorizer.name, "authorizer")) : "sigv4") = r.auth != "NONE" ? [] : null
        api_key                                                                                                                                                                             = local.route_settings[k].api_key_required ? [] : null
      } : sk => sv if sv != null
    }
  }

  route_security = {
    for k, req in local.route_security_requirement : k => [for x in [req] : x if length(x) > 0]
  }

  route_status_codes = {
    for k, r in var.routes : k => (
      local.route_settings[k].proxy ? ["200"] :
      distinct([for resp in values(local.route_integration_responses[k]) : resp.statusCode])
    )
  }

  route_operations = {
    for k, r in var.routes : k => {
      for ok, ov in {
        operationId = coalesce(r.operation_id, k)
        summary     = r.summary
        description = r.description
        tags        = [split("/", trimprefix(r.path, "/"))[0] == "" ? "root" : split("/", trimprefix(r.path, "/"))[0]]
        parameters  = length(local.route_parameters[k]) > 0 ? local.route_parameters[k] : null
        requestBody = r.request_schema != null ? {
          required = true
          content = {
            "application/json" = {
              schema = { "$ref" = "#/components/schemas/${local.route_model_names[k]}" }
            }
          }
        } : null
        responses = {
          for code in local.route_status_codes[k] : code => {
            for rk, rv in {
              description = local.route_settings[k].streaming ? "Streamed response (server-sent events)" : "Response of the ${k} route"
              headers = length(try(local.route_response_headers[k][code], [])) > 0 ? {
                for h in local.route_response_headers[k][code] : h => { schema = { type = "string" } }
              } : null
            } : rk => rv if rv != null
          }
        }
        security                                = local.route_security[k]
        "x-aigw-route"                          = k
        "x-aigw-public"                         = r.public ? true : null
        "x-amazon-apigateway-request-validator" = r.request_schema != null ? "body-and-params" : "params-only"
        "x-amazon-apigateway-integration"       = local.route_integrations[k]
      } : ok => ov if ov != null
    }
  }

  route_operation_keys = {
    for k, r in var.routes : k => upper(r.method) == "ANY" ? "x-amazon-apigateway-any-method" : lower(r.method)
  }

  openapi_paths = {
    for p in sort(distinct([for k, r in var.routes : r.path])) : p => {
      for k, r in var.routes : local.route_operation_keys[k] => local.route_operations[k] if r.path == p
    }
  }

  uses_custom_auth = anytrue([for k, r in var.routes : r.auth == "CUSTOM"])
  uses_iam_auth    = anytrue([for k, r in var.routes : r.auth == "AWS_IAM"])
  uses_api_key     = anytrue([for k, s in local.route_settings : s.api_key_required])

  # The authorizer's scheme and its variants (routes' authorizer_variant; the routes
  # validation requires one spec per variant name): the same function under other
  # identity sources and cache TTLs.
  authorizer_schemes = local.uses_custom_auth && var.authorizer != null ? merge(
    { (var.authorizer.name) = { identity_sources = var.authorizer.identity_sources, result_ttl_seconds = var.authorizer.result_ttl_seconds } },
    {
      for name, specs in {
        for k, r in var.routes : r.authorizer_variant.name => r.authorizer_variant... if r.auth == "CUSTOM" && r.authorizer_variant != null
      } : "${var.authorizer.name}-${name}" => { identity_sources = specs[0].identity_sources, result_ttl_seconds = specs[0].result_ttl_seconds }
    },
  ) : {}

  security_schemes = merge(
    {
      for name, a in local.authorizer_schemes : name => {
        type                           = "apiKey"
        name                           = try(regex("^method\\.request\\.(?:header|querystring)\\.(.+)$", a.identity_sources[0])[0], "Authorization")
        in                             = can(regex("^method\\.request\\.querystring\\.", a.identity_sources[0])) ? "query" : "header"
        "x-amazon-apigateway-authtype" = "custom"
        "x-amazon-apigateway-authorizer" = {
          for ak, av in {
            type                         = "request"
            authorizerUri                = var.authorizer.lambda_invoke_arn
            authorizerCredentials        = var.authorizer.credentials_role_arn
            identitySource               = length(a.identity_sources) > 0 ? join(", ", a.identity_sources) : null
            authorizerResultTtlInSeconds = a.result_ttl_seconds
          } : ak => av if av != null
        }
      }
    },
    local.uses_iam_auth ? {
      sigv4 = {
        type                           = "apiKey"
        name                           = "Authorization"
        in                             = "header"
        "x-amazon-apigateway-authtype" = "awsSigv4"
      }
    } : {},
    local.uses_api_key ? {
      api_key = {
        type = "apiKey"
        name = "x-api-key"
        in   = "header"
      }
    } : {},
  )

  # Gateway responses: every error API Gateway produces itself is OpenAI-shaped (ADR 0033).
  # API Gateway does not run these templates through Velocity: it substitutes variables as
  # they are, so no $util escaping is possible. Only $context.error.messageString (the
  # message as a quoted JSON string) may appear; a raw variable such as
  # $context.error.validationErrorString (`[object has missing required properties
  # (["messages"])]`) inside a JSON string would make the body invalid JSON.
  gateway_error_responses = {
    DEFAULT_4XX                  = { status = null, type = "invalid_request_error", code = "invalid_request", message = "$context.error.messageString" }
    DEFAULT_5XX                  = { status = null, type = "api_error", code = "internal_error", message = "$context.error.messageString" }
    BAD_REQUEST_BODY             = { status = "400", type = "invalid_request_error", code = "invalid_request_body", message = "$context.error.messageString" }
    BAD_REQUEST_PARAMETERS       = { status = "400", type = "invalid_request_error", code = "invalid_request_parameters", message = "$context.error.messageString" }
    UNAUTHORIZED                 = { status = "401", type = "invalid_request_error", code = "invalid_api_key", message = "$context.error.messageString" }
    ACCESS_DENIED                = { status = "403", type = "permission_error", code = "access_denied", message = "$context.error.messageString" }
    INVALID_API_KEY              = { status = "403", type = "invalid_request_error", code = "invalid_api_key", message = "$context.error.messageString" }
    MISSING_AUTHENTICATION_TOKEN = { status = "403", type = "invalid_request_error", code = "missing_authentication_or_unknown_route", message = "$context.error.messageString" }
    WAF_FILTERED                 = { status = "403", type = "permission_error", code = "request_blocked", message = "\"Request blocked by the web application firewall\"" }
    REQUEST_TOO_LARGE            = { status = "413", type = "invalid_request_error", code = "request_too_large", message = "$context.error.messageString" }
    THROTTLED                    = { status = "429", type = "rate_limit_error", code = "rate_limit_exceeded", message = "$context.error.messageString" }
    QUOTA_EXCEEDED               = { status = "429", type = "insufficient_quota", code = "insufficient_quota", message = "$context.error.messageString" }
    INTEGRATION_TIMEOUT          = { status = "504", type = "api_error", code = "timeout", message = "\"The upstream model did not answer in time\"" }
  }

  gateway_responses = {
    for rt, e in local.gateway_error_responses : rt => {
      for ak, av in {
        statusCode = e.status
        responseParameters = {
          "gatewayresponse.header.Content-Type" = "'application/json'"
        }
        responseTemplates = {
          "application/json" = "{\"error\":{\"message\":${e.message},\"type\":\"${e.type}\",\"code\":\"${e.code}\",\"param\":null}}"
        }
      } : ak => av if av != null
    }
  }

  openapi = {
    for dk, dv in {
      openapi = "3.0.1"
      info = {
        title       = var.name
        description = var.description
        version     = var.api_version
      }
      paths = local.openapi_paths
      components = {
        securitySchemes = local.security_schemes
        schemas         = local.route_models
      }
      "x-amazon-apigateway-api-key-source"     = var.api_key_source
      "x-amazon-apigateway-request-validator"  = "params-only"
      "x-amazon-apigateway-binary-media-types" = length(local.binary_media_types) > 0 ? local.binary_media_types : null
      "x-amazon-apigateway-request-validators" = {
        body-and-params = {
          validateRequestBody       = true
          validateRequestParameters = true
        }
        params-only = {
          validateRequestBody       = false
          validateRequestParameters = true
        }
      }
      "x-amazon-apigateway-gateway-responses" = local.gateway_responses
    } : dk => dv if dv != null
  }

  openapi_document = jsonencode(local.openapi)
}
