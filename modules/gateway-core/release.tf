# Canary releases on the stage (ADR 0032, ADR 0140).
#
# A deployment is keyed by its triggers: the sha1 of the rendered document and of the
# resource policy, written "<document sha1>.<policy sha1>" (output deployment_key).
# Pinning a base (canary.base_deployment_key) keeps aws_api_gateway_deployment.this at the
# base's triggers, so Terraform neither replaces it nor deletes it while the stage serves
# it (API Gateway refuses to delete a deployment a stage points at: "Active stages pointing
# to this deployment must be moved or deleted"). The newly rendered document gets a
# deployment of its own, aws_api_gateway_deployment.canary, which the canary serves.

locals {
  current_deployment_triggers = {
    redeployment = sha1(local.openapi_document)
    policy       = sha1(coalesce(local.rest_api_policy, "none"))
  }

  base_deployment_key = try(var.canary.base_deployment_key, null)
  rolled_back         = try(var.canary.rolled_back, false)

  stage_deployment_triggers = local.base_deployment_key == null ? local.current_deployment_triggers : {
    redeployment = split(".", local.base_deployment_key)[0]
    policy       = split(".", local.base_deployment_key)[1]
  }

  # Known at plan time (inputs only): the canary's deployment exists while a pinned base
  # is being tried, and goes once the release is promoted (pin removed) or rolled back.
  canary_deployment = local.base_deployment_key != null && !local.rolled_back

  # Deprecated: a deployment id outside this module's control keeps the stage.
  stage_deployment_id = (
    try(var.canary.base_deployment_id, null) != null ? var.canary.base_deployment_id :
    try(aws_api_gateway_deployment.this[0].id, null)
  )
  canary_deployment_id = local.canary_deployment ? try(aws_api_gateway_deployment.canary[0].id, null) : try(aws_api_gateway_deployment.this[0].id, null)
  canary_settings      = var.canary != null && !local.rolled_back ? [var.canary] : []
}

resource "aws_api_gateway_deployment" "canary" {
  count = local.create && local.canary_deployment ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  description = "Canary deployment of ${var.name} (document sha1 ${local.current_deployment_triggers.redeployment})"
  triggers    = local.current_deployment_triggers

  lifecycle {
    # Also ordering: when the canary ends, the stage stops pointing at this deployment
    # before Terraform deletes it.
    create_before_destroy = true
  }
}

check "canary_base_deployment_id_deprecated" {
  assert {
    condition     = try(var.canary.base_deployment_id, null) == null
    error_message = "canary.base_deployment_id is deprecated: use canary.base_deployment_key (output deployment_key); removed in 0.3.0. Pinning this module's own deployment by id makes the next apply delete the deployment the stage still serves, which API Gateway refuses."
  }
}
