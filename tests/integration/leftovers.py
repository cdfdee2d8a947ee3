"""What a destroyed Terraform state left behind in the sandbox, asked of the AWS APIs.

Each top-level resource type the project creates has an existence check; resources that
live inside another one (a stage inside its REST API, a role policy inside its role,
bucket settings inside the bucket) are gone when their parent is. A type with no check
fails loudly, so a new resource type cannot slip past the suite unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

Check = Callable[[Any, dict], bool]


def _exists(call: Callable[[], Any], gone_codes: tuple[str, ...] = ()) -> bool:
    try:
        call()
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in gone_codes or "NotFound" in code or "Nonexistent" in code or status == 404:
            return False
        raise
    return True


def _kms_key(c: Any, a: dict) -> bool:
    try:
        state = c.describe_key(KeyId=a["key_id"])["KeyMetadata"]["KeyState"]
    except ClientError:
        return False
    return state != "PendingDeletion"


def _log_group(c: Any, a: dict) -> bool:
    groups = c.describe_log_groups(logGroupNamePrefix=a["name"])["logGroups"]
    return any(g["logGroupName"] == a["name"] for g in groups)


def _kms_alias(c: Any, a: dict) -> bool:
    return any(x["AliasName"] == a["name"] for x in c.list_aliases()["Aliases"])


def _wafv2(kind: str) -> Check:
    def check(c: Any, a: dict) -> bool:
        getter = c.get_web_acl if kind == "acl" else c.get_ip_set
        return _exists(lambda: getter(Name=a["name"], Scope=a["scope"], Id=a["id"]))

    return check


CHECKS: dict[str, tuple[str, Check]] = {
    "aws_kms_key": ("kms", _kms_key),
    "aws_kms_alias": ("kms", _kms_alias),
    "aws_iam_role": ("iam", lambda c, a: _exists(lambda: c.get_role(RoleName=a["name"]))),
    "aws_cloudwatch_log_group": ("logs", _log_group),
    "aws_lambda_function": (
        "lambda",
        lambda c, a: _exists(lambda: c.get_function(FunctionName=a["function_name"])),
    ),
    "aws_dynamodb_table": (
        "dynamodb",
        lambda c, a: _exists(lambda: c.describe_table(TableName=a["name"])),
    ),
    "aws_ssm_parameter": (
        "ssm",
        lambda c, a: _exists(lambda: c.get_parameter(Name=a["name"]), ("ParameterNotFound",)),
    ),
    "aws_sns_topic": (
        "sns",
        lambda c, a: _exists(lambda: c.get_topic_attributes(TopicArn=a["arn"])),
    ),
    "aws_cloudwatch_metric_alarm": (
        "cloudwatch",
        lambda c, a: bool(c.describe_alarms(AlarmNames=[a["alarm_name"]])["MetricAlarms"]),
    ),
    "aws_cloudwatch_dashboard": (
        "cloudwatch",
        lambda c, a: _exists(lambda: c.get_dashboard(DashboardName=a["dashboard_name"])),
    ),
    "aws_cloudwatch_log_metric_filter": (
        "logs",
        lambda c, a: (
            bool(c.describe_metric_filters(filterNamePrefix=a["name"])["metricFilters"])
            if _log_group(c, {"name": a["log_group_name"]})
            else False
        ),
    ),
    "aws_wafv2_web_acl": ("wafv2", _wafv2("acl")),
    "aws_wafv2_ip_set": ("wafv2", _wafv2("ip_set")),
    "aws_api_gateway_rest_api": (
        "apigateway",
        lambda c, a: _exists(lambda: c.get_rest_api(restApiId=a["id"])),
    ),
    "aws_api_gateway_usage_plan": (
        "apigateway",
        lambda c, a: _exists(lambda: c.get_usage_plan(usagePlanId=a["id"])),
    ),
    "aws_api_gateway_vpc_link": (
        "apigateway",
        lambda c, a: _exists(lambda: c.get_vpc_link(vpcLinkId=a["id"])),
    ),
    "aws_apigatewayv2_vpc_link": (
        "apigatewayv2",
        lambda c, a: _exists(lambda: c.get_vpc_link(VpcLinkId=a["id"])),
    ),
    "aws_api_gateway_domain_name": (
        "apigateway",
        lambda c, a: _exists(lambda: c.get_domain_name(domainName=a["domain_name"])),
    ),
    "aws_route53_zone": (
        "route53",
        lambda c, a: _exists(lambda: c.get_hosted_zone(Id=a["zone_id"]), ("NoSuchHostedZone",)),
    ),
    "aws_secretsmanager_secret": (
        "secretsmanager",
        lambda c, a: (
            _exists(lambda: c.describe_secret(SecretId=a["arn"]))
            and "DeletedDate" not in c.describe_secret(SecretId=a["arn"])
        ),
    ),
    "aws_s3_bucket": ("s3", lambda c, a: _exists(lambda: c.head_bucket(Bucket=a["bucket"]))),
    "aws_lb": (
        "elbv2",
        lambda c, a: _exists(lambda: c.describe_load_balancers(LoadBalancerArns=[a["arn"]])),
    ),
    "aws_lb_target_group": (
        "elbv2",
        lambda c, a: _exists(lambda: c.describe_target_groups(TargetGroupArns=[a["arn"]])),
    ),
    "aws_vpc": (
        "ec2",
        lambda c, a: bool(
            c.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [a["id"]]}])["Vpcs"]
        ),
    ),
    "aws_subnet": (
        "ec2",
        lambda c, a: bool(
            c.describe_subnets(Filters=[{"Name": "subnet-id", "Values": [a["id"]]}])["Subnets"]
        ),
    ),
    "aws_security_group": (
        "ec2",
        lambda c, a: bool(
            c.describe_security_groups(Filters=[{"Name": "group-id", "Values": [a["id"]]}])[
                "SecurityGroups"
            ]
        ),
    ),
    "aws_sagemaker_model": (
        "sagemaker",
        lambda c, a: _exists(
            lambda: c.describe_model(ModelName=a["name"]), ("ValidationException",)
        ),
    ),
    "aws_sagemaker_endpoint_configuration": (
        "sagemaker",
        lambda c, a: _exists(
            lambda: c.describe_endpoint_config(EndpointConfigName=a["name"]),
            ("ValidationException",),
        ),
    ),
    "aws_sagemaker_endpoint": (
        "sagemaker",
        lambda c, a: _exists(
            lambda: c.describe_endpoint(EndpointName=a["name"]), ("ValidationException",)
        ),
    ),
}

# Resources that exist only inside a parent above: gone when it is.
CONTAINED = {
    "aws_iam_role_policy": "aws_iam_role",
    "aws_lambda_permission": "aws_lambda_function",
    "aws_lambda_alias": "aws_lambda_function",
    "aws_lambda_provisioned_concurrency_config": "aws_lambda_function",
    "aws_api_gateway_deployment": "aws_api_gateway_rest_api",
    "aws_api_gateway_stage": "aws_api_gateway_rest_api",
    "aws_api_gateway_method_settings": "aws_api_gateway_rest_api",
    "aws_api_gateway_base_path_mapping": "aws_api_gateway_domain_name",
    "aws_route53_record": "aws_route53_zone",
    "aws_wafv2_web_acl_association": "aws_wafv2_web_acl",
    "aws_wafv2_web_acl_logging_configuration": "aws_wafv2_web_acl",
    "aws_sns_topic_policy": "aws_sns_topic",
    "aws_sns_topic_subscription": "aws_sns_topic",
    "aws_lb_listener": "aws_lb",
    "aws_lb_target_group_attachment": "aws_lb_target_group",
    "aws_default_security_group": "aws_vpc",
    "aws_s3_bucket_versioning": "aws_s3_bucket",
    "aws_s3_bucket_server_side_encryption_configuration": "aws_s3_bucket",
    "aws_s3_bucket_public_access_block": "aws_s3_bucket",
    "aws_s3_bucket_policy": "aws_s3_bucket",
    "aws_s3_bucket_ownership_controls": "aws_s3_bucket",
    "aws_s3_bucket_lifecycle_configuration": "aws_s3_bucket",
    "aws_s3_bucket_logging": "aws_s3_bucket",
    "aws_appautoscaling_target": "aws_sagemaker_endpoint",
    "aws_appautoscaling_policy": "aws_sagemaker_endpoint",
    # A per-region account setting, not a resource: it cannot be deleted, only overwritten.
    # What the stack owns is the role the setting names, which is checked.
    "aws_api_gateway_account": "aws_iam_role",
}


# Resources that live only in the Terraform state (no remote object to leave behind).
STATE_ONLY = frozenset({"terraform_data"})


def _client_factory(endpoint: str | None, region: str, profile: str | None) -> Callable[[str], Any]:
    if endpoint:  # the moto sandbox
        return lambda service: boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
    session = boto3.Session(profile_name=profile, region_name=region)  # a real account
    return session.client


def leftovers(
    state: dict, endpoint: str | None, region: str = "us-east-1", *, profile: str | None = None
) -> list[str]:
    """Addresses of the state's managed resources that still exist in the sandbox.

    ``endpoint`` is the moto server; ``None`` asks a real account (``profile``/``region``).
    """
    make_client = _client_factory(endpoint, region, profile)
    clients: dict[str, Any] = {}
    found: list[str] = []
    for res in state.get("resources", []):
        if res.get("mode") != "managed":
            continue
        kind = res["type"]
        if kind in CONTAINED or kind in STATE_ONLY:
            continue
        if kind not in CHECKS:
            raise AssertionError(
                f"no existence check for {kind}: add one to tests/integration/leftovers.py"
            )
        service, check = CHECKS[kind]
        if service not in clients:
            clients[service] = make_client(service)
        for inst in res.get("instances", []):
            if check(clients[service], inst["attributes"]):
                prefix = f"{res['module']}." if res.get("module") else ""
                found.append(f"{prefix}{kind}.{res['name']}")
    return found
