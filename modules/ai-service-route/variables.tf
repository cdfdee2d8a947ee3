################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create any resource. When false nothing is created, `routes` is empty and every other output is null."
  type        = bool
  default     = true
  nullable    = false
}

variable "name" {
  description = "Name of the role API Gateway assumes to call the AI services (and prefix of its policy)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9][a-zA-Z0-9-_+=,.@]{0,59}$", var.name))
    error_message = "name must be 1-60 characters of letters, digits and '-_+=,.@', starting with a letter or digit (an IAM role name)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Services
################################################################################

variable "services" {
  description = "Which routes to emit (each optional). On by default: sentiment (Comprehend DetectSentiment), pii (Comprehend DetectPiiEntities), translate (Translate TranslateText), labels (Rekognition DetectLabels on a base64 image). Off by default: entities (Comprehend DetectEntities), key_phrases (Comprehend DetectKeyPhrases), language (Comprehend DetectDominantLanguage), document (Textract DetectDocumentText on a base64 image), image_text (Rekognition DetectText), moderation (Rekognition DetectModerationLabels), speech (Polly SynthesizeSpeech: audio bytes back). The role gets only the actions of the enabled services."
  type = object({
    sentiment   = optional(bool, true)
    pii         = optional(bool, true)
    translate   = optional(bool, true)
    labels      = optional(bool, true)
    entities    = optional(bool, false)
    key_phrases = optional(bool, false)
    language    = optional(bool, false)
    document    = optional(bool, false)
    image_text  = optional(bool, false)
    moderation  = optional(bool, false)
    speech      = optional(bool, false)
  })
  default  = {}
  nullable = false

  validation {
    condition     = anytrue(values(var.services))
    error_message = "Enable at least one of services.sentiment, pii, translate, labels, entities, key_phrases, language, document, image_text, moderation, speech (or set create = false)."
  }
}

variable "paths" {
  description = "Route path of each service."
  type = object({
    sentiment   = optional(string, "/v1/ai/sentiment")
    pii         = optional(string, "/v1/ai/pii")
    translate   = optional(string, "/v1/ai/translate")
    labels      = optional(string, "/v1/ai/labels")
    entities    = optional(string, "/v1/ai/entities")
    key_phrases = optional(string, "/v1/ai/key-phrases")
    language    = optional(string, "/v1/ai/language")
    document    = optional(string, "/v1/ai/document-text")
    image_text  = optional(string, "/v1/ai/image-text")
    moderation  = optional(string, "/v1/ai/moderation")
    speech      = optional(string, "/v1/ai/speech")
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for p in values(var.paths) : can(regex("^(/[A-Za-z0-9._~-]+)+$", p))])
    error_message = "paths must start with '/', have no trailing '/' and only literal segments of letters, digits, '.', '_', '~' and '-'."
  }

  validation {
    condition     = length(distinct(values(var.paths))) == length(values(var.paths))
    error_message = "Each service needs its own path."
  }
}

variable "default_language" {
  description = "Language of the text when a sentiment request names none: one of ar, de, en, es, fr, hi, it, ja, ko, pt, zh, zh-TW (Comprehend)."
  type        = string
  default     = "en"
  nullable    = false

  validation {
    condition     = contains(["ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh", "zh-TW"], var.default_language)
    error_message = "default_language must be one of: ar, de, en, es, fr, hi, it, ja, ko, pt, zh, zh-TW."
  }
}

variable "pii_default_language" {
  description = "Language of the text when a PII request names none: en or es (the languages DetectPiiEntities supports)."
  type        = string
  default     = "en"
  nullable    = false

  validation {
    condition     = contains(["en", "es"], var.pii_default_language)
    error_message = "pii_default_language must be one of: en, es."
  }
}

