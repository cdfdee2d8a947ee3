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
# }
