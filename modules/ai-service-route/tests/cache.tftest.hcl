# Cacheable GET variants (ADR 0143): opt-in per text service, query parameters declared
# and required where the POST body requires them, templates reading the query string,
# cache keys = the query parameters + the caller's credential headers.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-ai" }
  }
}

variables {
  name = "aigw-ai"
  cache = {
    translate = { ttl_seconds = 600 }
    sentiment = {}
    language  = { enabled = false }
  }
  services = { language = true }
}

run "get_variants_of_the_cached_services" {
  command = apply

  assert {
    condition     = toset([for k, r in output.routes : k if r.method == "GET"]) == toset(["ai_translate_get", "ai_sentiment_get", "ai_language_get"])
    error_message = "One GET variant per service in cache, none for the others."
  }

  assert {
    condition = (
      output.routes.ai_translate_get.path == output.routes.ai_translate.path &&
      output.routes.ai_translate_get.integration.uri == output.routes.ai_translate.integration.uri &&
      output.routes.ai_translate_get.integration.http_method == "POST" &&
      output.routes.ai_translate_get.integration.request_parameters == output.routes.ai_translate.integration.request_parameters &&
      output.routes.ai_translate_get.request_schema == null &&
      output.routes.ai_translate_get.auth == "CUSTOM"
    )
    error_message = "A GET variant calls the same service action as its POST route, on the same path, without a body schema."
  }

  assert {
    condition = output.routes.ai_translate_get.request_parameters == {
      "method.request.querystring.text"            = true
      "method.request.querystring.target_language" = true
      "method.request.querystring.source_language" = false
      "method.request.header.Authorization"        = false
      "method.request.header.x-api-key"            = false
    }
    error_message = "text and target_language are required query strings (validated by API Gateway), source_language optional, and the credential headers declared."
  }

  assert {
    condition = output.routes.ai_translate_get.cache == {
      enabled     = true
      ttl_seconds = 600
      key_parameters = [
        "method.request.querystring.source_language",
        "method.request.querystring.target_language",
        "method.request.querystring.text",
        "method.request.header.Authorization",
        "method.request.header.x-api-key",
      ]
    }
    error_message = "The cache keys are every query parameter and the caller's credential headers."
  }

  assert {
    condition     = output.routes.ai_sentiment_get.cache.ttl_seconds == 300 && output.routes.ai_sentiment_get.cache.enabled && contains(output.routes.ai_sentiment_get.cache.key_parameters, "method.request.querystring.language")
    error_message = "Default TTL 300 s; the optional language is part of the key."
  }

  assert {
    condition     = !output.routes.ai_language_get.cache.enabled
    error_message = "enabled = false emits the GET variant uncached."
  }

  assert {
    condition = (
      strcontains(output.routes.ai_translate_get.integration.request_templates["application/json"], "$input.params().querystring.get('target_language')") &&
      strcontains(output.routes.ai_sentiment_get.integration.request_templates["application/json"], "$input.params().querystring.get('text')") &&
      strcontains(output.routes.ai_sentiment_get.integration.request_templates["application/json"], "\"en\"")
    )
    error_message = "The templates read the query string (not headers that are no cache key) and fill the default language."
  }

  assert {
    condition     = output.routes.ai_translate.method == "POST" && output.routes.ai_translate.cache == null
    error_message = "The POST routes stay uncached."
  }
}

run "no_get_variants_by_default" {
  command = plan

  variables {
    cache = {}
  }

  assert {
    condition     = alltrue([for r in output.routes : r.method == "POST"])
    error_message = "GET variants are opt-in."
  }
}

run "rejects_cache_on_an_image_service" {
  command = plan

  variables {
    cache = { labels = {} }
  }

  expect_failures = [var.cache]
}

run "rejects_a_ttl_out_of_range" {
  command = plan

  variables {
    cache = { translate = { ttl_seconds = 3601 } }
  }

  expect_failures = [var.cache]
}

run "rejects_cache_with_sigv4_routes" {
  command = plan

  variables {
    route_auth = "AWS_IAM"
  }

  expect_failures = [var.cache]
}

run "rejects_cache_of_a_disabled_service" {
  command = plan

  variables {
    cache    = { entities = {} }
    services = {}
  }

  expect_failures = [var.cache]
}

run "rejects_bad_identity_parameters" {
  command = plan

  variables {
    cache_identity_parameters = ["Authorization"]
  }

  expect_failures = [var.cache_identity_parameters]
}
