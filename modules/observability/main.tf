data "aws_caller_identity" "current" {
  count = var.create ? 1 : 0
}

data "aws_partition" "current" {
  count = var.create ? 1 : 0
}

data "aws_region" "current" {
  count = var.create ? 1 : 0
}

locals {
  account_id = try(data.aws_caller_identity.current[0].account_id, "")
  partition  = try(data.aws_partition.current[0].partition, "aws")
  region     = try(data.aws_region.current[0].name, "")

  api_dimensions = {
    ApiName = var.rest_api_name
    Stage   = var.stage_name
  }

  # Gated by booleans, never by whether a name is null: names may be unknown at plan.
  watch_waf        = var.watch_waf
  watch_access_log = var.watch_access_log

  waf_dimensions = {
    WebACL = coalesce(var.web_acl_name, "-")
    Region = local.region
    Rule   = "ALL"
  }

  access_log_metric_namespace = coalesce(var.access_log_metric_namespace, "${local.metrics_namespace}/${var.name}")
}

# HTTP 429 answers in the access log: usage-plan throttling and quota rejections
# (API Gateway has no per-stage metric for them).
resource "aws_cloudwatch_log_metric_filter" "throttled" {
  count = var.create && local.watch_access_log ? 1 : 0

  name           = "${var.name}-throttled-requests"
  log_group_name = var.access_log_group_name
  pattern        = "{ ($.${var.access_log_status_field} = 429) || ($.${var.access_log_status_field} = \"429\") }"

  metric_transformation {
    name          = "ThrottledRequests"
    namespace     = local.access_log_metric_namespace
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }

  lifecycle {
    precondition {
      condition     = var.access_log_group_name != null
      error_message = "watch_access_log = true needs access_log_group_name (gateway-core output access_log_group_name); set watch_access_log = false for a stage without access logs."
    }
  }
}
