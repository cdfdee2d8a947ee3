environment         = "prod"
region              = "us-east-1"
allowed_account_ids = ["333333333333"]
name                = "aigw-prod"

# The environment's customer-managed key from `make bootstrap ENV=prod` (output
# kms_key_arn): it encrypts the state and all of the gateway's data at rest.
kms_key_arn = "arn:aws:kms:us-east-1:333333333333:key/00000000-0000-0000-0000-000000000000"

# API Gateway's account-level CloudWatch Logs role from `make bootstrap ENV=prod` (output
# account_cloudwatch_role_arn): the stage's access and execution logs need it in the
# account and region. If another stack owns the setting, name its role here instead.
account_cloudwatch_role_arn = "arn:aws:iam::333333333333:role/aigw-prod-apigateway-logs-us-east-1"

tiers = {
  standard = {
    throttle = { rate_limit = 20, burst_limit = 40 }
    quota    = { limit = 500000, period = "MONTH" }
  }
  premium = {
    throttle = { rate_limit = 100, burst_limit = 200 }
    quota    = { limit = 5000000, period = "MONTH" }
  }
  enterprise = {
    throttle = { rate_limit = 500, burst_limit = 1000 }
    quota    = { limit = 50000000, period = "MONTH" }
  }
}

waf = {
  rate_limit_per_ip         = { limit = 3000 }
  rate_limit_per_credential = { limit = 2000 }
  enable_bot_control        = true
  # Bot Control's common level blocks non-browser user agents, i.e. this API's own clients
  # (OpenAI SDKs, curl): these rules only label and count (CKV_AIGW_20, ADR 0046).
  bot_control_count_rules = ["CategoryHttpLibrary", "SignalNonBrowserUserAgent"]
  # Managed rule groups follow their default version (AWS tests each update before it
  # becomes the default). Pin one here to review updates first, e.g.
  # managed_rule_group_versions = { AWSManagedRulesCommonRuleSet = "Version_1.12" }
  # Prompts carry SQL, HTML and shell: on the LLM routes the managed body rules only count
  # and a prompt past the 64 KB window reaches the function (its own limits apply).
  # These are the defaults, stated here; docs/waf.md lists the trade-offs.
  body_inspection_limit = "KB_64"
  route_families = {
    llm = { oversize_handling = "NO_MATCH", inspect_body_with_managed_rules = false }
  }
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
  quotas = { tiers = { standard = 5000000, premium = 50000000, enterprise = 500000000 } }
  # The AWS Parameters and Secrets Lambda extension layer (arm64) for the region:
  # look up the current version in the AWS Lambda documentation before applying.
  parameters_extension_layer_arn    = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  provisioned_concurrent_executions = 5
  memory_size                       = 1024
}

observability = {
  # Who is paged: replace with the on-call address or an https endpoint of the paging tool.
  alarm_subscriptions = [{ protocol = "email", endpoint = "aigw-oncall@example.com" }]
  # Chat streams: alarm on p99 time to first token, not on request latency (whole streams).
  alarms = { api_5xx_rate_percent = 1, ttft_p99_ms = 10000 }
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

# release: not set here. `aigw release start|promote|rollback --env prod` writes it to
# envs/prod/release.auto.tfvars.json (Terraform reads it with this file); commit that file
# with the change it releases so CI plans the same release (docs/releases.md). To turn on
# the canary alarms `aigw release watch` rolls back on, set release.alarms there, e.g.
#   "alarms": {"enabled": true, "error_rate_5xx": 0.05, "p99_latency_ms": 10000, "llm_error_rate": 0.05}

# The API's edge (docs/edge.md). Either a public custom domain (TLS 1.2, alias record in the
# zone; clients call output invoke_url):
# domain = {
#   domain_name     = "ai.example.com"
#   certificate_arn = "arn:aws:acm:us-east-1:333333333333:certificate/00000000-0000-0000-0000-000000000000"
#   hosted_zone_id  = "Z0123456789ABCDEFGHIJ"
# }
# disable_execute_api_endpoint = true
#
# or a PRIVATE API that only the VPCs behind these execute-api interface endpoints reach
# (a resource policy that denies every other caller is generated; clients call output
# private_endpoint_urls, or invoke_url inside a VPC whose endpoint has private DNS):
# endpoint_type    = "PRIVATE"
# vpc_endpoint_ids = ["vpce-0123456789abcdef0"]

# --- Route families besides the LLM routes (modules/ai-gateway variables_routes.tf) -------
# Off in prod until each has run in staging; the same inputs as envs/staging:

# SageMaker: an endpoint the data-science account deploys (existing: no `create`), reached
# directly (AWS integration, mapping templates) — mode = "lambda" puts the sagemaker_proxy
# function in between (JSON/CSV normalisation, output parsing).
# sagemaker = {
#   endpoints = {
#     churn = { endpoint_name = "churn-xgboost", content_type = "text/csv" }
#   }
# }

# AI services: direct integrations; the role holds only the enabled services' actions.
# A cheap route may take more than the stage default, an expensive one less.
# ai_services = {
#   services         = { sentiment = true, pii = true, translate = true, labels = false, entities = true }
#   default_language = "en"
#   throttle = {
#     sentiment = { rate_limit = 100, burst_limit = 200 }
#     translate = { rate_limit = 10, burst_limit = 20 }
#   }
# }

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
#     alb_arn             = "arn:aws:elasticloadbalancing:us-east-1:333333333333:loadbalancer/app/tools/0123456789abcdef"
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
