################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create any resource at all. When false the module creates nothing and every output is null (the OpenAPI document is still rendered)."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the REST API. Also the prefix of the log groups, usage plans, KMS alias and IAM role the module creates."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", var.name))
    error_message = "name must be 1-63 characters of letters, digits, '-' and '_', starting with a letter or digit."
  }
}

variable "description" {
  description = "Description of the REST API (also the OpenAPI info.description)."
  type        = string
  default     = "AI gateway REST API"
  nullable    = false
}

variable "api_version" {
  description = "Version string written to info.version of the rendered OpenAPI document."
  type        = string
  default     = "1.0.0"
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Routes and authorizer (the module contract, see docs/architecture.md)
################################################################################

variable "routes" {
  description = <<-EOT
    Map of route specs merged from the route modules (key = route name). Each route becomes one
    operation of the rendered OpenAPI document:
    - path, method: the operation (method GET | POST | PUT | PATCH | DELETE | HEAD | OPTIONS | ANY).
    - integration: type AWS_PROXY | AWS | HTTP_PROXY | HTTP | MOCK; uri; credentials (role ARN, AWS
      integrations); transfer_mode BUFFERED | STREAM (STREAM only on proxy integrations; an AWS_PROXY
      Lambda URI is rewritten to the 2021-11-15 response-streaming-invocations form); timeout_ms
      (default 29000, or 900000 when streaming); connection_id (VPC link) and integration_target
      (the load balancer's ARN for a v2 VPC link: …:loadbalancer/app/… or …/net/…); request/response templates and parameters for non-proxy
      integrations; responses keyed by selection pattern.
    - lambda_function_name (+ lambda_qualifier): the module grants lambda:InvokeFunction to this API
      and stage, one permission per function and qualifier whatever the number of routes (names
      must be known at plan time).
    - auth CUSTOM | AWS_IAM | NONE; NONE requires public = true. api_key_required defaults to true on
      non-public routes when tiers are defined, except AWS_IAM routes with api_key_source = AUTHORIZER
      (no authorizer supplies their key: they need none and are limited by the stage and route
      throttles; api_key_required = true on them is refused).
    - request_schema: JSON-encoded JSON schema (OpenAPI 3.0 subset) -> model + body validator.
    - request_parameters: map of method.request.{header|querystring|path}.<name> => required.
    - cache: { enabled (default true), ttl_seconds (0-3600, default 300), key_parameters } (GET routes
      only, never on streaming routes): the stage caches the route's answers per key_parameters (method
      request parameters the route declares in request_parameters or its path); the stage cache is
      created as soon as one route has cache.enabled. Encrypted, and Cache-Control needs authorization.
    - throttle: { rate_limit, burst_limit } of this method: the stage's method throttle (all callers)
      and, capped at each tier's throttle, the per-method throttle of every usage plan (per API key).
    - binary_media_types: media types the route answers as binary (added to the API's list), with
      responses[*].content_handling CONVERT_TO_BINARY | CONVERT_TO_TEXT on its integration responses.
    - authorizer_variant: { name, identity_sources, result_ttl_seconds } (auth = CUSTOM): the route uses
      a second security scheme, <authorizer.name>-<name>, over the same authorizer function with its own
      identity sources and cache TTL (empty identity sources need result_ttl_seconds = 0).
  EOT
  type = map(object({
    path         = string
    method       = string
    summary      = optional(string)
    description  = optional(string)
    operation_id = optional(string)
    integration = object({
      type                 = string
      uri                  = optional(string)
      http_method          = optional(string)
      credentials          = optional(string)
      transfer_mode        = optional(string, "BUFFERED")
      timeout_ms           = optional(number)
      connection_id        = optional(string)
      integration_target   = optional(string)
      request_templates    = optional(map(string), {})
      response_templates   = optional(map(string), {})
      request_parameters   = optional(map(string), {})
      passthrough_behavior = optional(string)
      content_handling     = optional(string)
      responses = optional(map(object({
        status_code         = string
        response_templates  = optional(map(string), {})
        response_parameters = optional(map(string), {})
        content_handling    = optional(string)
      })), {})
    })
    lambda_function_name = optional(string)
    lambda_qualifier     = optional(string)
    auth                 = optional(string, "CUSTOM")
    public               = optional(bool, false)
    api_key_required     = optional(bool)
    request_schema       = optional(string)
    request_parameters   = optional(map(bool), {})
    cache = optional(object({
      enabled        = optional(bool, true)
      ttl_seconds    = optional(number, 300)
      key_parameters = optional(list(string), [])
    }))
    throttle = optional(object({
      rate_limit  = number
      burst_limit = number
    }))
    binary_media_types = optional(list(string), [])
    authorizer_variant = optional(object({
      name               = string
      identity_sources   = optional(list(string), [])
      result_ttl_seconds = optional(number, 0)
    }))
  }))
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for k, r in var.routes : r.authorizer_variant == null || try(
        can(regex("^[A-Za-z0-9_-]{1,32}$", r.authorizer_variant.name)) &&
        r.authorizer_variant.result_ttl_seconds >= 0 && r.authorizer_variant.result_ttl_seconds <= 3600 &&
        (length(r.authorizer_variant.identity_sources) > 0 || r.authorizer_variant.result_ttl_seconds == 0),
        false
      )
    ])
    error_message = "authorizer_variant needs a name of 1-32 letters, digits, '-' or '_', result_ttl_seconds from 0 to 3600, and identity_sources unless result_ttl_seconds = 0 (API Gateway caches only on identity sources); invalid in route(s) ${join(", ", [for k, r in var.routes : k if r.authorizer_variant != null])}."
  }

  validation {
    condition = alltrue(flatten([
      for k, r in var.routes : [
        for k2, r2 in var.routes : r.authorizer_variant == null || r2.authorizer_variant == null || try(r.authorizer_variant.name != r2.authorizer_variant.name || (r.authorizer_variant.result_ttl_seconds == r2.authorizer_variant.result_ttl_seconds && r.authorizer_variant.identity_sources == r2.authorizer_variant.identity_sources), false)
      ]
    ]))
    error_message = "Routes naming the same authorizer_variant must give it the same identity_sources and result_ttl_seconds (one security scheme per variant)."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : can(regex("^[A-Za-z0-9_-]{1,64}$", k))
    ])
    error_message = "Route keys must be 1-64 characters of letters, digits, '-' and '_' (they name models, permissions and operation ids)."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.path == "/" || can(regex("^(/([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\+?\\}))+$", r.path))
    ])
    error_message = "Invalid route path in: ${join(", ", [for k, r in var.routes : "${k} (${r.path})" if !(r.path == "/" || can(regex("^(/([A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\+?\\}))+$", r.path)))])}. A path starts with '/', has no trailing '/', and its segments are literals or {param} / {param+}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], upper(r.method))
    ])
    error_message = "Unknown HTTP method in route(s) ${join(", ", [for k, r in var.routes : "${k} (${r.method})" if !contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], upper(r.method))])}: allowed values are GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY."
  }

  validation {
    condition     = length(distinct([for k, r in var.routes : "${upper(r.method)} ${r.path}"])) == length(var.routes)
    error_message = "Duplicate routes: ${join("; ", [for mp in distinct([for k, r in var.routes : "${upper(r.method)} ${r.path}"]) : "${mp} is declared by routes ${join(" and ", [for k, r in var.routes : k if "${upper(r.method)} ${r.path}" == mp])}" if length([for k, r in var.routes : k if "${upper(r.method)} ${r.path}" == mp]) > 1])}. Each method + path may be declared by one route only."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : contains(["AWS_PROXY", "AWS", "HTTP_PROXY", "HTTP", "MOCK"], r.integration.type)
    ])
    error_message = "Unknown integration type in route(s) ${join(", ", [for k, r in var.routes : "${k} (${r.integration.type})" if !contains(["AWS_PROXY", "AWS", "HTTP_PROXY", "HTTP", "MOCK"], r.integration.type)])}: allowed values are AWS_PROXY, AWS, HTTP_PROXY, HTTP, MOCK."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.type == "MOCK" || r.integration.uri != null
    ])
    error_message = "integration.uri is required for every integration type except MOCK; missing in route(s) ${join(", ", [for k, r in var.routes : k if r.integration.type != "MOCK" && r.integration.uri == null])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : contains(["BUFFERED", "STREAM"], r.integration.transfer_mode)
    ])
    error_message = "integration.transfer_mode must be one of BUFFERED, STREAM; invalid in route(s) ${join(", ", [for k, r in var.routes : k if !contains(["BUFFERED", "STREAM"], r.integration.transfer_mode)])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.transfer_mode != "STREAM" || contains(["AWS_PROXY", "HTTP_PROXY"], r.integration.type)
    ])
    error_message = "Streaming (transfer_mode = STREAM) needs a proxy integration (AWS_PROXY or HTTP_PROXY); route(s) ${join(", ", [for k, r in var.routes : "${k} (${r.integration.type})" if r.integration.transfer_mode == "STREAM" && !contains(["AWS_PROXY", "HTTP_PROXY"], r.integration.type)])} stream over a non-proxy integration."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.timeout_ms == null || (try(r.integration.timeout_ms >= 50, false) && try(r.integration.timeout_ms <= 900000, false))
    ])
    error_message = "integration.timeout_ms must be between 50 and 900000 (15 minutes, streaming routes); invalid in route(s) ${join(", ", [for k, r in var.routes : k if !(r.integration.timeout_ms == null || (try(r.integration.timeout_ms >= 50, false) && try(r.integration.timeout_ms <= 900000, false)))])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.integration_target == null || r.integration.connection_id != null
    ])
    error_message = "integration.integration_target (the load balancer of a v2 VPC link) needs integration.connection_id; missing in route(s) ${join(", ", [for k, r in var.routes : k if r.integration.integration_target != null && r.integration.connection_id == null])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.integration_target == null || can(regex("^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/(app|net)/[^/]+/[^/]+$", coalesce(r.integration.integration_target, "x")))
    ])
    error_message = "integration.integration_target must be the ARN of the load balancer a v2 VPC link reaches (arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app|net/<name>/<id>), not a listener ARN; invalid in route(s) ${join(", ", [for k, r in var.routes : k if !(r.integration.integration_target == null || can(regex("^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/(app|net)/[^/]+/[^/]+$", coalesce(r.integration.integration_target, "x"))))])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.connection_id == null || contains(["HTTP_PROXY", "HTTP"], r.integration.type)
    ])
    error_message = "integration.connection_id (VPC link) is only valid with HTTP_PROXY or HTTP integrations; set in route(s) ${join(", ", [for k, r in var.routes : k if r.integration.connection_id != null && !contains(["HTTP_PROXY", "HTTP"], r.integration.type)])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.type != "AWS" || r.integration.credentials != null || r.lambda_function_name != null
    ])
    error_message = "AWS (direct service) integrations need integration.credentials (an IAM role ARN API Gateway assumes); missing in route(s) ${join(", ", [for k, r in var.routes : k if r.integration.type == "AWS" && r.integration.credentials == null && r.lambda_function_name == null])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.passthrough_behavior == null || contains(["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"], coalesce(r.integration.passthrough_behavior, "NEVER"))
    ])
    error_message = "integration.passthrough_behavior must be one of WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.integration.content_handling == null || contains(["CONVERT_TO_TEXT", "CONVERT_TO_BINARY"], coalesce(r.integration.content_handling, "CONVERT_TO_TEXT"))
    ])
    error_message = "integration.content_handling must be one of CONVERT_TO_TEXT, CONVERT_TO_BINARY (or null for passthrough)."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : contains(["CUSTOM", "AWS_IAM", "NONE"], r.auth)
    ])
    error_message = "auth must be one of CUSTOM, AWS_IAM, NONE; invalid in route(s) ${join(", ", [for k, r in var.routes : "${k} (${r.auth})" if !contains(["CUSTOM", "AWS_IAM", "NONE"], r.auth)])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.auth != "NONE" || r.public
    ])
    error_message = "Route(s) ${join(", ", [for k, r in var.routes : k if r.auth == "NONE" && !r.public])} set auth = \"NONE\" without public = true. Unauthenticated routes must be declared explicitly with public = true."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : !r.public || r.auth == "NONE"
    ])
    error_message = "Route(s) ${join(", ", [for k, r in var.routes : k if r.public && r.auth != "NONE"])} set public = true but auth is not \"NONE\"; a public route has auth = \"NONE\"."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.request_schema == null || can(keys(jsondecode(r.request_schema)))
    ])
    error_message = "request_schema must be a JSON-encoded JSON schema object (use jsonencode); invalid in route(s) ${join(", ", [for k, r in var.routes : k if !(r.request_schema == null || can(keys(jsondecode(r.request_schema))))])}."
  }

  validation {
    condition = alltrue(flatten([
      for k, r in var.routes : [
        for p in keys(r.request_parameters) : can(regex("^method\\.request\\.(header|querystring|path)\\.[A-Za-z0-9_.-]+$", p))
      ]
    ]))
    error_message = "request_parameters keys must look like method.request.header.<name>, method.request.querystring.<name> or method.request.path.<name>."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.cache == null || r.integration.transfer_mode != "STREAM"
    ])
    error_message = "Streaming routes cannot be cached: remove cache from route(s) ${join(", ", [for k, r in var.routes : k if r.cache != null && r.integration.transfer_mode == "STREAM"])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.cache == null || upper(r.method) == "GET"
    ])
    error_message = "cache is only allowed on GET routes; set on route(s) ${join(", ", [for k, r in var.routes : "${k} (${r.method})" if r.cache != null && upper(r.method) != "GET"])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.cache == null || try(r.cache.ttl_seconds >= 0 && r.cache.ttl_seconds <= 3600, false)
    ])
    error_message = "cache.ttl_seconds must be between 0 and 3600."
  }

  validation {
    condition = alltrue(flatten([
      for k, r in var.routes : [
        for p in try(r.cache.key_parameters, []) : contains(keys(r.request_parameters), p) || contains([for m in regexall("\\{([A-Za-z0-9_]+)\\+?\\}", r.path) : "method.request.path.${m[0]}"], p)
      ] if r.cache != null
    ]))
    error_message = "cache.key_parameters must be method request parameters the route declares (request_parameters, or a {param} of its path): API Gateway keys its cache on declared method request parameters only; undeclared in route(s) ${join(", ", [for k, r in var.routes : k if r.cache != null && !alltrue([for p in try(r.cache.key_parameters, []) : contains(keys(r.request_parameters), p) || contains([for m in regexall("\\{([A-Za-z0-9_]+)\\+?\\}", r.path) : "method.request.path.${m[0]}"], p)])])}."
  }

  validation {
    condition = alltrue([
      for k, r in var.routes : r.throttle == null || try(r.throttle.rate_limit > 0 && r.throttle.burst_limit >= 1 && floor(r.throttle.burst_limit) == r.throttle.burst_limit, false)
    ])
    error_message = "throttle.rate_limit must be greater than 0 (requests per second, fractions allowed) and throttle.burst_limit a whole number of at least 1 (API Gateway's burst is an integer); invalid in route(s) ${join(", ", [for k, r in var.routes : k if !(r.throttle == null || try(r.throttle.rate_limit > 0 && r.throttle.burst_limit >= 1 && floor(r.throttle.burst_limit) == r.throttle.burst_limit, false))])}."
  }

  validation {
    condition = alltrue(flatten([
      for k, r in var.routes : [
        for pattern, resp in r.integration.responses : resp.content_handling == null || contains(["CONVERT_TO_TEXT", "CONVERT_TO_BINARY"], coalesce(resp.content_handling, "CONVERT_TO_TEXT"))
      ]
    ]))
    error_message = "integration.responses[*].content_handling must be one of CONVERT_TO_TEXT, CONVERT_TO_BINARY (or null for passthrough)."
  }

  validation {
    condition = alltrue(flatten([
      for k, r in var.routes : [for t in r.binary_media_types : can(regex("^[A-Za-z0-9*.+-]+/[A-Za-z0-9*.+-]+$", t))]
    ]))
    error_message = "binary_media_types entries must be media types such as audio/mpeg, image/* or */*."
  }
}

