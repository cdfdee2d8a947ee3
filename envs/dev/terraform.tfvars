environment         = "dev"
region              = "us-east-1"
allowed_account_ids = ["111111111111"]
name                = "aigw-dev"

# The environment's customer-managed key from `make bootstrap ENV=dev` (output
# kms_key_arn): it encrypts the state and all of the gateway's data at rest.
kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000"

# API Gateway's account-level CloudWatch Logs role from `make bootstrap ENV=dev` (output
# account_cloudwatch_role_arn): the stage's access and execution logs need it in the
# account and region. If another stack owns the setting, name its role here instead.
account_cloudwatch_role_arn = "arn:aws:iam::111111111111:role/aigw-dev-apigateway-logs-us-east-1"
log_retention_days          = 365

tiers = {
  standard = {
    throttle = { rate_limit = 5, burst_limit = 10 }
    quota    = { limit = 20000, period = "MONTH" }
  }
}

waf = {
  rate_limit_per_ip = { limit = 1000 }
}

llm = {
  providers = {
    bedrock = { type = "bedrock" }
  }
  # Real models only: dev is where Bedrock model access, IAM and quotas are proven before
  # staging. The mock provider (canned text) belongs to envs/local and the tests.
  models = {
    "claude-haiku" = { targets = [{ provider = "bedrock", model = "us.anthropic.claude-3-5-haiku-20241022-v1:0" }] }
    "embed"        = { type = "embedding", targets = [{ provider = "bedrock", model = "amazon.titan-embed-text-v2:0" }] }
  }
  quotas = { tiers = { standard = 1000000 } }
  # The AWS Parameters and Secrets Lambda extension layer (arm64) for the region:
  # look up the current version in the AWS Lambda documentation before applying.
  parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
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

# release: not set here. `aigw release start|promote|rollback --env dev` writes it to
# envs/dev/release.auto.tfvars.json (Terraform reads it with this file); commit that file
# with the change it releases so CI plans the same release (docs/releases.md). To turn on
# the canary alarms `aigw release watch` rolls back on, set release.alarms there, e.g.
#   "alarms": {"enabled": true, "error_rate_5xx": 0.05, "p99_latency_ms": 10000, "llm_error_rate": 0.05}

# The API's edge (docs/edge.md). A custom domain for a REGIONAL API: the ACM certificate
# lives in this region; with hosted_zone_id the alias record is written here (else point
# DNS at output domain_target); clients call output invoke_url.
# domain = {
#   domain_name     = "ai.dev.example.com"
#   certificate_arn = "arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
#   base_path       = "ai"
#   hosted_zone_id  = "Z0123456789ABCDEFGHIJ"

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
#     alb_arn             = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/tools/0123456789abcdef"
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
