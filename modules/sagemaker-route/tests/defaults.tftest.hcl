mock_provider "aws" {
  source = "../../tests/terraform/mocks/aws"

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/aigw-sm" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/aigw-sm-apigw" }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:123456789012:function:aigw-sm"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:aigw-sm/invocations"
    }
  }
}

variables {
  name = "aigw-sm"
  endpoints = {
    sentiment = { endpoint_name = "Sentiment-HF" }
    churn = {
      endpoint_name  = "churn-xgb"
      content_type   = "text/csv"
      target_variant = "blue"
      path           = "/v1/models/churn/predict"
    }
  }
}

run "direct_mode_defaults" {
  command = apply

  assert {
    condition     = toset(keys(output.routes)) == toset(["sagemaker_sentiment", "sagemaker_churn"])
    error_message = "One route per endpoint, named sagemaker_<key>."
  }

  assert {
    condition = (
      output.routes.sagemaker_sentiment.path == "/v1/sagemaker/sentiment/invocations" &&
      output.routes.sagemaker_churn.path == "/v1/models/churn/predict"
    )
    error_message = "Default path /v1/sagemaker/<key>/invocations; a custom path is kept."
  }

  assert {
    condition = (
      output.routes.sagemaker_sentiment.integration.type == "AWS" &&
      output.routes.sagemaker_sentiment.integration.http_method == "POST" &&
      output.routes.sagemaker_sentiment.integration.uri == "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/Sentiment-HF/invocations" &&
      output.routes.sagemaker_sentiment.integration.credentials == aws_iam_role.apigateway[0].arn &&
      output.routes.sagemaker_sentiment.lambda_function_name == null
    )
    error_message = "Direct routes are AWS integrations to the SageMaker runtime with the module's execution role."
  }

  assert {
    condition     = alltrue([for r in output.routes : r.auth == "CUSTOM" && !r.public])
    error_message = "Routes are authenticated by default."
  }

  assert {
    condition = (
      output.routes.sagemaker_churn.integration.request_parameters["integration.request.header.Content-Type"] == "'text/csv'" &&
      output.routes.sagemaker_churn.integration.request_parameters["integration.request.header.Accept"] == "'text/csv'" &&
      output.routes.sagemaker_churn.integration.request_parameters["integration.request.header.X-Amzn-SageMaker-Target-Variant"] == "'blue'" &&
      output.routes.sagemaker_sentiment.integration.request_parameters["integration.request.header.Content-Type"] == "'application/json'" &&
      !contains(keys(output.routes.sagemaker_sentiment.integration.request_parameters), "integration.request.header.X-Amzn-SageMaker-Target-Variant")
    )
    error_message = "Content-Type, Accept and the target variant are set as integration request headers."
  }

  assert {
    condition = (
      toset(keys(output.routes.sagemaker_churn.integration.request_templates)) == toset(["application/json", "text/csv"]) &&
      toset(keys(output.routes.sagemaker_sentiment.integration.request_templates)) == toset(["application/json"]) &&
      output.routes.sagemaker_churn.integration.passthrough_behavior == "NEVER"
    )
    error_message = "CSV endpoints take JSON instances or CSV; JSON endpoints take JSON; other content types are refused."
  }

  assert {
    condition = (
      jsondecode(output.routes.sagemaker_churn.request_schema).properties.instances.items.items.type == "number" &&
      jsondecode(output.routes.sagemaker_sentiment.request_schema).type == "object"
    )
    error_message = "Request bodies are validated: numeric rows for CSV endpoints, a JSON object otherwise."
  }

  assert {
    condition = alltrue([
      for pattern, resp in output.routes.sagemaker_sentiment.integration.responses :
      pattern == "2\\d{2}" || can(jsondecode(resp.response_templates["application/json"]).error.type)
    ])
    error_message = "Every error response renders an OpenAI-shaped error body."
  }

  assert {
    condition = (
      output.routes.sagemaker_sentiment.integration.responses["424"].status_code == "502" &&
      jsondecode(output.routes.sagemaker_sentiment.integration.responses["424"].response_templates["application/json"]).error.code == "model_error" &&
      output.routes.sagemaker_sentiment.integration.responses["429"].status_code == "429" &&
      output.routes.sagemaker_sentiment.integration.responses["400|415"].status_code == "400" &&
      output.routes.sagemaker_sentiment.integration.responses["default"].status_code == "502" &&
      output.routes.sagemaker_sentiment.integration.responses["2\\d{2}"].status_code == "200"
    )
    error_message = "ModelError (424) -> 502, throttling -> 429, validation -> 400, anything else -> 502."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role.apigateway[0].assume_role_policy).Statement) == 1 &&
      jsondecode(aws_iam_role.apigateway[0].assume_role_policy).Statement[0].Principal == { Service = "apigateway.amazonaws.com" } &&
      jsondecode(aws_iam_role.apigateway[0].assume_role_policy).Statement[0].Action == "sts:AssumeRole" &&
      !can(jsondecode(aws_iam_role.apigateway[0].assume_role_policy).Statement[0].Condition)
    )
    error_message = "Only API Gateway may assume the execution role, with no aws:SourceAccount/aws:SourceArn condition: API Gateway sets neither when it assumes an integration's credentials role, so such a condition makes every call fail."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role_policy.apigateway[0].policy).Statement) == 1 &&
      jsondecode(aws_iam_role_policy.apigateway[0].policy).Statement[0].Action == ["sagemaker:InvokeEndpoint"] &&
      toset(jsondecode(aws_iam_role_policy.apigateway[0].policy).Statement[0].Resource) == toset([
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/sentiment-hf",
        "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-xgb",
      ])
    )
    error_message = "The role may only invoke the named endpoints (lower-cased ARNs)."
  }

  assert {
    condition     = module.kms_key.key_arn == null && module.function.function == null && module.function.role_arn == null && length(aws_sagemaker_endpoint.this) == 0
    error_message = "Direct mode over existing endpoints creates no key, function or endpoint."
  }
}

