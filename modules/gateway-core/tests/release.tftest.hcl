# Canary releases on a pinned base (release.tf, ADR 0140): the stage's deployment keeps the
# base's triggers, so a new document never replaces (deletes) the deployment the stage
# still serves; the canary gets a deployment of its own.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"
}

variables {
  name        = "aigw-release"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  routes = {
    models = {
      path        = "/v1/models"
      method      = "GET"
      auth        = "AWS_IAM"
      integration = { type = "HTTP_PROXY", uri = "https://backend.example/v1/models" }
    }
  }
}

run "steady_state_serves_the_current_document" {
  command = apply

  assert {
    condition     = output.deployment_key == "${sha1(output.openapi_document)}.${sha1("none")}"
    error_message = "deployment_key must be \"<document sha1>.<policy sha1>\" of the deployment the stage serves."
  }

  assert {
    condition     = length(aws_api_gateway_deployment.canary) == 0 && output.canary_deployment_id == null
    error_message = "Without a canary there is no canary deployment."
  }
}

# A new document (the route moved) released as a 10 % canary on the pinned base.
run "canary_on_a_pinned_base_keeps_the_base_deployment" {
  command = apply

  variables {
    routes = { models = merge(var.routes.models, { path = "/v1/catalogue" }) }
    canary = {
      percent_traffic          = 10
      stage_variable_overrides = { lambdaAlias = "live" }
      base_deployment_key      = run.steady_state_serves_the_current_document.deployment_key
    }
  }

  assert {
    condition     = "${aws_api_gateway_deployment.this[0].triggers.redeployment}.${aws_api_gateway_deployment.this[0].triggers.policy}" == run.steady_state_serves_the_current_document.deployment_key
    error_message = "The stage's deployment must keep the base's triggers (a changed trigger replaces, i.e. deletes, the deployment the stage serves)."
  }

  assert {
    condition     = output.deployment_key == run.steady_state_serves_the_current_document.deployment_key
    error_message = "While the canary runs, deployment_key still names the base."
  }

  assert {
    condition     = aws_api_gateway_deployment.canary[0].triggers.redeployment == sha1(output.openapi_document) && strcontains(output.openapi_document, "/v1/catalogue")
    error_message = "The canary's deployment must snapshot the newly rendered document."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].deployment_id == aws_api_gateway_deployment.this[0].id
    error_message = "The stage must keep serving the base deployment."
  }

  assert {
    condition     = aws_api_gateway_stage.this[0].canary_settings[0].deployment_id == aws_api_gateway_deployment.canary[0].id && aws_api_gateway_stage.this[0].canary_settings[0].percent_traffic == 10
    error_message = "The canary must serve the new deployment at the given percentage."
  }
}

run "rolled_back_keeps_the_base_without_a_canary" {
  command = apply

  variables {
    routes = { models = merge(var.routes.models, { path = "/v1/catalogue" }) }
    canary = {
      percent_traffic     = 10
      base_deployment_key = run.steady_state_serves_the_current_document.deployment_key
      rolled_back         = true
    }
  }

  assert {
    condition     = length(aws_api_gateway_stage.this[0].canary_settings) == 0 && length(aws_api_gateway_deployment.canary) == 0
    error_message = "A rolled-back release has no canary settings and no canary deployment."
  }

  assert {
    condition     = output.deployment_key == run.steady_state_serves_the_current_document.deployment_key && aws_api_gateway_stage.this[0].deployment_id == aws_api_gateway_deployment.this[0].id
    error_message = "A rolled-back release keeps the stage on the pinned base."
  }
}

run "promoted_serves_the_new_document" {
  command = apply

  variables {
    routes = { models = merge(var.routes.models, { path = "/v1/catalogue" }) }
  }

  assert {
    condition     = aws_api_gateway_deployment.this[0].triggers.redeployment == sha1(output.openapi_document) && output.deployment_key != run.steady_state_serves_the_current_document.deployment_key
    error_message = "Without the pin the stage's deployment follows the current document."
  }

  assert {
    condition     = length(aws_api_gateway_stage.this[0].canary_settings) == 0 && length(aws_api_gateway_deployment.canary) == 0
    error_message = "A promoted release has no canary."
  }
}

run "base_deployment_key_must_be_a_deployment_key" {
  command = plan

  variables {
    canary = { percent_traffic = 10, base_deployment_key = "abc123" }
  }

  expect_failures = [var.canary]
}

run "rolled_back_needs_a_base" {
  command = plan

  variables {
    canary = { percent_traffic = 10, rolled_back = true }
  }

  expect_failures = [var.canary]
}

run "base_key_and_deprecated_id_are_exclusive" {
  command = plan

  variables {
    canary = {
      percent_traffic     = 10
      base_deployment_key = "${sha1("a")}.${sha1("b")}"
      base_deployment_id  = "dep123"
    }
  }

  expect_failures = [var.canary]
}

run "percent_traffic_over_100" {
  command = plan

  variables {
    canary = { percent_traffic = 101 }
  }

  expect_failures = [var.canary]
}
