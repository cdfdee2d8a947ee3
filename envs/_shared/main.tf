# The Lambda packages of this build (dist/manifest.json, written by `make build`).
module "packages" {
  source = "../../modules/ai-gateway/modules/packages"

  manifest_path = var.manifest_path
}

module "gateway" {
  source = "../../modules/ai-gateway"

  name        = var.name
  stage_name  = var.environment
  packages    = module.packages.packages
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
  stage_cache                 = var.stage_cache
  uploads                     = var.uploads
  release                     = var.release
  # The API's edge: endpoint type, VPC endpoints, resource policy, custom domain.
  endpoint_type                = var.endpoint_type
  vpc_endpoint_ids             = var.vpc_endpoint_ids
  resource_policy              = var.resource_policy
  disable_execute_api_endpoint = var.disable_execute_api_endpoint
  domain                       = var.domain
  # Every other passed-through input (variables_gateway.tf, generated from the module).
  deletion_protection_enabled   = var.deletion_protection_enabled
  authorizer_result_ttl_seconds = var.authorizer_result_ttl_seconds
  default_throttle              = var.default_throttle
  logging_level                 = var.logging_level
  sagemaker                     = var.sagemaker
  ai_services                   = var.ai_services
  private_backends              = var.private_backends
  http_backends                 = var.http_backends
  extra_routes                  = var.extra_routes
}
