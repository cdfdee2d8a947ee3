################################################################################
# Route families besides the LLM routes: each has its own file (sagemaker.tf,
# ai_services.tf, private_backends.tf, http_backends.tf) and emits route specs (the
# routes contract, docs/architecture.md) that gateway-core renders with the LLM routes.
# Every family's routes sit behind the project's Lambda authorizer (auth = "CUSTOM") by
# default, like the LLM routes, so tenants, keys and usage plans apply to them.
################################################################################

variable "sagemaker" {
  description = <<-EOT
    SageMaker endpoints as routes (modules/sagemaker-route), one POST route per endpoint
    (key = route name: letters, digits, '_' and '-'; route key sagemaker_<key>).
    - endpoints.<key>.mode: direct (an AWS integration to the SageMaker runtime with mapping
      templates, no Lambda) or lambda (the sagemaker_proxy function: JSON/CSV normalisation,
      output parsing, error mapping; needs packages.sagemaker_proxy).
    - endpoint_name, path, content_type (application/json | text/csv), accept, target_variant,
      response_format (envelope | raw): as in sagemaker-route's `endpoints`.
    - create: create the model, endpoint configuration and endpoint (sagemaker-route's
      `create`: image, model_data_url, execution_role_arn, environment, serverless or
      instance_type + initial_instance_count, volume_size_in_gb, autoscaling); without it
      the endpoint must exist.
    - auth: CUSTOM (the project's Lambda authorizer, default) or AWS_IAM, for every SageMaker route.
    - integration_timeout_ms: 50-29000.
    - proxy: sizing of the proxy function (mode = lambda): memory_size, timeout,
      reserved_concurrent_executions, max_body_bytes, tracing_mode (Active | PassThrough).
    No endpoints (the default): no SageMaker route.
  EOT
  type = object({
    auth                   = optional(string, "CUSTOM")
    integration_timeout_ms = optional(number, 29000)
    endpoints = optional(map(object({
      mode            = optional(string, "direct")
      endpoint_name   = optional(string)
      path            = optional(string)
      content_type    = optional(string, "application/json")
      accept          = optional(string)
      target_variant  = optional(string)
      response_format = optional(string, "envelope")
      create = optional(object({
        image              = string
        model_data_url     = optional(string)
        execution_role_arn = string
        environment        = optional(map(string), {})
        serverless = optional(object({
          memory_size_in_mb       = optional(number, 2048)
          max_concurrency         = optional(number, 5)
          provisioned_concurrency = optional(number)
        }))
        instance_type          = optional(string)
        initial_instance_count = optional(number, 1)
        volume_size_in_gb      = optional(number)
        autoscaling = optional(object({
          min_capacity                    = optional(number, 1)
          max_capacity                    = number
          target_invocations_per_instance = optional(number, 100)
          scale_in_cooldown_seconds       = optional(number, 300)
          scale_out_cooldown_seconds      = optional(number, 60)
        }))
      }))
    })), {})
    proxy = optional(object({
      memory_size                    = optional(number, 256)
      timeout                        = optional(number, 29)
      reserved_concurrent_executions = optional(number)
      max_body_bytes                 = optional(number, 4194304)
      tracing_mode                   = optional(string, "Active")
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, e in var.sagemaker.endpoints : contains(["direct", "lambda"], e.mode)])
    error_message = "sagemaker.endpoints[*].mode must be one of: direct, lambda (the sagemaker_proxy function); invalid in ${join(", ", [for k, e in var.sagemaker.endpoints : k if !contains(["direct", "lambda"], e.mode)])}."
  }

  validation {
    condition     = contains(["CUSTOM", "AWS_IAM"], var.sagemaker.auth)
    error_message = "sagemaker.auth must be one of: CUSTOM (the project's Lambda authorizer), AWS_IAM (SageMaker routes are never public)."
  }

  validation {
    condition     = alltrue([for k, e in var.sagemaker.endpoints : contains(["application/json", "text/csv"], e.content_type) && contains(["envelope", "raw"], e.response_format)])
    error_message = "sagemaker.endpoints[*].content_type must be one of: application/json, text/csv; response_format one of: envelope, raw."
  }

  validation {
    condition     = alltrue([for k, e in var.sagemaker.endpoints : can(regex("^[A-Za-z0-9_-]{1,48}$", k))])
    error_message = "sagemaker.endpoints keys must be 1-48 characters of letters, digits, '_' and '-' (they become route names and URL paths)."
  }

  validation {
    condition     = var.sagemaker.integration_timeout_ms >= 50 && var.sagemaker.integration_timeout_ms <= 29000
    error_message = "sagemaker.integration_timeout_ms must be between 50 and 29000."
  }

  validation {
    condition     = contains(["Active", "PassThrough"], var.sagemaker.proxy.tracing_mode)
    error_message = "sagemaker.proxy.tracing_mode must be one of: Active, PassThrough."
  }

  validation {
    condition     = var.packages.sagemaker_proxy != null || alltrue([for k, e in var.sagemaker.endpoints : e.mode != "lambda"])
    error_message = "sagemaker.endpoints with mode = \"lambda\" need packages.sagemaker_proxy (the sagemaker_proxy package of dist/manifest.json, `make build`; modules/packages returns it)."
  }
}

variable "ai_services" {
  description = <<-EOT
    AWS AI services as routes (modules/ai-service-route: direct AWS integrations with mapping
    templates, a role holding only the enabled services' actions). Null (default): none.
    - services: service => on/off; services: sentiment, pii, translate, labels, entities,
      key_phrases, language, document, image_text, moderation, speech. Services left out keep
      ai-service-route's default (sentiment, pii, translate, labels on; the rest off).
    - paths: service => route path (default /v1/ai/<service>, see ai-service-route).
    - default_language (sentiment: ar, de, en, es, fr, hi, it, ja, ko, pt, zh, zh-TW),
      pii_default_language (en, es), labels_defaults { max_labels, min_confidence },
      speech_defaults { voice, engine, format }: null = ai-service-route's defaults.
    - throttle: service => { rate_limit, burst_limit } (the route's stage and per-tier method throttle).
    - auth: CUSTOM (the project's Lambda authorizer, default) or AWS_IAM (no tenant: the media routes then take base64 bytes, never upload references).
    - integration_timeout_ms: 50-29000 (null = 29000).
  EOT
  type = object({
    services             = optional(map(bool), {})
    paths                = optional(map(string), {})
    default_language     = optional(string)
    pii_default_language = optional(string)
    labels_defaults = optional(object({
      max_labels     = optional(number)
      min_confidence = optional(number)
    }), {})
    speech_defaults = optional(object({
      voice  = optional(string)
      engine = optional(string)
      format = optional(string)
    }), {})
    throttle = optional(map(object({
      rate_limit  = number
      burst_limit = number
    })), {})
    auth                   = optional(string, "CUSTOM")
    integration_timeout_ms = optional(number)
  })
  default = null

  validation {
    condition = var.ai_services == null || alltrue([
      for s in concat(keys(try(var.ai_services.services, {})), keys(try(var.ai_services.paths, {})), keys(try(var.ai_services.throttle, {}))) :
      contains(["sentiment", "pii", "translate", "labels", "entities", "key_phrases", "language", "document", "image_text", "moderation", "speech"], s)
    ])
    error_message = "ai_services.services, paths and throttle are keyed by service: sentiment, pii, translate, labels, entities, key_phrases, language, document, image_text, moderation, speech."
  }

  validation {
    condition     = contains(["CUSTOM", "AWS_IAM"], coalesce(try(var.ai_services.auth, null), "CUSTOM"))
    error_message = "ai_services.auth must be one of: CUSTOM (the project's Lambda authorizer), AWS_IAM (AI service routes are never public)."
  }

  validation {
    condition     = contains(["ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh", "zh-TW"], coalesce(try(var.ai_services.default_language, null), "en"))
    error_message = "ai_services.default_language must be one of: ar, de, en, es, fr, hi, it, ja, ko, pt, zh, zh-TW."
  }

  validation {
    condition     = contains(["en", "es"], coalesce(try(var.ai_services.pii_default_language, null), "en"))
    error_message = "ai_services.pii_default_language must be one of: en, es."
  }

  validation {
    condition     = contains(["standard", "neural", "long-form", "generative"], coalesce(try(var.ai_services.speech_defaults.engine, null), "neural"))
    error_message = "ai_services.speech_defaults.engine must be one of: standard, neural, long-form, generative."
  }

  validation {
    condition     = contains(["mp3", "ogg_vorbis", "ogg_opus", "pcm"], coalesce(try(var.ai_services.speech_defaults.format, null), "mp3"))
    error_message = "ai_services.speech_defaults.format must be one of: mp3, ogg_vorbis, ogg_opus, pcm."
  }
}

variable "private_backends" {
  description = <<-EOT
    Private back ends behind a VPC link (modules/vpc-link), by key (route keys private_<key>_<route>).
    - load_balancer: nlb (a REST API v1 VPC link in front of an internal Network Load Balancer this
      module creates: vpc_id, subnet_ids, security_group_ids, target_groups, listeners and
      listener_key as in vpc-link) or alb (a v2 VPC link to your internal Application Load
      Balancer: alb_arn, alb_integration_uri, subnet_ids and security_group_ids of the link's
      network interfaces).
    - routes: route name => { path, method, backend_path (default: path; appended to the
      integration URI), summary, auth (CUSTOM | AWS_IAM), throttle { rate_limit, burst_limit } }.
      HTTP_PROXY integrations: method, headers, query and body pass through.
    - integration_host, integration_base_path, integration_timeout_ms (50-29000),
      enable_deletion_protection (the NLB's; turn off in throwaway environments).
  EOT
  type = map(object({
    load_balancer      = string
    subnet_ids         = list(string)
    security_group_ids = optional(list(string), [])
    vpc_id             = optional(string)
    target_groups = optional(map(object({
      target_type          = string
      port                 = number
      protocol             = optional(string, "TCP")
      deregistration_delay = optional(number, 60)
      preserve_client_ip   = optional(bool)
      health_check = optional(object({
        protocol            = optional(string, "TCP")
        port                = optional(string, "traffic-port")
        path                = optional(string)
        matcher             = optional(string)
        interval            = optional(number, 30)
        healthy_threshold   = optional(number, 3)
        unhealthy_threshold = optional(number, 3)
        timeout             = optional(number)
      }), {})
      targets = optional(map(object({
        target_id         = string
        port              = optional(number)
        availability_zone = optional(string)
      })), {})
    })), {})
    listeners = optional(map(object({
      port             = number
      protocol         = optional(string, "TCP")
      target_group_key = string
      certificate_arn  = optional(string)
      ssl_policy       = optional(string, "ELBSecurityPolicy-TLS13-1-2-2021-06")
      alpn_policy      = optional(string)
    })), {})
    listener_key               = optional(string)
    enable_deletion_protection = optional(bool, true)
    alb_arn                    = optional(string)
    alb_integration_uri        = optional(string)
    integration_host           = optional(string)
    integration_base_path      = optional(string, "")
    integration_timeout_ms     = optional(number, 29000)
    routes = map(object({
      path         = string
      method       = optional(string, "POST")
      backend_path = optional(string)
      summary      = optional(string)
      auth         = optional(string, "CUSTOM")
      throttle = optional(object({
        rate_limit  = number
        burst_limit = number
      }))
    }))
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, b in var.private_backends : contains(["nlb", "alb"], b.load_balancer)])
    error_message = "private_backends[*].load_balancer must be one of: nlb (v1 VPC link to an internal NLB created here), alb (v2 VPC link to your internal ALB)."
  }

  validation {
    condition     = alltrue([for k, b in var.private_backends : b.load_balancer != "nlb" || (b.vpc_id != null && length(b.subnet_ids) > 0 && length(b.listeners) > 0 && length(b.target_groups) > 0)])
    error_message = "private_backends with load_balancer = \"nlb\" need vpc_id, subnet_ids, target_groups and listeners; missing in ${join(", ", [for k, b in var.private_backends : k if b.load_balancer == "nlb" && !(b.vpc_id != null && length(b.subnet_ids) > 0 && length(b.listeners) > 0 && length(b.target_groups) > 0)])}."
  }

  validation {
    condition     = alltrue([for k, b in var.private_backends : b.load_balancer != "alb" || (b.alb_arn != null && b.alb_integration_uri != null && length(b.subnet_ids) > 0 && length(b.security_group_ids) > 0)])
    error_message = "private_backends with load_balancer = \"alb\" need alb_arn, alb_integration_uri, subnet_ids and security_group_ids (the v2 VPC link's network interfaces)."
  }

  validation {
    condition     = alltrue([for k, b in var.private_backends : can(regex("^[a-z0-9]{1,12}$", k)) && length(b.routes) > 0 && alltrue([for rk, r in b.routes : can(regex("^[A-Za-z0-9_-]{1,40}$", rk))])])
    error_message = "private_backends keys must be 1-12 lower-case letters or digits (they name the VPC link, NLB and target groups), each with at least one route keyed by 1-40 letters, digits, '_' or '-'."
  }

  validation {
    condition = alltrue(flatten([for k, b in var.private_backends : [
      for rk, r in b.routes : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], upper(r.method)) && contains(["CUSTOM", "AWS_IAM"], r.auth)
    ]]))
    error_message = "private_backends[*].routes[*].method must be one of: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY; auth one of: CUSTOM (the project's Lambda authorizer), AWS_IAM."
  }

  validation {
    condition = alltrue(flatten([for k, b in var.private_backends : [
      for rk, r in b.routes : can(regex("^(/[A-Za-z0-9._~-]+)+$", r.path)) && (r.backend_path == null || can(regex("^(/[A-Za-z0-9._~-]*)+$", coalesce(r.backend_path, "/"))))
    ]]))
    error_message = "private_backends[*].routes[*].path and backend_path must start with '/' and hold literal segments of letters, digits, '.', '_', '~' and '-' (path: no trailing '/')."
  }

  validation {
    condition     = alltrue([for k, b in var.private_backends : b.integration_timeout_ms >= 50 && b.integration_timeout_ms <= 29000])
    error_message = "private_backends[*].integration_timeout_ms must be between 50 and 29000."
  }
}

variable "http_backends" {
  description = <<-EOT
    Public HTTP(S) back ends, by key (route keys http_<key>_<route>).
    - url: base URL (http:// or https:// and a host, optional port and path); each route's
      backend_path (default: its path) is appended.
    - type: HTTP_PROXY (default: method, headers, query and body pass through, the answer comes
      back as is) or HTTP (non-proxy: request_templates per content type map the body; the
      answer passes through with status 200).
    - timeout_ms: integration timeout, 50-29000.
    - routes: route name => { path, method, backend_path, summary, auth (CUSTOM | AWS_IAM),
      throttle { rate_limit, burst_limit }, request_templates (HTTP only) }.
  EOT
  type = map(object({
    url        = string
    type       = optional(string, "HTTP_PROXY")
    timeout_ms = optional(number, 29000)
    routes = map(object({
      path              = string
      method            = optional(string, "POST")
      backend_path      = optional(string)
      summary           = optional(string)
      auth              = optional(string, "CUSTOM")
      request_templates = optional(map(string), {})
      throttle = optional(object({
        rate_limit  = number
        burst_limit = number
      }))
    }))
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, b in var.http_backends : contains(["HTTP_PROXY", "HTTP"], b.type)])
    error_message = "http_backends[*].type must be one of: HTTP_PROXY, HTTP."
  }

  validation {
    condition     = alltrue([for k, b in var.http_backends : can(regex("^https?://[^/?#]+(/[^?#]*)?$", b.url)) && !endswith(b.url, "/")])
    error_message = "http_backends[*].url must be http:// or https:// followed by a host (optional :port and path, no trailing '/', no query): invalid in ${join(", ", [for k, b in var.http_backends : k if !(can(regex("^https?://[^/?#]+(/[^?#]*)?$", b.url)) && !endswith(b.url, "/"))])}."
  }

  validation {
    condition     = alltrue([for k, b in var.http_backends : can(regex("^[a-z0-9]{1,12}$", k)) && length(b.routes) > 0 && alltrue([for rk, r in b.routes : can(regex("^[A-Za-z0-9_-]{1,40}$", rk))])])
    error_message = "http_backends keys must be 1-12 lower-case letters or digits, each with at least one route keyed by 1-40 letters, digits, '_' or '-'."
  }

  validation {
    condition = alltrue(flatten([for k, b in var.http_backends : [
      for rk, r in b.routes : contains(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"], upper(r.method)) && contains(["CUSTOM", "AWS_IAM"], r.auth)
    ]]))
    error_message = "http_backends[*].routes[*].method must be one of: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY; auth one of: CUSTOM (the project's Lambda authorizer), AWS_IAM (a public route goes in extra_routes)."
  }

  validation {
    condition = alltrue(flatten([for k, b in var.http_backends : [
      for rk, r in b.routes : can(regex("^(/[A-Za-z0-9._~-]+)+$", r.path)) && (r.backend_path == null || can(regex("^(/[A-Za-z0-9._~-]*)+$", coalesce(r.backend_path, "/"))))
    ]]))
    error_message = "http_backends[*].routes[*].path and backend_path must start with '/' and hold literal segments of letters, digits, '.', '_', '~' and '-' (path: no trailing '/')."
  }

  validation {
    condition     = alltrue(flatten([for k, b in var.http_backends : [for rk, r in b.routes : b.type == "HTTP" || length(r.request_templates) == 0]]))
    error_message = "http_backends[*].routes[*].request_templates apply to type = \"HTTP\" only (HTTP_PROXY passes the request through)."
  }

  validation {
    condition     = alltrue([for k, b in var.http_backends : b.timeout_ms >= 50 && b.timeout_ms <= 29000])
    error_message = "http_backends[*].timeout_ms must be between 50 and 29000."
  }
}

variable "extra_routes" {
  description = "More route specs for anything the families above do not cover, merged with them (same type as gateway-core's `routes`, the routes contract of docs/architecture.md; tests/unit/modules/test_routes_type_agrees.py keeps the two equal). Keys must not collide with the families' route keys."
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
}
