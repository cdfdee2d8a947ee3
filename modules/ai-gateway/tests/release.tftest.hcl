# Release settings (variables_release.tf, release.tf) reach gateway-core and llm-route;
# bad values fail at plan time with the input's name.

mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:aigw-test-alarms" }
  }

  mock_resource "aws_cloudwatch_dashboard" {
    defaults = { dashboard_arn = "arn:aws:cloudwatch::123456789012:dashboard/aigw-test" }
  }
}

# Not about the web ACL: module.waf is replaced by its two outputs the composition reads.
# The web ACL's plan is more than half of each run's CPU time; the WAF composition is
# tested in waf.tftest.hcl and by the example and envs/local applies (docs/testing.md).
override_module {
  target = module.waf
  outputs = {
    web_acl_arn  = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw-test/a1b2c3d4-5678-90ab-cdef-111122223333"
    web_acl_name = "aigw-test"
  }
}

variables {
  name = "aigw-test"
  packages = {
    llm_gateway = { filename = "llm_gateway.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    authorizer  = { filename = "authorizer.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }
  llm = {
    providers                      = { bedrock = { type = "bedrock" } }
    models                         = { claude = { targets = [{ provider = "bedrock", model = "anthropic.claude-3-haiku-20240307-v1:0" }] } }
    parameters_extension_layer_arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
    prompt_templates = {
      triage = { model = "claude", messages = [{ role = "user", content = "Triage: {{ ticket }}" }] }
    }
  }
  account_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/aigw-prod-apigateway-logs-us-east-1"
}


run "steady_state_has_no_canary_and_no_release_alarms" {
  command = plan

  assert {
    condition     = module.gateway.canary_deployment_id == null && length(aws_cloudwatch_metric_alarm.canary_stage) == 0
    error_message = "Without var.release there is no canary and the canary alarms stay off (opt-in)."
  }
}

run "stage_and_llm_canary_with_alarms" {
  command = apply

  variables {
    release = {
      stage_canary = { percent_traffic = 10, base_deployment_key = "${sha1("doc")}.${sha1("none")}" }
      llm_canary   = { stable_version = "3", weight = 0.2 }
      alarms       = { enabled = true, p99_latency_ms = 8000 }
    }
  }

  assert {
    condition     = module.gateway.deployment_key == "${sha1("doc")}.${sha1("none")}" && module.gateway.canary_deployment_id != null
    error_message = "The stage canary pins the base and gets a deployment of its own."
  }

  assert {
    condition     = local.llm_canary[0].weight == 0.2 && local.llm_canary[0].stable_version == "3" && !local.gateway_canary[0].rolled_back && local.gateway_canary[0].percent_traffic == 10
    error_message = "The LLM canary reaches llm-route and the stage canary gateway-core as given."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.canary_stage["5xx-rate"].dimensions.Stage == "${module.gateway.stage_name}/Canary" && aws_cloudwatch_metric_alarm.canary_stage["5xx-rate"].statistic == "Average" && aws_cloudwatch_metric_alarm.canary_stage["p99-latency"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.canary_stage["p99-latency"].threshold == 8000
    error_message = "The canary alarms watch the stage's canary metrics (<stage>/Canary)."
  }

  assert {
    condition     = length(output.release.alarm_names) == 3 && output.release.deployment_key == module.gateway.deployment_key
    error_message = "output release names the alarms aigw release watch polls and the deployment key it pins."
  }
}

run "rolled_back_pins_stage_and_alias" {
  command = apply

  variables {
    release = {
      stage_canary = { percent_traffic = 10, base_deployment_key = "${sha1("doc")}.${sha1("none")}" }
      llm_canary   = { stable_version = "3", weight = 0.2 }
      rolled_back  = true
    }
  }

  assert {
    condition     = module.gateway.canary_deployment_id == null && module.gateway.deployment_key == "${sha1("doc")}.${sha1("none")}"
    error_message = "Rolled back: the stage stays on the base, no canary deployment."
  }

  assert {
    condition     = local.llm_canary[0].weight == 0 && local.llm_canary[0].stable_version == "3" && local.gateway_canary[0].rolled_back
    error_message = "Rolled back: llm-route gets weight 0 (the alias on stable_version, no routing) and gateway-core rolled_back."
  }
}

run "rejects_percent_over_100" {
  command = plan
  variables {
    release = { stage_canary = { percent_traffic = 150 } }
  }
  expect_failures = [var.release]
}

run "rejects_llm_weight_of_one" {
  command = plan
  variables {
    release = { llm_canary = { stable_version = "3", weight = 1 } }
  }
  expect_failures = [var.release]
}

run "rejects_rolled_back_without_a_canary" {
  command = plan
  variables {
    release = { rolled_back = true }
  }
  expect_failures = [var.release]
}

run "rejects_alarm_rate_as_percent" {
  command = plan
  variables {
    release = { alarms = { enabled = true, error_rate_5xx = 5 } }
  }
  expect_failures = [var.release]
}

run "rejects_odd_alarm_period" {
  command = plan
  variables {
    release = { alarms = { enabled = true, period_seconds = 45 } }
  }
  expect_failures = [var.release]
}