variable "authorizer" {
  description = "REQUEST authorizer spec from the authorizer module (or null when no route uses auth = CUSTOM): name (security scheme name), lambda_invoke_arn, lambda_function_name, identity_sources, result_ttl_seconds, credentials_role_arn (when set, API Gateway invokes the authorizer with this role and no Lambda permission is created)."
  type = object({
    name                 = string
    lambda_invoke_arn    = string
    lambda_function_name = string
    identity_sources     = list(string)
    result_ttl_seconds   = number
    credentials_role_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.authorizer == null || can(regex("^[A-Za-z0-9_-]{1,64}$", var.authorizer.name))
    error_message = "authorizer.name must be 1-64 characters of letters, digits, '-' and '_' (it names the OpenAPI security scheme)."
  }

  validation {
    condition     = var.authorizer == null || try(var.authorizer.result_ttl_seconds >= 0 && var.authorizer.result_ttl_seconds <= 3600, false)
    error_message = "authorizer.result_ttl_seconds must be between 0 and 3600."
  }

  validation {
    condition = var.authorizer == null || try(length(var.authorizer.identity_sources) > 0 && alltrue([
      for s in var.authorizer.identity_sources : can(regex("^(method\\.request\\.(header|querystring|multivaluequerystring|multivalueheader)\\.[A-Za-z0-9_.-]+|stageVariables\\.[A-Za-z0-9_]+|context\\.[A-Za-z0-9_.]+)$", s))
    ]), false)
    error_message = "authorizer.identity_sources must be a non-empty list of method.request.header.<name>, method.request.querystring.<name>, stageVariables.<name> or context.<name> expressions."
  }
}

variable "api_key_source" {
  description = "Where API Gateway reads the usage-plan API key from: AUTHORIZER (the authorizer returns usageIdentifierKey; OpenAI clients send a Bearer token) or HEADER (x-api-key)."
  type        = string
  default     = "AUTHORIZER"
  nullable    = false

  validation {
    condition     = contains(["AUTHORIZER", "HEADER"], var.api_key_source)
    error_message = "api_key_source must be one of AUTHORIZER, HEADER."
  }
}

variable "binary_media_types" {
  description = "Binary media types of the API (e.g. image/png). Routes add theirs (route spec binary_media_types, e.g. the speech route of ai-service-route)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "minimum_compression_size" {
  description = "Minimum response size in bytes before API Gateway compresses it (null = compression off). Applies to buffered routes only: API Gateway does not compress streamed responses (transfer_mode = STREAM), and the plan warns when both are set."
  type        = number
  default     = null

  validation {
    condition     = var.minimum_compression_size == null || try(var.minimum_compression_size >= 0 && var.minimum_compression_size <= 10485760, false)
    error_message = "minimum_compression_size must be between 0 and 10485760 (or null)."
  }
}

################################################################################
# Endpoint and network
################################################################################

variable "endpoint_type" {
  description = "API endpoint type: REGIONAL or PRIVATE (PRIVATE needs vpc_endpoint_ids; the resource policy then only allows those VPC endpoints)."
  type        = string
  default     = "REGIONAL"
  nullable    = false

  validation {
    condition     = contains(["REGIONAL", "PRIVATE"], var.endpoint_type)
    error_message = "endpoint_type must be one of REGIONAL, PRIVATE."
  }
}

variable "vpc_endpoint_ids" {
  description = "execute-api VPC endpoint ids allowed to call a PRIVATE API."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "resource_policy" {
  description = "JSON resource policy of the REST API. Null = none for REGIONAL APIs, and for PRIVATE APIs a generated policy that allows execute-api:Invoke only through vpc_endpoint_ids."
  type        = string
  default     = null

  validation {
    condition     = var.resource_policy == null || can(jsondecode(var.resource_policy))
    error_message = "resource_policy must be a JSON document (use jsonencode)."
  }
}

variable "disable_execute_api_endpoint" {
  description = "Disable the default execute-api endpoint (set true when clients must come through the custom domain)."
  type        = bool
  default     = false
  nullable    = false
}

variable "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL (REGIONAL scope) to associate with the stage, e.g. module.waf.web_acl_arn."
  type        = string
  default     = null
}

variable "associate_web_acl" {
  description = "Whether to create the WAF association. Null = associate when web_acl_arn is set. Set true explicitly when web_acl_arn is only known after apply (count cannot depend on it), false in sandboxes without WAFv2."
  type        = bool
  default     = null
}

################################################################################
# Stage, deployment, logging, tracing
################################################################################

variable "stage_name" {
  description = "Name of the stage."
  type        = string
  default     = "v1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 characters of letters, digits, '-' and '_'."
  }
}