run "lambda_mode_defaults" {
  command = apply

  variables {
    mode = "lambda"
    package = {
      filename         = "sagemaker_proxy.zip"
      source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    }
  }

  assert {
    condition = (
      module.function.function.runtime == "python3.13" &&
      module.function.function.handler == "sagemaker_proxy.handler.handler" &&
      module.function.function.architectures[0] == "arm64" &&
      coalesce(module.function.function.reserved_concurrent_executions, -1) == -1 &&
      module.function.function.tracing_config[0].mode == "Active" &&
      module.function.function.kms_key_arn == module.kms_key.key_arn &&
      module.function.function.logging_config[0].log_format == "JSON"
    )
    error_message = "Proxy defaults: python3.13 on arm64, no reserved concurrency, X-Ray, KMS environment, JSON logs."
  }

  assert {
    condition     = module.function.log_group.retention_in_days == 365 && module.function.log_group.kms_key_id == module.kms_key.key_arn && endswith(one(one([for s in jsondecode(module.kms_key.key_policy).Statement : s if s.Sid == "CloudWatchLogsForNamedLogGroups"]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]), ":log-group:${module.function.log_group_name}")
    error_message = "The proxy's log group is KMS-encrypted (a key scoped to that log group) with a retention."
  }

  assert {
    condition = (
      jsondecode(module.function.function.environment[0].variables["AIGW_SAGEMAKER_ROUTES"])["/v1/models/churn/predict"].endpoint_name == "churn-xgb" &&
      jsondecode(module.function.function.environment[0].variables["AIGW_SAGEMAKER_ROUTES"])["/v1/models/churn/predict"].content_type == "text/csv" &&
      jsondecode(module.function.function.environment[0].variables["AIGW_SAGEMAKER_ROUTES"])["/v1/models/churn/predict"].target_variant == "blue" &&
      jsondecode(module.function.function.environment[0].variables["AIGW_SAGEMAKER_ROUTES"])["/v1/sagemaker/sentiment/invocations"].name == "sentiment"
    )
    error_message = "The proxy's route table maps each path to its endpoint and formats."
  }

  assert {
    condition = alltrue([
      for r in output.routes : r.integration.type == "AWS_PROXY" && r.lambda_function_name == module.function.function_name && r.integration.uri == module.function.invoke_arn
    ])
    error_message = "Lambda-mode routes are proxy integrations of the proxy function."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.function.role_policy).Statement :
      alltrue([for a in s.Action : a != "*" && !endswith(a, ":*")]) && (!contains(s.Resource, "*") || s.Sid == "WriteTraces")
    ])
    error_message = "No wildcard action; a wildcard resource only for X-Ray."
  }

  assert {
    condition = toset(flatten([for s in jsondecode(module.function.role_policy).Statement : s.Action])) == toset([
      "sagemaker:InvokeEndpoint", "logs:CreateLogStream", "logs:PutLogEvents", "kms:Decrypt",
      "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    ])
    error_message = "The proxy role holds only the actions it uses."
  }

  assert {
    condition     = length(aws_iam_role.apigateway) == 0
    error_message = "Lambda mode needs no API Gateway execution role."
  }
}

run "created_endpoints" {
  command = apply

  variables {
    endpoints = {
      small = {
        create = {
          image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1"
          model_data_url     = "s3://models/small/model.tar.gz"
          execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-exec"
          serverless         = { memory_size_in_mb = 2048, max_concurrency = 5 }
        }
      }
      big = {
        endpoint_name = "big-llm"
        create = {
          image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tgi:2"
          execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-exec"
          instance_type      = "ml.g5.xlarge"
          autoscaling        = { min_capacity = 1, max_capacity = 4 }
        }
      }
      cpu = {
        create = {
          image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1"
          execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-exec"
          instance_type      = "ml.m5.large"
        }
      }
      nvme = {
        create = {
          image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1"
          execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-exec"
          instance_type      = "ml.c5d.xlarge"
        }
      }
    }
  }

  assert {
    condition = (
      aws_sagemaker_endpoint_configuration.this["cpu"].kms_key_arn == module.kms_key.key_arn &&
      aws_sagemaker_endpoint_configuration.this["big"].production_variants[0].instance_type == "ml.g5.xlarge" &&
      aws_sagemaker_endpoint_configuration.this["small"].production_variants[0].serverless_config[0].max_concurrency == 5 &&
      aws_sagemaker_endpoint_configuration.this["small"].kms_key_arn == null
    )
    error_message = "Instance endpoints on EBS-backed types get KMS-encrypted volumes; serverless endpoints get a serverless variant and no key."
  }

  # CreateEndpointConfig fails when KmsKeyId is set for an instance type with local
  # instance storage (SageMaker encrypts those volumes with a hardware module).
  assert {
    condition     = aws_sagemaker_endpoint_configuration.this["big"].kms_key_arn == null && aws_sagemaker_endpoint_configuration.this["nvme"].kms_key_arn == null
    error_message = "Endpoint configurations of instance types with local instance storage (ml.g5, ml.c5d, …) must not set kms_key_arn."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this["big"].name == "big-llm" && aws_sagemaker_endpoint.this["small"].name == "small" && aws_sagemaker_model.this["big"].enable_network_isolation
    error_message = "Endpoints are named after endpoint_name (default: the key); models run network-isolated."
  }

  assert {
    condition = (
      length(aws_appautoscaling_target.this) == 1 &&
      aws_appautoscaling_target.this["big"].resource_id == "endpoint/big-llm/variant/AllTraffic" &&
      aws_appautoscaling_target.this["big"].max_capacity == 4 &&
      aws_appautoscaling_policy.this["big"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "SageMakerVariantInvocationsPerInstance"
    )
    error_message = "Autoscaling tracks invocations per instance on the instance endpoint only."
  }

  assert {
    condition     = output.routes.sagemaker_big.integration.uri == "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/big-llm/invocations"
    error_message = "Routes of created endpoints call them by name."
  }
}

# Which instance types carry local instance storage (and so take no KMS key): SageMaker's
# NVMe families and the `d` variants; EBS-backed types keep the customer-managed key.
run "kms_key_only_on_ebs_backed_instance_types" {
  command = plan

  variables {
    endpoints = {
      for t, local_storage in {
        "ml.g4dn.xlarge"   = true, "ml.g5.2xlarge" = true, "ml.g6.xlarge" = true, "ml.g6e.xlarge" = true,
        "ml.p4d.24xlarge"  = true, "ml.p4de.24xlarge" = true, "ml.p5.48xlarge" = true, "ml.p5en.48xlarge" = true,
        "ml.m5d.large"     = true, "ml.c5d.xlarge" = true, "ml.r5d.large" = true, "ml.m6gd.large" = true,
        "ml.trn1.32xlarge" = true, "ml.trn2.48xlarge" = true,
        "ml.m5.large"      = false, "ml.c5.xlarge" = false, "ml.c6gn.xlarge" = false, "ml.inf2.xlarge" = false,
        "ml.p3.2xlarge"    = false, "ml.t2.medium" = false, "ml.r7i.large" = false, "ml.inf1.xlarge" = false,
        "ml.c7g.large"     = false, "ml.r8g.large" = false,
        } : "${replace(replace(t, "ml.", ""), ".", "-")}-${local_storage ? "nvme" : "ebs"}" => {
        create = {
          image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1"
          execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-exec"
          instance_type      = t
        }
      }
    }
    kms_key_arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    create_kms_key = false
  }

  assert {
    condition = alltrue([
      for k, c in aws_sagemaker_endpoint_configuration.this :
      endswith(k, "-nvme") ? c.kms_key_arn == null : c.kms_key_arn == "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    ])
    error_message = "kms_key_arn must be set exactly on the endpoint configurations of EBS-backed instance types: ${join(", ", [for k, c in aws_sagemaker_endpoint_configuration.this : "${k}=${coalesce(c.kms_key_arn, "null")}"])}."
  }
}

run "disabled_module_creates_nothing" {
  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(output.routes) == 0 && output.apigateway_role_arn == null && output.kms_key_arn == null
    error_message = "create = false must create nothing and emit no routes."
  }
}

run "lambda_mode_needs_the_package" {
  command = plan
  variables {
    mode = "lambda"
  }
  expect_failures = [output.function_arn]
}

run "rejects_unknown_mode" {
  command = plan
  variables {
    mode = "grpc"
  }
  expect_failures = [var.mode]
}

run "rejects_unknown_content_type" {
  command = plan
  variables {
    endpoints = { x = { content_type = "application/xml" } }
  }
  expect_failures = [var.endpoints]
}

run "rejects_invalid_endpoint_names" {
  command = plan
  variables {
    endpoints = { x = { endpoint_name = "bad_name!" } }
  }
  expect_failures = [var.endpoints]
}

run "rejects_serverless_and_instance_together" {
  command = plan
  variables {
    endpoints = {
      x = {
        create = {
          image              = "img"
          execution_role_arn = "arn:aws:iam::123456789012:role/r"
          serverless         = {}
          instance_type      = "ml.m5.large"
        }
      }
    }
  }
  expect_failures = [var.endpoints]
}

run "rejects_autoscaling_on_serverless" {
  command = plan
  variables {
    endpoints = {
      x = {
        create = {
          image              = "img"
          execution_role_arn = "arn:aws:iam::123456789012:role/r"
          serverless         = {}
          autoscaling        = { max_capacity = 2 }
        }
      }
    }
  }
  expect_failures = [var.endpoints]
}

run "rejects_duplicate_paths" {
  command = plan
  variables {
    endpoints = {
      a = { path = "/v1/predict" }
      b = { path = "/v1/predict" }
    }
  }
  expect_failures = [var.endpoints]
}

run "rejects_public_routes" {
  command = plan
  variables {
    route_auth = "NONE"
  }
  expect_failures = [var.route_auth]
}

run "explicit_reserved_concurrency_is_passed_through" {
  command = plan

  variables {
    mode                           = "lambda"
    package                        = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    reserved_concurrent_executions = 5
  }

  assert {
    condition     = module.function.function.reserved_concurrent_executions == 5
    error_message = "A reservation the caller sizes for the account must reach the function."
  }
}

run "rejects_a_zero_reservation" {
  command = plan

  variables {
    reserved_concurrent_executions = 0
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "old_deletion_window_name_still_works_and_warns" {
  command = plan

  variables {
    mode                        = "lambda"
    package                     = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    kms_deletion_window_in_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "The deprecated kms_deletion_window_in_days must still set the created key's deletion window."
  }

  expect_failures = [check.deprecated_inputs]
}

run "new_deletion_window_name" {
  command = plan

  variables {
    mode                         = "lambda"
    package                      = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    kms_key_deletion_window_days = 7
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 7
    error_message = "kms_key_deletion_window_days must set the created key's deletion window."
  }
}

run "deletion_window_defaults_to_30_days" {
  command = plan

  variables {
    mode    = "lambda"
    package = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
  }

  assert {
    condition     = local.kms_key_deletion_window_days == 30
    error_message = "The created key's deletion window defaults to 30 days."
  }
}

run "old_and_new_deletion_window_may_not_disagree" {
  command = plan

  variables {
    mode                         = "lambda"
    package                      = { filename = "dist/sagemaker_proxy.zip", source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" }
    kms_key_deletion_window_days = 7
    kms_deletion_window_in_days  = 30
  }

  expect_failures = [var.kms_deletion_window_in_days]
}
