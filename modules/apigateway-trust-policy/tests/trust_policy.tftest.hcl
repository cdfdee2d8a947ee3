run "api_gateway_alone_without_conditions" {
  command = plan

  assert {
    condition = jsondecode(output.json) == {
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Principal = { Service = "apigateway.amazonaws.com" }, Action = "sts:AssumeRole" }]
    }
    error_message = "One statement: API Gateway may assume the role, with no condition key (API Gateway sets none)."
  }
}

run "a_sid_names_the_statement" {
  command = plan

  variables {
    sid = "ApiGatewayPushesLogs"
  }

  assert {
    condition     = jsondecode(output.json).Statement[0].Sid == "ApiGatewayPushesLogs" && jsondecode(output.json).Statement[0].Principal == { Service = "apigateway.amazonaws.com" }
    error_message = "The Sid is the caller's; the rest of the statement stays the same."
  }
}

run "rejects_a_sid_iam_refuses" {
  command = plan

  variables {
    sid = "api-gateway"
  }

  expect_failures = [var.sid]
}