variable "stage_variables" {
  description = "Stage variables."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "xray_tracing_enabled" {
  description = "Enable AWS X-Ray tracing on the stage."
  type        = bool
  default     = true
  nullable    = false
}

variable "logging_level" {
  description = "Execution logging level for all methods: OFF, ERROR or INFO. Needs the account-level CloudWatch role (see create_account_cloudwatch_role)."
  type        = string
  default     = "ERROR"
  nullable    = false

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.logging_level)
    error_message = "logging_level must be one of OFF, ERROR, INFO."
  }
}

variable "data_trace_enabled" {
  description = "Log full requests and responses in execution logs. Off by default: it would write prompts and completions to CloudWatch."
  type        = bool
  default     = false
  nullable    = false
}

variable "metrics_enabled" {
  description = "Enable detailed per-method CloudWatch metrics."
  type        = bool
  default     = true
  nullable    = false
}

variable "default_throttle" {
  description = "Default stage-wide throttling for every method (requests per second and burst). Null = the account-level default."
  type = object({
    rate_limit  = number
    burst_limit = number
  })
  default = {
    rate_limit  = 500
    burst_limit = 1000
  }

  validation {
    condition     = var.default_throttle == null || try(var.default_throttle.rate_limit > 0 && var.default_throttle.burst_limit > 0, false)
    error_message = "default_throttle.rate_limit and burst_limit must be positive."
  }
}

