"""The reviewer checks of the integration suite fail on what a reviewer would reject.

Each rule is fed a tiny good input (no problems) and deliberately wrong ones (the problem
named); the driver is run once against resources made wrong on purpose in the moto sandbox,
and the HTTP probe against a fake stage on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import threading
import uuid
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from checks import (
    Report,
    action_for_uri,
    alarm_problems,
    api_path_problems,
    bucket_problems,
    http_call,
    lambda_problems,
    load_balancer_problems,
    log_group_problems,
    openai_error_problems,
    policy_problems,
    review,
    sagemaker_invoke_problems,
    service_role_problems,
    stage_http_checks,
    stage_problems,
    table_problems,
    topic_problems,
    unauthenticated_probe,
    usage_plan_problems,
    used_actions,
    vpc_link_problems,
    web_acl_problems,
)

from aigw.tenancy import KEY_PREFIX, Tenancy, create_tables, get_tenant, list_tenants

# -- REST API paths -------------------------------------------------------------------------

DOC = {
    "paths": {
        "/v1/models": {"get": {"security": [{"aigw": []}]}},
        "/v1/chat/completions": {"post": {"security": [{"aigw": []}]}},
        "/health": {"get": {"security": []}},
        "/v1/private/{proxy+}": {"x-amazon-apigateway-any-method": {}},
    }
}
RESOURCES = [
    {"path": "/"},
    {"path": "/v1"},
    {"path": "/v1/models", "resourceMethods": {"GET": {}}},
    {"path": "/v1/chat/completions", "resourceMethods": {"POST": {}, "OPTIONS": {}}},
    {"path": "/health", "resourceMethods": {"GET": {}}},
    {"path": "/v1/private/{proxy+}", "resourceMethods": {"ANY": {}}},
]


def test_api_with_every_operation_passes() -> None:
    assert api_path_problems(RESOURCES, DOC) == []


def test_api_missing_a_path_or_a_method_fails() -> None:
    missing_path = [r for r in RESOURCES if r["path"] != "/health"]
    assert api_path_problems(missing_path, DOC) == ["path /health is missing from the REST API"]
    wrong_method = [
        {**r, "resourceMethods": {"GET": {}}} if r["path"] == "/v1/chat/completions" else r
        for r in RESOURCES
    ]
    assert api_path_problems(wrong_method, DOC) == ["/v1/chat/completions lacks methods ['POST']"]
    assert api_path_problems(RESOURCES, {"paths": {}}) != []


# -- stages and log groups --------------------------------------------------------------------

GOOD_STAGE = {
    "accessLogSettings": {"destinationArn": "arn:aws:logs:us-east-1:1:log-group:/a"},
    "tracingEnabled": True,
    "methodSettings": {"*/*": {"metricsEnabled": True, "dataTraceEnabled": False}},
}


def test_a_logged_traced_stage_passes() -> None:
    assert stage_problems(GOOD_STAGE) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"accessLogSettings": {}}, "no access logging"),
        ({"tracingEnabled": False}, "X-Ray tracing off"),
        ({"methodSettings": {}}, "no */* method settings"),
        (
            {"methodSettings": {"*/*": {"metricsEnabled": False, "dataTraceEnabled": False}}},
            "metrics off",
        ),
        (
            {"methodSettings": {"*/*": {"metricsEnabled": True, "dataTraceEnabled": True}}},
            "data trace on",
        ),
    ],
)
def test_a_stage_missing_a_safeguard_fails(change: dict, problem: str) -> None:
    problems = stage_problems({**GOOD_STAGE, **change})
    assert len(problems) == 1 and problem in problems[0]


def test_log_groups_need_retention_and_a_kms_key() -> None:
    good = {"retentionInDays": 30, "kmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}
    assert log_group_problems(good, "/a") == []
    assert "retention" in log_group_problems({**good, "retentionInDays": None}, "/a")[0]
    assert "KMS" in log_group_problems({"retentionInDays": 30}, "/a")[0]
    assert log_group_problems(None, "/a") == ["log group /a does not exist"]


# -- usage plans -------------------------------------------------------------------------------

PLAN = {
    "name": "p-free",
    "throttle": {"rateLimit": 2.0, "burstLimit": 5},
    "quota": {"limit": 1000, "period": "DAY", "offset": 0},
    "apiStages": [{"apiId": "abc", "stage": "v1"}],
}
QUOTA = {"limit": 1000, "period": "DAY", "offset": 0}


def test_a_throttled_bound_plan_with_its_quota_passes() -> None:
    assert usage_plan_problems(PLAN, rest_api_id="abc", quota=QUOTA) == []
    no_quota = {k: v for k, v in PLAN.items() if k != "quota"}
    assert usage_plan_problems(no_quota, rest_api_id="abc", quota=None) == []


@pytest.mark.parametrize(
    ("plan", "quota", "api", "problem"),
    [
        ({**PLAN, "throttle": {}}, QUOTA, "abc", "no throttle"),
        ({k: v for k, v in PLAN.items() if k != "quota"}, QUOTA, "abc", "has no quota"),
        ({**PLAN, "quota": {"limit": 5, "period": "DAY"}}, QUOTA, "abc", "configured"),
        (PLAN, None, "abc", "none configured"),
        (PLAN, QUOTA, "other", "not bound"),
    ],
)
def test_a_plan_off_its_configuration_fails(plan, quota, api, problem) -> None:
    problems = usage_plan_problems(plan, rest_api_id=api, quota=quota)
    assert len(problems) == 1 and problem in problems[0]


# -- Lambda --------------------------------------------------------------------------------------

FN = {
    "FunctionName": "f",
    "Runtime": "python3.13",
    "Architectures": ["arm64"],
    "CodeSha256": "abc=",
}


def test_a_function_built_and_configured_as_declared_passes() -> None:
    assert lambda_problems(FN, manifest_hash="abc=", reserved=10, actual_reserved=10) == []
    assert lambda_problems(FN, manifest_hash=None, reserved=None, actual_reserved=None) == []


@pytest.mark.parametrize(
    ("change", "kwargs", "problem"),
    [
        ({"Runtime": "python3.12"}, {}, "not python3.13"),
        ({"Architectures": ["x86_64"]}, {}, "not arm64"),
        ({}, {"manifest_hash": "other="}, "not the manifest's"),
        ({}, {"actual_reserved": None}, "reserved concurrency"),
    ],
)
def test_a_function_off_the_build_or_configuration_fails(change, kwargs, problem) -> None:
    args = {"manifest_hash": "abc=", "reserved": 10, "actual_reserved": 10, **kwargs}
    problems = lambda_problems({**FN, **change}, **args)
    assert len(problems) == 1 and problem in problems[0]


# -- IAM -----------------------------------------------------------------------------------------


def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_scoped_policies_pass() -> None:
    doc = _doc(
        {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["arn:aws:dynamodb:x"]},
        {"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
        {"Effect": "Allow", "Action": ["ec2:DescribeNetworkInterfaces"], "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
    )
    assert policy_problems(doc) == []
    assert policy_problems(json.dumps(doc)) == []


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ({"Action": "*", "Resource": "arn:aws:s3:::b"}, 'wildcard action "*"'),
        ({"Action": "s3:*", "Resource": "arn:aws:s3:::b"}, 'wildcard action "s3:*"'),
        ({"Action": "s3:PutObject", "Resource": "*"}, '[\'s3:PutObject\'] on "Resource": "*"'),
        ({"Action": "s3:Put*", "Resource": "*"}, "['s3:Put*'] on"),
        ({"Action": "lambda:InvokeFunction", "Resource": ["*"]}, "lambda:InvokeFunction"),
        ({"NotAction": "iam:*", "Resource": "arn:aws:s3:::b"}, "NotAction"),
        ({"Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b"}, "NotResource"),
    ],
)
def test_broad_policies_fail(statement: dict, problem: str) -> None:
    problems = policy_problems(_doc({"Effect": "Allow", "Sid": "S", **statement}), "inline p")
    assert problems and problem in problems[0] and "inline p statement S" in problems[0]


def test_integration_uris_name_their_actions() -> None:
    assert action_for_uri("arn:aws:apigateway:us-east-1:comprehend:action/DetectSentiment") == (
        "comprehend:detectsentiment"
    )
    sm = "arn:aws:apigateway:us-east-1:runtime.sagemaker:path/endpoints/e/invocations"
    assert action_for_uri(sm) == "sagemaker:invokeendpoint"
    assert action_for_uri(sm.replace("path/", "path//")) == "sagemaker:invokeendpoint"
    assert action_for_uri("arn:aws:apigateway:us-east-1:s3:path/bucket/key") is None
    used, unknown = used_actions(["arn:aws:apigateway:r:translate:action/TranslateText", "x"])
    assert used == {"translate:translatetext", "comprehend:detectdominantlanguage"}
    assert unknown == ["x"]


def test_path_style_service_uris_name_their_actions() -> None:
    # Polly speaks REST-JSON: the integration is POST /v1/speech, not action/SynthesizeSpeech.
    polly = "arn:aws:apigateway:eu-west-1:polly:path/v1/speech"
    assert action_for_uri(polly) == "polly:synthesizespeech"
    assert action_for_uri(polly.replace("path/", "path//")) == "polly:synthesizespeech"
    assert action_for_uri(polly.replace("v1/speech", "v1/lexicons/x")) is None
    used, unknown = used_actions([polly, "arn:aws:apigateway:r:textract:action/DetectDocumentText"])
    assert used == {"polly:synthesizespeech", "textract:detectdocumenttext"} and unknown == []


def test_ai_service_actions_without_resources_may_use_star() -> None:
    actions = ["polly:SynthesizeSpeech", "textract:DetectDocumentText", "rekognition:DetectText"]
    doc = _doc({"Effect": "Allow", "Sid": "S", "Action": actions, "Resource": "*"})
    assert policy_problems(doc) == []


def test_integration_roles_allow_exactly_what_routes_use() -> None:
    assert service_role_problems({"sagemaker:invokeendpoint"}, {"sagemaker:invokeendpoint"}) == []
    extra = service_role_problems({"a:x", "a:y"}, {"a:x"})
    assert extra == ["allows actions no route uses: ['a:y']"]
    missing = service_role_problems({"a:x"}, {"a:x", "a:z"})
    assert missing == ["lacks actions its routes call: ['a:z']"]


def test_sagemaker_proxy_roles_invoke_named_endpoints_only() -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn"
    good = _doc({"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": [arn]})
    assert sagemaker_invoke_problems([good]) == []
    star = _doc({"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"})
    assert "not named one by one" in sagemaker_invoke_problems([star])[0]
    wild = _doc(
        {"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": arn[:-5] + "*"}
    )
    assert "not named one by one" in sagemaker_invoke_problems([wild])[0]
    more = _doc({"Effect": "Allow", "Action": "sagemaker:CreateEndpoint", "Resource": [arn]})
    assert "beyond invoking" in sagemaker_invoke_problems([more])[0]


# -- DynamoDB ------------------------------------------------------------------------------------

TABLE = {"TableName": "t", "SSEDescription": {"SSEType": "KMS", "Status": "ENABLED"}}
PITR_ON = {
    "ContinuousBackupsDescription": {
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}
    }
}


def test_tables_need_sse_kms_and_pitr() -> None:
    assert table_problems(TABLE, PITR_ON) == []
    assert "SSE-KMS" in table_problems({"TableName": "t"}, PITR_ON)[0]
    aes = {"TableName": "t", "SSEDescription": {"SSEType": "AES256", "Status": "ENABLED"}}
    assert "SSE-KMS" in table_problems(aes, PITR_ON)[0]
    assert "point-in-time" in table_problems(TABLE, {})[0]


# -- WAF, alarms, private integrations ----------------------------------------------------------


def test_web_acls_need_rules_metrics_and_samples() -> None:
    vis = {"CloudWatchMetricsEnabled": True, "SampledRequestsEnabled": True}
    good = {"Name": "w", "Rules": [{"Name": "r"}], "VisibilityConfig": vis}
    assert web_acl_problems(good) == []
    assert "no rules" in web_acl_problems({**good, "Rules": []})[0]
    no_metrics = {**good, "VisibilityConfig": {**vis, "CloudWatchMetricsEnabled": False}}
    assert "metrics off" in web_acl_problems(no_metrics)[0]
    no_samples = {**good, "VisibilityConfig": {**vis, "SampledRequestsEnabled": False}}
    assert "sampled" in web_acl_problems(no_samples)[0]


def test_alarm_topics_are_encrypted_and_alarms_notify() -> None:
    assert topic_problems({"TopicArn": "t", "KmsMasterKeyId": "arn:aws:kms:k"}) == []
    assert "KMS" in topic_problems({"TopicArn": "t"})[0]
    alarm = {"AlarmName": "a", "AlarmActions": ["arn:aws:sns:t"], "ActionsEnabled": True}
    assert alarm_problems(alarm) == []
    assert "nobody is told" in alarm_problems({**alarm, "AlarmActions": []})[0]
    assert "disabled" in alarm_problems({**alarm, "ActionsEnabled": False})[0]


def test_private_integrations_stay_internal_and_target_what_is_configured() -> None:
    assert load_balancer_problems({"LoadBalancerName": "n", "Scheme": "internal"}) == []
    assert "not internal" in load_balancer_problems({"Scheme": "internet-facing"})[0]
    assert vpc_link_problems({"targetArns": ["a"], "status": "AVAILABLE"}, ["a"]) == []
    assert "configured" in vpc_link_problems({"targetArns": ["b"]}, ["a"])[0]
    assert "failed" in vpc_link_problems({"targetArns": ["a"], "status": "FAILED"}, ["a"])[0]


# -- HTTP ----------------------------------------------------------------------------------------


def test_the_probe_picks_a_protected_operation_without_path_parameters() -> None:
    probe = unauthenticated_probe(DOC)
    assert (probe.method, probe.path, probe.expected) == ("GET", "/v1/models", (401, 403))
    public = {"paths": {"/health": {"get": {"security": []}}}}
    assert unauthenticated_probe(public) is None


def test_openai_error_bodies_are_recognised() -> None:
    body = json.dumps({"error": {"message": "m", "type": "t", "code": "c", "param": None}})
    assert openai_error_problems(401, body.encode(), (401, 403)) == []
    assert "status 200" in openai_error_problems(200, body.encode(), (401, 403))[0]
    assert "not JSON" in openai_error_problems(401, b"<html>", (401, 403))[0]
    assert "not an OpenAI error" in openai_error_problems(403, b'{"message": "x"}', (403,))[0]


class _FakeStage(BaseHTTPRequestHandler):
    """401 with an OpenAI body without credentials; a model list with the right key."""

    calls: list[str] = []  # noqa: RUF012 (shared by the server's handler instances)

    def do_GET(self) -> None:
        self.calls.append(self.path)
        auth = self.headers.get("Authorization") or ""
        if auth == "Bearer good" or auth.startswith(f"Bearer {KEY_PREFIX}"):
            self._send(200, {"object": "list", "data": [{"id": "mock-chat"}]})
        else:
            err = {"message": "no key", "type": "invalid_request_error", "code": "no_key"}
            self._send(401, {"error": {**err, "param": None}})

    def _send(self, status: int, doc: dict) -> None:
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_stage() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeStage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_http_call_returns_status_and_body_of_the_fake_stage(fake_stage: str) -> None:
    status, body = http_call(f"{fake_stage}/v1/models", "GET", attempts=1)
    assert status == 401 and json.loads(body)["error"]["code"] == "no_key"
    status, body = http_call(
        f"{fake_stage}/v1/models", "GET", headers={"Authorization": "Bearer good"}, attempts=1
    )
    assert status == 200 and json.loads(body)["object"] == "list"


def test_http_call_gives_up_after_its_attempts() -> None:
    with pytest.raises(AssertionError, match="no answer after 2 attempts"):
        http_call("http://127.0.0.1:9/none", "GET", attempts=2, delay_s=0, timeout_s=1)


def test_stage_checks_call_the_stage_without_credentials(fake_stage: str) -> None:
    state = {
        "resources": [
            {
                "mode": "managed",
                "type": "aws_api_gateway_rest_api",
                "name": "this",
                "instances": [{"attributes": {"id": "abc", "body": json.dumps(DOC)}}],
            },
            {
                "mode": "managed",
                "type": "aws_api_gateway_stage",
                "name": "this",
                "instances": [{"attributes": {"rest_api_id": "abc", "invoke_url": fake_stage}}],
            },
        ]
    }
    report = Report()
    stage_http_checks(report, state, {}, client=lambda s: None)
    assert report.failures == [] and len(report.passed) == 1, report.summary()
    # A stage that lets the unauthenticated call through fails the check.
    report = Report()
    stage_http_checks(
        report, state, {}, client=lambda s: None, call=lambda url, method, **kw: (200, b"{}")
    )
    assert report.failures and "status 200" in report.failures[0]


def _moto_client(endpoint: str):
    def client(service: str):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )

    return client


@pytest.mark.sandbox
def test_gateway_stages_are_called_with_a_fresh_tenant_key_that_is_cleaned_up(
    fake_stage: str, moto_endpoint: str
) -> None:
    uid = uuid.uuid4().hex[:8]
    client = _moto_client(moto_endpoint)
    env = {
        "AIGW_TENANTS_TABLE": f"tenants-{uid}",
        "AIGW_KEYS_TABLE": f"keys-{uid}",
        "AIGW_STAGE": "v1",
        "AIGW_USAGE_PLAN_PREFIX": f"gw-{uid}",
    }
    t = Tenancy(
        dynamodb=client("dynamodb"),
        apigateway=client("apigateway"),
        tenants_table=env["AIGW_TENANTS_TABLE"],
        keys_table=env["AIGW_KEYS_TABLE"],
        region="us-east-1",
    )
    create_tables(t)
    plan = client("apigateway").create_usage_plan(name=f"gw-{uid}-standard")["id"]
    state = {
        "resources": [
            {
                "mode": "managed",
                "type": kind,
                "name": "this",
                "instances": [{"attributes": attrs}],
            }
            for kind, attrs in (
                ("aws_api_gateway_rest_api", {"id": "abc", "body": json.dumps(DOC)}),
                ("aws_api_gateway_stage", {"rest_api_id": "abc", "invoke_url": fake_stage}),
                ("aws_api_gateway_usage_plan", {"id": plan, "name": f"gw-{uid}-standard"}),
            )
        ]
    }
    report = Report()
    stage_http_checks(report, state, {"cli_environment": env}, client)
    assert report.failures == [], report.summary()
    assert any("GET /v1/models with a tenant key" in p for p in report.passed), report.summary()
    (tenant,) = list_tenants(t)
    assert tenant["tier"] == "standard"
    usage_key = get_tenant(t, tenant["tenant_id"])["usage_key_id"]
    keys = client("apigateway").get_api_keys()["items"]
    assert usage_key not in [k["id"] for k in keys], "the tenant's usage key must be deleted"


# -- the driver against resources made wrong on purpose ------------------------------------------


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("llm_gateway/handler.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def _state(*resources: tuple[str, str, dict], module: str | None = None) -> dict:
    out = []
    for kind, name, attrs in resources:
        res = {"mode": "managed", "type": kind, "name": name, "instances": [{"attributes": attrs}]}
        if module:
            res["module"] = module
        out.append(res)
    return {"resources": out}


@pytest.mark.sandbox
def test_the_driver_reports_every_deliberately_wrong_resource(moto_endpoint: str) -> None:
    uid = uuid.uuid4().hex[:8]
    client = _moto_client(moto_endpoint)
    logs, ddb, iam, lam, apig = (
        client(s) for s in ("logs", "dynamodb", "iam", "lambda", "apigateway")
    )
    logs.create_log_group(logGroupName=f"/it/{uid}")  # no retention, no KMS
    ddb.create_table(  # no SSE-KMS, no PITR
        TableName=f"t-{uid}",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    role = iam.create_role(RoleName=f"r-{uid}", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(
        RoleName=f"r-{uid}",
        PolicyName="too-broad",
        PolicyDocument=json.dumps(
            _doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})
        ),
    )
    fn = lam.create_function(  # x86_64, python3.12, no alias, no reserved concurrency
        FunctionName=f"f-{uid}",
        Runtime="python3.12",
        Role=role["Arn"],
        Handler="llm_gateway.handler.handler",
        Code={"ZipFile": _zip()},
        Architectures=["x86_64"],
    )
    api = apig.create_rest_api(name=f"api-{uid}")["id"]
    plan = apig.create_usage_plan(name=f"plan-{uid}")["id"]  # no throttle, no quota, no stage
    topic = client("sns").create_topic(Name=f"topic-{uid}")["TopicArn"]  # no KMS key
    client("cloudwatch").put_metric_alarm(  # tells nobody
        AlarmName=f"alarm-{uid}",
        MetricName="Errors",
        Namespace="AWS/Lambda",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )

    state = _state(
        ("aws_cloudwatch_log_group", "lg", {"name": f"/it/{uid}"}),
        ("aws_dynamodb_table", "t", {"name": f"t-{uid}"}),
        (
            "aws_iam_role",
            "r",
            {"name": f"r-{uid}", "arn": role["Arn"], "assume_role_policy": json.dumps(trust)},
        ),
        (
            "aws_lambda_function",
            "f",
            {
                "function_name": f"f-{uid}",
                "arn": fn["FunctionArn"],
                "handler": "llm_gateway.handler.handler",
                "role": role["Arn"],
                "reserved_concurrent_executions": 5,
            },
        ),
        ("aws_api_gateway_rest_api", "api", {"id": api, "body": json.dumps(DOC)}),
        ("aws_api_gateway_usage_plan", "p", {"id": plan, "quota_settings": [QUOTA]}),
        ("aws_sns_topic", "t", {"arn": topic}),
        ("aws_cloudwatch_metric_alarm", "a", {"alarm_name": f"alarm-{uid}"}),
        module="module.llm",
    )
    manifest = {"packages": {"llm_gateway": {"sha256_base64": "not-the-deployed-code="}}}
    report = review(state, {}, client, manifest=manifest, moto=True)
    failures = "\n".join(report.failures)
    for expected in (
        "keeps logs forever",
        "not encrypted with a KMS key",
        "not encrypted with SSE-KMS",
        "point-in-time recovery off",
        '[\'s3:PutObject\'] on "Resource": "*"',
        "not python3.13",
        "not arm64",
        "not the manifest's not-the-deployed-code=",
        "reserved concurrency is None, configured 5",
        "alias live does not exist",
        "path /v1/models is missing",
        "has no throttle",
        "has no quota",
        f"topic {topic} is not encrypted",
        f"alarm alarm-{uid} has no alarm action",
    ):
        assert expected in failures, f"{expected!r} not reported:\n{report.summary()}"
    assert report.passed == [], report.summary()


_LOCKED = {
    k: True
    for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
}
_TLS_ONLY = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
)
_KMS = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}


def test_a_locked_down_bucket_passes():
    assert bucket_problems(_LOCKED, _TLS_ONLY, _KMS) == []
    assert bucket_problems(_LOCKED, _TLS_ONLY, None) == []


@pytest.mark.parametrize(
    ("public", "policy", "encryption", "problem"),
    [
        ({**_LOCKED, "RestrictPublicBuckets": False}, _TLS_ONLY, None, "public access"),
        (None, _TLS_ONLY, None, "public access"),
        (_LOCKED, None, None, "without TLS"),
        (_LOCKED, json.dumps({"Statement": [{"Effect": "Allow"}]}), None, "without TLS"),
        (
            _LOCKED,
            _TLS_ONLY,
            {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "SSE-KMS",
        ),
    ],
)
def test_a_bucket_open_to_the_public_plain_http_or_sse_s3_is_reported(
    public, policy, encryption, problem
):
    [found] = bucket_problems(public, policy, encryption)
    assert problem in found
