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
  autoscaled_endpoints  = { for k, e in local.provisioned_endpoints : k => e if e.create.autoscaling != null }

  # SageMaker lower-cases names in ARNs.
  endpoint_arns = distinct([
    for k, e in local.endpoints : "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint/${lower(e.endpoint_name)}"
  ])

  log_group_name = "/aws/lambda/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
}
