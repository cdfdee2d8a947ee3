# The local environment: the whole gateway (modules/ai-gateway) in the local AWS sandbox.
# What differs from a deployed environment: sandbox_mode (the few features moto lacks are
# off, see scan-exceptions.toml), the deterministic `mock` provider instead of real models.
# As in a deployed env, one environment key encrypts everything: `make apply ENV=local`
# first applies envs/_bootstrap (environment = "local", key only) to the sandbox and
# passes its ARN as kms_key_arn, so every key reference is known at plan time (ADR 0090).

locals {
  tags = {
    "aigw:environment" = "local"
    "aigw:managed-by"  = "terraform"
  }
}

# The Lambda packages of this build (dist/manifest.json, written by `make build`).
module "packages" {
  source = "../../modules/ai-gateway/modules/packages"

  manifest_path = var.manifest_path
}

module "gateway" {
  source = "../../modules/ai-gateway"

  name         = var.name
  stage_name   = "v1"
  sandbox_mode = true
  # A revoked key stops working within seconds here (deployed envs keep the default 300 s).
  authorizer_result_ttl_seconds = 5
  packages                      = module.packages.packages
  kms_key_arn                   = var.kms_key_arn
  # Set in the sandbox by the bootstrap stack, as in a deployed env (ADR 0092).
  account_cloudwatch_role_arn = var.account_cloudwatch_role_arn
  log_retention_days          = var.log_retention_days
  release                     = var.release

  tiers = {
    standard = {
      throttle = { rate_limit = 20, burst_limit = 40 }
      quota    = { limit = 100000, period = "MONTH" }
    }
    premium = {
      throttle = { rate_limit = 100, burst_limit = 200 }
      quota    = { limit = 1000000, period = "MONTH" }
    }
    # A trial tier whose limits a person (or a test) reaches by hand: two requests at
    # once, one a second after that, twenty a day.
    trial = {
      throttle = { rate_limit = 1, burst_limit = 2 }
      quota    = { limit = 20, period = "DAY" }
    }
  }

  # Every route family, so `make apply ENV=local` deploys all of them into the sandbox.
  # SageMaker: the env's endpoint (fixtures.tf), reached directly (AWS integration) and
  # through the proxy function.
  sagemaker = {
    endpoints = {
      echo       = { endpoint_name = aws_sagemaker_endpoint.echo.name }
      echo_proxy = { mode = "lambda", endpoint_name = aws_sagemaker_endpoint.echo.name }
      # The same model reached directly with CSV in and out (tabular clients).
      echo_csv = { endpoint_name = aws_sagemaker_endpoint.echo.name, content_type = "text/csv" }
    }
  }

  # Every service ai-service-route offers, speech (binary audio) included.
  ai_services = {
    services = {
      sentiment   = true
      pii         = true
      translate   = true
      labels      = true
      entities    = true
      key_phrases = true
      language    = true
      document    = true
      image_text  = true
      moderation  = true
      speech      = true
    }
    # Per-route throttles: a cheap text route may take more than an expensive image one
    # (stage method settings; each tier's usage plan caps them at the tier's own limits).
    throttle = {
      sentiment = { rate_limit = 50, burst_limit = 100 }
      labels    = { rate_limit = 5, burst_limit = 10 }
    }
  }

  # A private back end behind a v1 VPC link and its internal NLB (`aigw serve
  # --vpc-link-backend` stands in for the NLB's targets).
  private_backends = {
    models = {
      load_balancer = "nlb"
      vpc_id        = aws_vpc.this.id
      subnet_ids    = [aws_subnet.private.id]
      target_groups = {
        api = { target_type = "ip", port = 8080, targets = { a = { target_id = "10.42.1.10" } } }
      }
      listeners = { tcp = { port = 80, target_group_key = "api" } }
      routes = {
        rerank = { path = "/v1/private/rerank", backend_path = "/rerank" }
      }
    }
  }

  # A public HTTP back end: a loopback URL (`aigw serve` forwards to it).
  http_backends = {
    tools = {
      url = var.http_backend_url
      routes = {
        echo = { path = "/v1/tools/echo", backend_path = "/echo" }
      }
    }
  }

  # The stage cache for the cacheable GET variants of two text services (aigw serve
  # emulates it; the sandbox stores the settings and caches nothing).
  stage_cache = {
    services = ["translate", "sentiment"]
  }

  # Large payloads by upload (docs/uploads.md): POST /v1/uploads signs a PUT into the
  # env's upload bucket in the sandbox; the chat routes and the media AI routes (labels,
  # image_text, moderation, document) take the upload's id. The bucket is emptied on
  # destroy (sandbox_mode turns deletion protection off).
  uploads = {
    enabled         = true
    expiration_days = 1
    max_bytes       = 10485760 # 10 MiB
    url_ttl_seconds = 900
  }

  llm = {
    # The deterministic mock provider: refused everywhere else (llm-route allow_mock_provider).
    allow_mock_provider = true
    providers = {
      mock = { type = "mock" }
    }
    models = {
      "mock-chat"  = { targets = [{ provider = "mock", model = "echo" }] }
      "mock-embed" = { type = "embedding", targets = [{ provider = "mock", model = "hash" }] }
    }
    prompt_templates = {
      summarise = {
        model     = "mock-chat"
        messages  = [{ role = "user", content = "Summarise in {{ lang }}: {{ text }}" }]
        variables = { text = { max_length = 20000 }, lang = { default = "English" } }
      }
      "social-post" = {
        model     = "mock-chat"
        messages  = [{ role = "user", content = "Write a {{ platform }} post about: {{ text }}" }]
        variables = { text = { max_length = 2000 }, platform = { default = "LinkedIn" } }
      }
    }
    quotas = {
      tiers = { standard = 200000, premium = 5000000 }
    }
  }

  tags = local.tags
}