variable "cache_cluster_size" {
  description = "Stage cache size in GB, created only when at least one route has cache: 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237."
  type        = string
  default     = "0.5"
  nullable    = false

  validation {
    condition     = contains(["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"], var.cache_cluster_size)
    error_message = "cache_cluster_size must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237."
  }
}

variable "enable_cached_method_settings" {
  description = "Create the stage method settings of cached routes (caching on, TTL, encryption, Cache-Control with authorization). Only the local sandbox sets false: moto files the settings of a multi-segment resource path under the wrong key, so the provider's read-back fails (\"reading API Gateway Method Settings (…/v1/ai/translate/GET): empty result\"). The document keeps its cache keys and the stage its cache; `aigw serve` emulates the cache from the stage_cache output."
  type        = bool
  default     = true
  nullable    = false
}

variable "unauthorized_cache_control_header_strategy" {
  description = "What cached methods do with a request whose Cache-Control: max-age=0 header asks to invalidate its entry when the caller lacks execute-api:InvalidateCache (authorization is always required, so only SigV4 callers granted that action may invalidate; authorizer callers never can): FAIL_WITH_403 (default), SUCCEED_WITH_RESPONSE_HEADER (answer from the cache with a warning header) or SUCCEED_WITHOUT_RESPONSE_HEADER."
  type        = string
  default     = "FAIL_WITH_403"
  nullable    = false

  validation {
    condition     = contains(["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"], var.unauthorized_cache_control_header_strategy)
    error_message = "unauthorized_cache_control_header_strategy must be one of FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER, SUCCEED_WITHOUT_RESPONSE_HEADER."
  }
}

