locals {
  manifest = jsondecode(file(var.manifest_path))
  packages = {
    for name in ["llm_gateway", "authorizer"] : name => {
      filename         = "${dirname(var.manifest_path)}/${local.manifest.packages[name].filename}"
      source_code_hash = local.manifest.packages[name].sha256_base64
      # `make build ARCH=…` records it; the functions must run on it.
      architecture = local.manifest.packages[name].architecture
    }
  }
}

module "gateway" {
  source = "../../modules/ai-gateway"

  name        = var.name
  stage_name  = var.environment
  packages    = local.packages
  kms_key_arn = var.kms_key_arn
  # Provider secrets are created under the environment's key.
  secrets_kms_key_arns = compact([var.kms_key_arn])
  # API Gateway's account-level CloudWatch Logs role, set by the bootstrap stack (ADR 0092).
  account_cloudwatch_role_arn = var.account_cloudwatch_role_arn
  log_retention_days          = var.log_retention_days
  jwt_issuers                 = var.jwt_issuers
  tiers                       = var.tiers
  waf                         = var.waf
  llm                         = var.llm
  observability               = var.observability
}
