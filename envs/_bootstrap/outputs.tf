output "state_bucket" {
  description = "Remote state bucket of the environment (null for local: its state stays on disk)."
  value       = try(aws_s3_bucket.state[0].id, null)
}

output "kms_key_arn" {
  description = "The environment's KMS key: set it as kms_key_arn in envs/<env>/terraform.tfvars (local: passed by `make apply ENV=local`)."
  value       = module.kms_key.key_arn
}

output "backend_hcl" {
  description = "Content of envs/<env>/backend.hcl (written by `make bootstrap` when missing; null for local)."
  value = local.create_state_bucket ? (<<-EOT
    bucket       = "${aws_s3_bucket.state[0].id}"
    key          = "aigw/${var.environment}/terraform.tfstate"
    region       = "${var.region}"
    encrypt      = true
    use_lockfile = true
    kms_key_id   = "${module.kms_key.key_arn}"
  EOT
  ) : null
}

output "account_cloudwatch_role_arn" {
  description = "API Gateway's account-level CloudWatch Logs role this stack set for the account and region: set it as account_cloudwatch_role_arn in envs/<env>/terraform.tfvars (local: passed by `make apply ENV=local`). Null when manage_account_cloudwatch_role = false."
  value       = module.account_cloudwatch_role.role_arn
}