variable "log_retention_days" {
  description = "Retention of the access and execution log groups, in days. Null: 365."
  type        = number
  default     = null

  validation {
    condition     = var.log_retention_days == null ? true : contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "access_log_authorizer_context_keys" {
  description = "Authorizer context keys written to the access log (log field => context key), e.g. tenant => $context.authorizer.tenant."
  type        = map(string)
  default = {
    tenant     = "tenant"
    keyId      = "key_id"
    tier       = "tier"
    authMethod = "auth_method"
  }
  nullable = false

  validation {
    condition     = alltrue([for f, k in var.access_log_authorizer_context_keys : can(regex("^[A-Za-z0-9_]+$", f)) && can(regex("^[A-Za-z0-9_]+$", k))])
    error_message = "access_log_authorizer_context_keys field names and context keys must be letters, digits and '_'."
  }
}

variable "create_execution_log_group" {
  description = "Create the API-Gateway-Execution-Logs_<api id>/<stage> log group (KMS, retention) before API Gateway creates it unencrypted and without retention."
  type        = bool
  default     = true
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting the log groups. Null = the module creates a key (rotation on, policy scoped to this API's log groups)."
  type        = string
  default     = null
}

variable "create_kms_key" {
  description = "Whether the module creates the log KMS key. Null = create it when kms_key_arn is null. Set false explicitly when kms_key_arn comes from a resource created in the same apply (count cannot depend on an unknown ARN). True together with kms_key_arn is an error."
  type        = bool
  default     = null
}

variable "kms_key_deletion_window_days" {
  description = "Deletion window of the KMS key the module creates (7-30 days). Null: 30."
  type        = number
  default     = null

  validation {
    condition     = var.kms_key_deletion_window_days == null || try(var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30, false)
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}

variable "create_account_cloudwatch_role" {
  description = "Create the IAM role API Gateway uses to write the logs of every REST API of the account and region, and set it on aws_api_gateway_account. Off by default: the setting is account- and region-wide, so one stack should own it (the environments' bootstrap stack does, ADR 0092)."
  type        = bool
  default     = false
  nullable    = false
}

variable "account_cloudwatch_role_arn" {
  description = "ARN of API Gateway's account-level CloudWatch Logs role that another stack set for this account and region (envs/_bootstrap's output account_cloudwatch_role_arn). The module does not change the account setting; the value records who owns it and satisfies require_account_cloudwatch_role."
  type        = string
  default     = null

  validation {
    condition     = var.account_cloudwatch_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", coalesce(var.account_cloudwatch_role_arn, "x")))
    error_message = "account_cloudwatch_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "require_account_cloudwatch_role" {
  description = "Fail the plan unless the account's CloudWatch Logs role is accounted for (create_account_cloudwatch_role or account_cloudwatch_role_arn). The stage writes access logs, which API Gateway refuses in an account and region whose setting is empty, and Terraform cannot read the setting at plan time. Off by default in this module; modules/ai-gateway turns it on outside the sandbox."
  type        = bool
  default     = false
  nullable    = false
}

variable "canary" {
  description = "Canary release on the stage: percent_traffic (0-100), stage_variable_overrides, use_stage_cache. base_deployment_key (the deployment_key output of the release being replaced) pins the stage to that deployment while the canary serves the newly rendered document from a deployment of its own; without it both share the current deployment and only stage variables differ. rolled_back = true keeps the stage on the pinned base with no canary (what `aigw release rollback` leaves). base_deployment_id is deprecated (ADR 0140)."
  type = object({
    percent_traffic          = number
    stage_variable_overrides = optional(map(string), {})
    use_stage_cache          = optional(bool, false)
    base_deployment_key      = optional(string)
    rolled_back              = optional(bool, false)
    base_deployment_id       = optional(string)
  })
  default = null

  validation {
    condition     = var.canary == null || try(var.canary.percent_traffic >= 0 && var.canary.percent_traffic <= 100, false)
    error_message = "canary.percent_traffic must be between 0 and 100."
  }

  validation {
    condition     = try(var.canary.base_deployment_key, null) == null || can(regex("^[0-9a-f]{40}[.][0-9a-f]{40}$", try(var.canary.base_deployment_key, "")))
    error_message = "canary.base_deployment_key must be the deployment_key output of the previous apply: \"<document sha1>.<policy sha1>\" (two 40-character hex digests)."
  }

  validation {
    condition     = !(try(var.canary.base_deployment_key, null) != null && try(var.canary.base_deployment_id, null) != null)
    error_message = "Set canary.base_deployment_key or the deprecated canary.base_deployment_id, not both."
  }

  validation {
    condition     = !try(var.canary.rolled_back, false) || try(var.canary.base_deployment_key, null) != null
    error_message = "canary.rolled_back = true needs canary.base_deployment_key: the stage goes back to that pinned deployment."
  }
}

################################################################################
# Usage plans
################################################################################

variable "tiers" {
  description = "Usage plans (key = tier name): throttle { rate_limit, burst_limit } and quota { limit, period DAY | WEEK | MONTH, offset }. Tenants' API keys are attached to these plans by onboarding."
  type = map(object({
    description = optional(string)
    throttle = optional(object({
      rate_limit  = number
      burst_limit = number
    }))
    quota = optional(object({
      limit  = number
      period = string
      offset = optional(number, 0)
    }))
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, t in var.tiers : t.quota == null || contains(["DAY", "WEEK", "MONTH"], try(t.quota.period, ""))])
    error_message = "tiers[*].quota.period must be one of DAY, WEEK, MONTH."
  }

  validation {
    condition     = alltrue([for k, t in var.tiers : t.quota == null || try(t.quota.limit > 0, false)])
    error_message = "tiers[*].quota.limit must be positive."
  }

  validation {
    condition     = alltrue([for k, t in var.tiers : t.throttle == null || try(t.throttle.rate_limit > 0 && t.throttle.burst_limit > 0, false)])
    error_message = "tiers[*].throttle.rate_limit and burst_limit must be positive."
  }
}

################################################################################
# Custom domain
################################################################################

variable "domain" {
  description = "Optional REGIONAL custom domain: domain_name, certificate_arn (ACM, same region), base_path (null = root), security_policy (TLS_1_2), hosted_zone_id (a Route 53 public hosted zone: the module writes the A alias record of domain_name to the domain's regional endpoint; null = point DNS yourself at output domain_regional_domain_name), create_alias_record (null = when hosted_zone_id is set; true when the zone id is only known after apply). Not for endpoint_type = PRIVATE: a private API can be mapped only to a private custom domain name, which this module does not create."
  type = object({
    domain_name     = string
    certificate_arn = string
    base_path       = optional(string)
    security_policy = optional(string, "TLS_1_2")
    hosted_zone_id  = optional(string)
    # Whether to write the alias record; null = when hosted_zone_id is set. Set true when
    # hosted_zone_id comes from a resource of the same apply (unknown at plan time).
    create_alias_record = optional(bool)
  })
  default = null

  validation {
    condition     = var.domain == null || contains(["TLS_1_2"], try(var.domain.security_policy, ""))
    error_message = "domain.security_policy must be TLS_1_2."
  }

  validation {
    condition     = var.domain == null || can(regex("^([a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", lower(var.domain.domain_name)))
    error_message = "domain.domain_name must be a DNS name such as api.example.com."
  }

  validation {
    condition     = var.domain == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$", var.domain.certificate_arn))
    error_message = "domain.certificate_arn must be the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>) in the API's region."
  }

  validation {
    condition     = var.domain == null || try(var.domain.base_path == null || can(regex("^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$", var.domain.base_path)), false)
    error_message = "domain.base_path must be null (the domain's root) or a path without leading or trailing slash, such as v1 or ai/v1."
  }

  validation {
    condition     = var.domain == null || try(var.domain.hosted_zone_id == null || can(regex("^[A-Z0-9]{1,32}$", var.domain.hosted_zone_id)), false)
    error_message = "domain.hosted_zone_id must be a Route 53 hosted zone id (upper-case letters and digits, such as Z0123456789ABCDEFGHIJ, without the /hostedzone/ prefix) or null."
  }

  validation {
    condition     = var.domain == null || try(var.domain.create_alias_record != true || var.domain.hosted_zone_id != null, false)
    error_message = "domain.create_alias_record = true needs domain.hosted_zone_id (the zone the record is written to)."
  }
}

variable "integration_timeout_quota_ms" {
  description = "The account's API Gateway quota \"Maximum integration timeout in milliseconds\" in this region: buffered routes may not wait longer. 29000 unless a Service Quotas increase was granted (Regional and private REST APIs, at most 300000; it may lower the account's throttle quota). Raise it here only after the increase: the sandbox accepts any timeout, AWS refuses the deployment. Streamed routes are not bound by it (up to 900000)."
  type        = number
  default     = 29000
  nullable    = false

  validation {
    condition     = var.integration_timeout_quota_ms >= 29000 && var.integration_timeout_quota_ms <= 300000 && floor(var.integration_timeout_quota_ms) == var.integration_timeout_quota_ms
    error_message = "integration_timeout_quota_ms must be a whole number between 29000 (the default quota) and 300000 (the largest increase API Gateway grants)."
  }
}

variable "default_timeout_ms" {
  description = "Integration timeout of buffered routes that do not set integration.timeout_ms; at most integration_timeout_quota_ms (29000 unless the quota was raised)."
  type        = number
  default     = 29000
  nullable    = false

  validation {
    condition     = var.default_timeout_ms >= 50 && var.default_timeout_ms <= 900000
    error_message = "default_timeout_ms must be between 50 and 900000."
  }
}

variable "streaming_timeout_ms" {
  description = "Integration timeout of streaming routes (transfer_mode = STREAM) that do not set integration.timeout_ms; response streaming allows up to 15 minutes."
  type        = number
  default     = 900000
  nullable    = false

  validation {
    condition     = var.streaming_timeout_ms >= 50 && var.streaming_timeout_ms <= 900000
    error_message = "streaming_timeout_ms must be between 50 and 900000."
  }
}

variable "fail_on_warnings" {
  description = "Fail the OpenAPI import when API Gateway reports warnings (e.g. an extension it ignores)."
  type        = bool
  default     = false
  nullable    = false
}
