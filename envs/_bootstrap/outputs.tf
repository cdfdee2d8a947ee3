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
