data "aws_partition" "current" {
  count = var.create ? 1 : 0
}

data "aws_region" "current" {
  count = var.create ? 1 : 0
}

data "aws_caller_identity" "current" {
  count = var.create ? 1 : 0
}

locals {
  partition  = try(data.aws_partition.current[0].partition, "aws")
  region     = try(data.aws_region.current[0].id, "")
  account_id = try(data.aws_caller_identity.current[0].account_id, "")

  direct = var.create && var.mode == "direct"
  lambda = var.create && var.mode == "lambda"

  # One normalised entry per route (key = route name).
  endpoints = {
    for k, e in var.endpoints : k => merge(e, {
      endpoint_name = coalesce(e.endpoint_name, k)
      path          = coalesce(e.path, "/v1/sagemaker/${k}/invocations")
      accept        = coalesce(e.accept, e.content_type)
    })
  }

  created_endpoints     = var.create ? { for k, e in local.endpoints : k => e if e.create != null } : {}
  provisioned_endpoints = { for k, e in local.created_endpoints : k => e if e.create.instance_type != null }

  # Instance types with local (NVMe) instance storage: SageMaker encrypts those volumes with
  # a hardware module on the instance, and CreateEndpointConfig fails when KmsKeyId is set
  # for them (SageMaker API reference, CreateEndpointConfig.KmsKeyId). They are the `d`
  # variants (ml.m5d, ml.c5d, ml.r5d, ml.m6gd, ml.c6gd, ml.r6gd, ml.g4dn, ml.p4d, ml.p4de)
  # and these families, whose every size carries instance store. The same list is
  # policies/sagemaker.py's (CKV_AIGW_18); a unit test keeps the two equal.
  instance_storage_families = ["dl1", "g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"]
  local_storage_endpoints = toset([
    for k, e in local.provisioned_endpoints : k
    if contains(local.instance_storage_families, split(".", e.create.instance_type)[1]) || can(regex("^[a-z]+[0-9]+[a-z]*d[a-z]*$", split(".", e.create.instance_type)[1]))
  ])
  # Created instance endpoints whose EBS volume takes the customer-managed key.
  kms_volume_endpoints = toset([for k in keys(local.provisioned_endpoints) : k if !contains(local.local_storage_endpoints, k)])
  autoscaled_endpoints = { for k, e in local.provisioned_endpoints : k => e if e.create.autoscaling != null }

  # SageMaker lower-cases names in ARNs.
  endpoint_arns = distinct([
    for k, e in local.endpoints : "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint/${lower(e.endpoint_name)}"
  ])

  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
}
