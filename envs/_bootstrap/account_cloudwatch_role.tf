# API Gateway's account-level CloudWatch Logs role, for this account and region. A REST
# API stage accepts access logging and execution logging only when this setting names a
# role API Gateway can assume; in a fresh account or region the first stage update fails
# ("CloudWatch Logs role ARN must be set in account settings to enable logging"). The
# setting is one per account and region, so exactly one stack should own it: the
# bootstrap of the first environment in each account and region, unless another stack
# already does (manage_account_cloudwatch_role = false, ADR 0092).

module "account_cloudwatch_role" {
  source = "../../modules/gateway-core/modules/account-cloudwatch-role"

  create = var.manage_account_cloudwatch_role
  # IAM names are account-wide and the setting is per region: one role per region.
  role_name = "aigw-${var.environment}-apigateway-logs-${var.region}"
}
