# Mock data for the hashicorp/aws provider in every module's `terraform test` files:
#   mock_provider "aws" { source = "../../tests/terraform/mocks/aws" }
# One account (123456789012), one region (us-east-1). A test that asserts a different
# value declares that one mock_resource/mock_data block inline: inline blocks win.

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_region" {
  defaults = { id = "us-east-1", name = "us-east-1" }
}

mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock" }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = { arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:mock" }
}

mock_resource "aws_cloudwatch_dashboard" {
  defaults = { dashboard_arn = "arn:aws:cloudwatch::123456789012:dashboard/mock" }
}

mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:us-east-1:123456789012:mock" }
}

mock_resource "aws_dynamodb_table" {
  defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/mock" }
}

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock"
    version    = "1"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock/invocations"
  }
}

mock_resource "aws_lambda_alias" {
  defaults = {
    arn        = "arn:aws:lambda:us-east-1:123456789012:function:mock:live"
    invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:mock:live/invocations"
  }
}

mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id            = "abc123"
    execution_arn = "arn:aws:execute-api:us-east-1:123456789012:abc123"
  }
}

mock_resource "aws_api_gateway_stage" {
  defaults = { arn = "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/v1" }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/aigw-test/11111111-2222-3333-4444-555555555555" }
}

mock_resource "aws_wafv2_ip_set" {
  defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/ipset/aigw-test/11111111-2222-3333-4444-555555555555" }
}

mock_resource "aws_lb" {
  defaults = {
    arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/aigw-test/0123456789abcdef"
    dns_name = "aigw-test-0123456789abcdef.elb.us-east-1.amazonaws.com"
    zone_id  = "Z26RNL4JYFTOTI"
  }
}

mock_resource "aws_lb_target_group" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/aigw-test-models/0123456789abcdef" }
}

mock_resource "aws_lb_listener" {
  defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/aigw-test/0123456789abcdef/0123456789abcdef" }
}

mock_resource "aws_api_gateway_vpc_link" {
  defaults = {
    id  = "v1link"
    arn = "arn:aws:apigateway:us-east-1::/vpclinks/v1link"
  }
}

mock_resource "aws_apigatewayv2_vpc_link" {
  defaults = { id = "v2link" }
}

mock_resource "aws_sagemaker_endpoint" {
  defaults = { arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/created" }
}

mock_resource "aws_sagemaker_endpoint_configuration" {
  defaults = { arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/created" }
}

mock_resource "aws_sagemaker_model" {
  defaults = { arn = "arn:aws:sagemaker:us-east-1:123456789012:model/created" }
}
