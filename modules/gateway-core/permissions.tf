################################################################################
# Lambda permissions: each Lambda-backed route may be invoked by this API only,
# for its own stage, method and path.
################################################################################

locals {
  lambda_routes = {
    for k, r in var.routes : k => r if r.lambda_function_name != null
  }

  # execute-api ARN suffix: <stage>/<METHOD>/<path> with path parameters as wildcards.
  lambda_route_source_paths = {
    for k, r in local.lambda_routes : k => format(
      "%s/%s%s",
      var.stage_name,
      upper(r.method) == "ANY" ? "*" : upper(r.method),
      replace(r.path, "/\\{[A-Za-z0-9_]+\\+?\\}/", "*"),
    )
  }

  create_authorizer_permission = local.create && local.uses_custom_auth && try(var.authorizer.credentials_role_arn, null) == null && var.authorizer != null
}

resource "aws_lambda_permission" "route" {
  for_each = local.create ? local.lambda_routes : {}

  statement_id  = substr(replace("apigw-${var.name}-${each.key}", "/[^A-Za-z0-9_-]/", "_"), 0, 100)
  action        = "lambda:InvokeFunction"
  function_name = each.value.lambda_function_name
  qualifier     = each.value.lambda_qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/${local.lambda_route_source_paths[each.key]}"
}

resource "aws_lambda_permission" "authorizer" {
  count = local.create_authorizer_permission ? 1 : 0

  statement_id  = substr(replace("apigw-${var.name}-authorizer", "/[^A-Za-z0-9_-]/", "_"), 0, 100)
  action        = "lambda:InvokeFunction"
  function_name = var.authorizer.lambda_function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/authorizers/*"
}
