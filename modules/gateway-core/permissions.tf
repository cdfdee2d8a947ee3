################################################################################
# Lambda permissions: one statement per invoked function (and qualifier), scoped to
# this API and stage, whatever the number of routes (ADR 0037). A function's
# resource-based policy holds at most 20 KB, about 60 statements: one per route
# stopped deploying once prompt templates multiplied the routes.
################################################################################

locals {
  lambda_routes = {
    for k, r in var.routes : k => r if r.lambda_function_name != null
  }

  # function[:qualifier] -> what the permission grants; the names are configuration values,
  # known at plan time.
  lambda_invoke_targets = {
    for k, r in local.lambda_routes :
    (r.lambda_qualifier == null ? r.lambda_function_name : "${r.lambda_function_name}:${r.lambda_qualifier}") => {
      function_name = r.lambda_function_name
      qualifier     = r.lambda_qualifier
    }...
  }

  # execute-api ARN suffix <stage>/<METHOD>/<path>: any method and path of this stage.
  lambda_source_arn_suffix = "${var.stage_name}/*/*"

  create_authorizer_permission = local.create && local.uses_custom_auth && try(var.authorizer.credentials_role_arn, null) == null && var.authorizer != null
}

resource "aws_lambda_permission" "function" {
  for_each = local.create ? { for k, v in local.lambda_invoke_targets : k => v[0] } : {}

  statement_id  = substr(replace("apigw-${var.name}-${var.stage_name}", "/[^A-Za-z0-9_-]/", "_"), 0, 100)
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/${local.lambda_source_arn_suffix}"
}

resource "aws_lambda_permission" "authorizer" {
  count = local.create_authorizer_permission ? 1 : 0

  statement_id  = substr(replace("apigw-${var.name}-authorizer", "/[^A-Za-z0-9_-]/", "_"), 0, 100)
  action        = "lambda:InvokeFunction"
  function_name = var.authorizer.lambda_function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/authorizers/*"
}