variable "labels_defaults" {
  description = "Rekognition DetectLabels defaults when the request names none: max_labels (1-1000) and min_confidence (0-100)."
  type = object({
    max_labels     = optional(number, 10)
    min_confidence = optional(number, 55)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.labels_defaults.max_labels >= 1 && var.labels_defaults.max_labels <= 1000 && var.labels_defaults.min_confidence >= 0 && var.labels_defaults.min_confidence <= 100
    error_message = "labels_defaults.max_labels must be between 1 and 1000 and min_confidence between 0 and 100."
  }
}

variable "speech_defaults" {
  description = "Polly SynthesizeSpeech defaults when a speech request names none: voice (a Polly voice id such as Joanna; it must support the engine), engine (standard, neural, long-form or generative) and format (mp3, ogg_vorbis, ogg_opus or pcm)."
  type = object({
    voice  = optional(string, "Joanna")
    engine = optional(string, "neural")
    format = optional(string, "mp3")
  })
  default  = {}
  nullable = false

  validation {
    condition     = can(regex("^[A-Z][a-z]{1,31}$", var.speech_defaults.voice))
    error_message = "speech_defaults.voice must be a Polly voice id: a capital letter then lower-case letters (Joanna, Matthew, Vicki, …)."
  }

  validation {
    condition     = contains(["standard", "neural", "long-form", "generative"], var.speech_defaults.engine)
    error_message = "speech_defaults.engine must be one of: standard, neural, long-form, generative."
  }

  validation {
    condition     = contains(["mp3", "ogg_vorbis", "ogg_opus", "pcm"], var.speech_defaults.format)
    error_message = "speech_defaults.format must be one of: mp3, ogg_vorbis, ogg_opus, pcm."
  }
}

variable "throttle" {
  description = "Per-route throttling (key = service name as in `services`): rate_limit (requests per second, > 0) and burst_limit (a whole number >= 1). gateway-core sets it as the stage's method throttle of the route and, capped at each tier's own limits, as the per-method throttle in every usage plan. Services without an entry use the stage default (gateway-core default_throttle)."
  type = map(object({
    rate_limit  = number
    burst_limit = number
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.throttle) : contains(["sentiment", "pii", "translate", "labels", "entities", "key_phrases", "language", "document", "image_text", "moderation", "speech"], k)])
    error_message = "throttle keys must be service names: sentiment, pii, translate, labels, entities, key_phrases, language, document, image_text, moderation, speech."
  }

  validation {
    condition     = alltrue([for k, t in var.throttle : t.rate_limit > 0 && t.burst_limit >= 1 && floor(t.burst_limit) == t.burst_limit])
    error_message = "throttle.<service>.rate_limit must be greater than 0 (requests per second, fractions allowed) and burst_limit a whole number of at least 1 (API Gateway's burst is an integer)."
  }
}

variable "route_auth" {
  description = "Authorization of the emitted routes: CUSTOM (the Lambda authorizer, default) or AWS_IAM."
  type        = string
  default     = "CUSTOM"
  nullable    = false

  validation {
    condition     = contains(["CUSTOM", "AWS_IAM"], var.route_auth)
    error_message = "route_auth must be one of: CUSTOM, AWS_IAM (AI service routes are never public)."
  }
}

variable "integration_timeout_ms" {
  description = "Integration timeout of the routes in milliseconds (API Gateway REST: 50-29000 by default)."
  type        = number
  default     = 29000
  nullable    = false

  validation {
    condition     = var.integration_timeout_ms >= 50 && var.integration_timeout_ms <= 29000
    error_message = "integration_timeout_ms must be between 50 and 29000."
  }
}

################################################################################
# Stage cache (GET variants)
################################################################################

variable "cache" {
  description = "Cacheable GET variants (key = service name; only the text services: sentiment, pii, translate, entities, key_phrases, language). Each key emits route ai_<service>_get: GET on the service's path with its arguments in the query string (?text=…&target_language=…), cached in the stage cache when enabled (true by default) for ttl_seconds (0-3600, default 300; gateway-core needs a stage cache, created as soon as a route asks for one). Cache keys are the query parameters and cache_identity_parameters, so callers never share an entry. Needs route_auth = \"CUSTOM\": with AWS_IAM the only per-caller parameter is a per-request signature."
  type = map(object({
    enabled     = optional(bool, true)
    ttl_seconds = optional(number, 300)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.cache) : contains(["sentiment", "pii", "translate", "entities", "key_phrases", "language"], k)])
    error_message = "cache keys must be text services: sentiment, pii, translate, entities, key_phrases, language (images, documents and speech have no cacheable GET variant)."
  }

  validation {
    condition     = alltrue([for k, c in var.cache : c.ttl_seconds != null && c.ttl_seconds >= 0 && c.ttl_seconds <= 3600 && floor(c.ttl_seconds) == c.ttl_seconds])
    error_message = "cache.<service>.ttl_seconds must be a whole number from 0 to 3600 (API Gateway's cache TTL range)."
  }

  validation {
    condition     = var.route_auth == "CUSTOM" || !anytrue([for c in values(var.cache) : c.enabled])
    error_message = "cache needs route_auth = \"CUSTOM\": with AWS_IAM the Authorization header is a per-request SigV4 signature, so no cache key can name the caller (every request would miss, or callers would share entries)."
  }

  validation {
    condition     = alltrue([for k in keys(var.cache) : try(var.services[k], false)])
    error_message = "cache names service(s) ${join(", ", [for k in keys(var.cache) : k if !try(var.services[k], false)])} that services does not enable."
  }
}

variable "cache_identity_parameters" {
  description = "Request parameters that name the caller, added to every GET variant's cache key: the credential inputs of the authorizer (modules/authorizer reads the Authorization bearer credential and x-api-key). Two requests share a cache entry only when these are equal, i.e. when they carry the same credential."
  type        = list(string)
  default     = ["method.request.header.Authorization", "method.request.header.x-api-key"]
  nullable    = false

  validation {
    condition     = length(var.cache_identity_parameters) > 0 && alltrue([for p in var.cache_identity_parameters : can(regex("^method\\.request\\.(header|querystring)\\.[A-Za-z0-9_-]+$", p))])
    error_message = "cache_identity_parameters must be a non-empty list of method.request.header.<name> or method.request.querystring.<name> (API Gateway keys its cache on method request parameters only)."
  }
}
