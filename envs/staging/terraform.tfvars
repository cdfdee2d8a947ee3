environment         = "staging"
region              = "us-east-1"
allowed_account_ids = ["222222222222"]
name                = "aigw-staging"

# The environment's customer-managed key from `make bootstrap ENV=staging` (output
# kms_key_arn): it encrypts the state and all of the gateway's data at rest.
kms_key_arn = "arn:aws:kms:us-east-1:222222222222:key/00000000-0000-0000-0000-000000000000"

# API Gateway's account-level CloudWatch Logs role from `make bootstrap ENV=staging` (output
# account_cloudwatch_role_arn): the stage's access and execution logs need it in the
# account and region. If another stack owns the setting, name its role here instead.
account_cloudwatch_role_arn = "arn:aws:iam::222222222222:role/aigw-staging-apigateway-logs-us-east-1"

tiers = {
  standard = {
    throttle = { rate_limit = 10, burst_limit = 20 }
    quota    = { limit = 100000, period = "MONTH" }
  }
  premium = {
    throttle = { rate_limit = 50, burst_limit = 100 }
    quota    = { limit = 1000000, period = "MONTH" }
  }
}

waf = {
  rate_limit_per_ip         = { limit = 2000 }
  rate_limit_per_credential = { limit = 1000 }
}

llm = {
  providers = {
    bedrock = { type = "bedrock" }
  }
  models = {
    "claude-sonnet" = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-7-sonnet-20250219-v1:0" }] }
    "claude-haiku"  = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-5-haiku-20241022-v1:0" }] }
    "embed"         = { type = "embedding", targets = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }] }
  }
  quotas = { tiers = { standard = 2000000, premium = 20000000 } }
  # The AWS Parameters and Secrets Lambda extension layer (arm64) for the region:
  # look up the current version in the AWS Lambda documentation before applying.
  parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
}

observability = {
  alarm_subscriptions = [{ protocol = "email", endpoint = "aigw-staging-alerts@example.com" }]
}

# Stage cache for the cacheable GET variants of the AI service routes (docs/caching.md):
# off until services opt in; the cache is billed per hour from the first cached route.
# Answers are keyed per caller credential; LLM routes are never stage-cached (see
# llm.response_cache for the exact-match LLM cache). Flush: aigw cache flush --env ENV.
# stage_cache = {
#   cluster_size = "0.5"                   # GB: 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237
#   ttl_seconds  = 300                     # 0-3600
#   services     = ["translate", "sentiment"]
# }

# release: not set here. `aigw release start|promote|rollback --env staging` writes it to
# envs/staging/release.auto.tfvars.json (Terraform reads it with this file); commit that file
# with the change it releases so CI plans the same release (docs/releases.md). To turn on
# the canary alarms `aigw release watch` rolls back on, set release.alarms there, e.g.
#   "alarms": {"enabled": true, "error_rate_5xx": 0.05, "p99_latency_ms": 10000, "llm_error_rate": 0.05}

# The API's edge (docs/edge.md): staging mirrors prod's custom domain under its own name.
# domain = {
#   domain_name     = "ai.staging.example.com"
#   certificate_arn = "arn:aws:acm:us-east-1:222222222222:certificate/00000000-0000-0000-0000-000000000000"
#   hosted_zone_id  = "Z0123456789ABCDEFGHIJ"
# }
# Clients reach the API only through the domain (the execute-api URL answers 403):
# disable_execute_api_endpoint = true

# --- Route families besides the LLM routes (modules/ai-gateway variables_routes.tf) -------
# Every family's routes sit behind the project's Lambda authorizer (auth = "CUSTOM"), so
# tenants, keys, usage plans and the WAF apply to them as to the LLM routes.

# SageMaker: an endpoint the data-science account deploys (existing: no `create`), reached
# directly (AWS integration, mapping templates) — mode = "lambda" puts the sagemaker_proxy
# function in between (JSON/CSV normalisation, output parsing).
sagemaker = {
  endpoints = {
    churn = { endpoint_name = "churn-xgboost", content_type = "text/csv" }
  }
}

# AI services: direct integrations; the role holds only the enabled services' actions.
# A cheap route may take more than the stage default, an expensive one less.
ai_services = {
  services         = { sentiment = true, pii = true, translate = true, labels = false, entities = true }
  default_language = "en"
  throttle = {
    sentiment = { rate_limit = 100, burst_limit = 200 }
    translate = { rate_limit = 10, burst_limit = 20 }
  }
}

# A private back end behind a VPC link: an internal NLB in front of the reranker service
# (load_balancer = "nlb", v1 link) or, via the v2 link, an existing internal ALB.
# private_backends = {
#   rerank = {
#     load_balancer = "nlb"
#     vpc_id        = "vpc-0123456789abcdef0"
#     subnet_ids    = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
#     target_groups = { api = { target_type = "ip", port = 8080, targets = { a = { target_id = "10.0.1.10" } } } }
#     listeners     = { tcp = { port = 80, target_group_key = "api" } }
#     routes        = { rerank = { path = "/v1/rerank", backend_path = "/rerank" } }
#   }
#   tools = {
#     load_balancer       = "alb"
#     subnet_ids          = ["subnet-0123456789abcdef0"]
#     security_group_ids  = ["sg-0123456789abcdef0"]
#     alb_arn             = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/tools/0123456789abcdef"
#     alb_integration_uri = "https://tools.internal.example.com"
#     routes              = { search = { path = "/v1/tools/search", method = "GET" } }
#   }
# }

# A public HTTP back end (HTTP_PROXY: method, headers, query and body pass through).
# http_backends = {
#   weather = {
#     url    = "https://api.weather.example.com/v2"
#     routes = { forecast = { path = "/v1/weather/forecast", method = "GET", backend_path = "/forecast" } }
#   }
# }
