"""`make apply ENV=local` end to end: the real Makefile, Terraform, provider and sandbox.

The env is the session's shared apply (the ``local_env`` fixture, tests/integration/
local_env.py: its own sandbox and state directory), which the e2e suite drives with
`aigw serve` too. The plan the first apply made (from empty state, the environment key
already known) is scanned like a deployed env's plan; the last test re-applies (no
changes), destroys, checks that nothing is left and stops the sandbox.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
from pathlib import Path

import boto3
import pytest
from checks import bucket_problems
from leftovers import leftovers
from local_env import LAST_MARK, LocalEnv

from aigw import envs, scan

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]


def _client(service: str, endpoint: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


def _state(state_dir: Path) -> dict:
    return json.loads((state_dir / "state" / "local.tfstate").read_text())


def _outputs(state_dir: Path) -> dict[str, object]:
    return {k: v["value"] for k, v in _state(state_dir)["outputs"].items()}


def _kms_key_ids(state_dir: Path) -> list[str]:
    """Keys managed by the env itself (none: it uses the environment key)."""
    return [
        inst["attributes"]["key_id"]
        for res in _state(state_dir)["resources"]
        if res["type"] == "aws_kms_key" and res["mode"] == "managed"
        for inst in res["instances"]
    ]


def _env_key_arn(state_dir: Path) -> str:
    """The environment key, from the local key stack's state (envs/_bootstrap)."""
    state = json.loads((state_dir / "state" / "bootstrap-local.tfstate").read_text())
    return state["outputs"]["kms_key_arn"]["value"]


def _scan_saved_local_plan(state_dir: Path, work: Path, monkeypatch) -> tuple[dict, list]:
    """The plan `make apply ENV=local` saved, as JSON, and its checkov + policy pack findings
    with inline skips (from a copy of the sources, quicker to index than the checkout) and
    the local env's sandbox exceptions applied."""
    monkeypatch.setenv("AIGW_STATE_DIR", str(state_dir))
    plan_path = scan.saved_env_plan_json(ROOT, "local", work / "reports")
    ignore = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*")
    shutil.copytree(ROOT / "modules", work / "src" / "modules", ignore=ignore)
    shutil.copytree(ROOT / "envs" / "local", work / "src" / "envs" / "local", ignore=ignore)
    findings = scan.env_plan_findings(
        ROOT,
        "local",
        plan_path,
        scan.checkov_binary(ROOT),
        scan.load_policy_docs(ROOT),
        config=ROOT / ".checkov.yaml",
        enrich_from=work / "src",
    )
    return json.loads(plan_path.read_text()), findings


def _planned(plan: dict, type_: str) -> list[dict]:
    out: list[dict] = []

    def walk(module: dict) -> None:
        out.extend(r for r in module.get("resources", []) if r["type"] == type_)
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return out


def test_local_env_applies_and_passes_review(local_env: LocalEnv, tmp_path, monkeypatch):
    from llm_gateway.config import parse_config

    endpoint = local_env.endpoint
    state_dir = local_env.state
    assert local_env.first_apply is not None
    assert "Apply complete!" in local_env.first_apply.stdout
    out = _outputs(state_dir)
    key_arn = _env_key_arn(state_dir)
    assert key_arn.startswith("arn:aws:kms:us-east-1:"), "the env has its environment key"
    assert out["kms_key_arn"] == key_arn
    assert _kms_key_ids(state_dir) == [], "one environment key, no per-module keys"
    assert (
        _client("kms", endpoint).describe_key(KeyId=key_arn)["KeyMetadata"]["KeyState"] == "Enabled"
    )
    # The key stack also set API Gateway's account CloudWatch Logs role, as in AWS.
    key_stack = json.loads((state_dir / "state" / "bootstrap-local.tfstate").read_text())
    role = key_stack["outputs"]["account_cloudwatch_role_arn"]["value"]
    assert _client("apigateway", endpoint).get_account()["cloudwatchRoleArn"] == role

    # The plan the apply made from empty state: every key reference is known at plan
    # time, and checkov + the policy pack find nothing beyond the sandbox exceptions.
    plan, findings = _scan_saved_local_plan(state_dir, tmp_path / "scan", monkeypatch)
    assert envs.summarize_plan(plan)["create"] > 30, "the scanned plan creates the env"
    functions = _planned(plan, "aws_lambda_function")
    # llm, authorizer and the SageMaker proxy
    assert len(functions) == 3 and all(f["values"]["kms_key_arn"] == key_arn for f in functions)
    groups = _planned(plan, "aws_cloudwatch_log_group")
    assert groups and all(g["values"]["kms_key_id"] == key_arn for g in groups)
    assert len(_planned(plan, "aws_wafv2_web_acl_association")) == 1
    assert any(f.status == "passed" for f in findings), "checkov must have checked something"
    failed = [
        f"{f.check_id} {f.resource}: {f.check_name} {f.details}"
        for f in findings
        if f.status == "failed"
    ]
    assert failed == [], "\n".join(failed)
    excepted = {
        (f.check_id, f.resource)
        for f in findings
        if f.status == "skipped" and f.skip_reason.startswith("sandbox exception")
    }
    assert excepted == {
        ("CKV_AIGW_12", "module.gateway.module.llm.module.function.aws_lambda_function.this[0]"),
        (
            "CKV_AIGW_12",
            "module.gateway.module.authorizer.module.function.aws_lambda_function.this[0]",
        ),
        (
            "CKV_AIGW_12",
            "module.gateway.module.sagemaker_proxy[0].module.function.aws_lambda_function.this[0]",
        ),
        ("CKV_AWS_150", 'module.gateway.module.vpc_link["models"].aws_lb.this[0]'),
    }
    passed = {(f.check_id, f.resource) for f in findings if f.status == "passed"}
    assert ("CKV_AIGW_5", "module.gateway.module.gateway.aws_api_gateway_stage.this[0]") in (
        passed
    ), "the sandbox stage has its web ACL"
    for fn in ("llm", "authorizer"):
        address = f"module.gateway.module.{fn}.module.function.aws_lambda_function.this[0]"
        assert ("CKV_AIGW_13", address) in passed

    manifest = json.loads((ROOT / "dist" / "manifest.json").read_text())

    lam = _client("lambda", endpoint)
    assert set(out["function_names"]) == {"llm", "authorizer", "sagemaker_proxy"}
    for fn_name, package in (
        (out["llm_function_name"], "llm_gateway"),
        (out["authorizer_function_name"], "authorizer"),
        (out["function_names"]["sagemaker_proxy"], "sagemaker_proxy"),
    ):
        fn = lam.get_function(FunctionName=fn_name)
        cfg = fn["Configuration"]
        assert cfg["CodeSha256"] == manifest["packages"][package]["sha256_base64"], (
            f"{fn_name}: deployed code must be the built package"
        )
        assert cfg["Runtime"] == "python3.13"
        assert cfg["Architectures"] == ["arm64"]
        assert cfg["Handler"] == f"{package}.handler.handler"
        assert cfg["TracingConfig"]["Mode"] == "Active"
        # No reservation: it would fail in accounts whose quota leaves under 100 unreserved.
        assert "ReservedConcurrentExecutions" not in fn.get("Concurrency", {})
        assert cfg["KMSKeyArn"] == key_arn
    live = lam.get_alias(FunctionName=out["llm_function_name"], Name="live")
    assert live["FunctionVersion"] != "$LATEST"

    iam = _client("iam", endpoint)
    for role in (*out["function_names"].values(), out["ai_services_role_name"]):
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            doc = json.loads(doc) if isinstance(doc, str) else doc
            for statement in doc["Statement"]:
                actions = statement["Action"]
                actions = actions if isinstance(actions, list) else [actions]
                assert "*" not in actions and not any(a.endswith(":*") for a in actions)

    logs = _client("logs", endpoint)
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    for name in (
        *(f"/aws/lambda/{fn}" for fn in out["function_names"].values()),
        out["access_log_group_name"],
    ):
        assert groups[name]["retentionInDays"] == 365
        assert groups[name]["kmsKeyId"] == key_arn

    apigw = _client("apigateway", endpoint)
    api_id = out["rest_api_id"]
    resources = {r["path"]: r for r in apigw.get_resources(restApiId=api_id)["items"]}
    expected = {
        "/v1/models": "GET",
        "/v1/models/{model}": "GET",
        "/v1/chat/completions": "POST",
        "/v1/embeddings": "POST",
        "/v1/responses": "POST",
        "/v1/prompts/summarise": "POST",
        "/v1/uploads": "POST",  # envs/local turns uploads on
    }
    for path, verb in expected.items():
        assert set(resources[path]["resourceMethods"]) == {verb}, path
        method = apigw.get_method(
            restApiId=api_id, resourceId=resources[path]["id"], httpMethod=verb
        )
        assert method["methodIntegration"]["type"].upper() == "AWS_PROXY"
        assert f"function:{out['llm_function_name']}:live" in method["methodIntegration"]["uri"]
    stage = apigw.get_stage(restApiId=api_id, stageName="v1")
    assert stage["tracingEnabled"] is True
    waf = _client("wafv2", endpoint)
    stage_arn = f"arn:aws:apigateway:us-east-1::/restapis/{api_id}/stages/v1"
    acl = waf.get_web_acl_for_resource(ResourceArn=stage_arn)["WebACL"]
    assert acl["Name"] == "aigw-local" and stage["webAclArn"] == acl["ARN"]
    waf_logging = waf.get_logging_configuration(ResourceArn=acl["ARN"])
    account = key_arn.split(":")[4]
    assert waf_logging["LoggingConfiguration"]["LogDestinationConfigs"] == [
        f"arn:aws:logs:us-east-1:{account}:log-group:aws-waf-logs-aigw-local"
    ]
    log_format = stage["accessLogSettings"]["format"]
    assert "$context.requestId" in log_format and "$context.authorizer.tenant" in log_format
    plans = {p["name"]: p for p in apigw.get_usage_plans()["items"]}
    for tier in ("standard", "premium"):
        plan = plans[f"aigw-local-{tier}"]
        assert plan["throttle"]["rateLimit"] > 0 and plan["quota"]["limit"] > 0

    ddb = _client("dynamodb", endpoint)
    for table in (
        out["cli_environment"]["AIGW_TENANTS_TABLE"],
        out["cli_environment"]["AIGW_KEYS_TABLE"],
        out["cli_environment"]["AIGW_USAGE_TABLE"],
    ):
        desc = ddb.describe_table(TableName=table)["Table"]
        assert desc["SSEDescription"]["Status"] == "ENABLED"
        assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    _check_route_families(local_env, out, resources)
    _check_uploads(local_env, out, key_arn)

    # The config Terraform rendered is one the gateway itself accepts.
    ssm = _client("ssm", endpoint)
    param = ssm.get_parameter(Name=out["llm_config_parameter_name"], WithDecryption=True)
    assert param["Parameter"]["Type"] == "SecureString"
    config = parse_config(json.loads(param["Parameter"]["Value"]))
    assert set(config.models) == {"mock-chat", "mock-embed"}
    assert "summarise" in config.prompts


def _role_actions(iam, role: str) -> set[str]:
    actions: set[str] = set()
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        for statement in doc["Statement"]:
            listed = statement["Action"]
            actions |= set(listed if isinstance(listed, list) else [listed])
    return actions


# The AI services the env enables (every one ai-service-route offers but speech) and the
# one action each calls.
AI_SERVICE_ACTIONS = {
    "sentiment": "comprehend:DetectSentiment",
    "pii": "comprehend:DetectPiiEntities",
    "translate": "translate:TranslateText",
    "labels": "rekognition:DetectLabels",
    "entities": "comprehend:DetectEntities",
    "key_phrases": "comprehend:DetectKeyPhrases",
    "language": "comprehend:DetectDominantLanguage",
    "document": "textract:DetectDocumentText",
    "image_text": "rekognition:DetectText",
    "moderation": "rekognition:DetectModerationLabels",
    "speech": "polly:SynthesizeSpeech",
}


def _check_route_families(local_env: LocalEnv, out: dict, resources: dict) -> None:
    """Every route family of the env is deployed: in the OpenAPI document, in the API, and
    the resources behind it (SageMaker endpoint, VPC link + NLB), with roles that hold
    exactly the actions their routes call."""
    endpoint = local_env.endpoint
    doc = json.loads(out["openapi_document"])
    families = {
        "/v1/chat/completions": ("post", "aws_proxy"),
        "/v1/sagemaker/echo/invocations": ("post", "aws"),
        "/v1/sagemaker/echo_proxy/invocations": ("post", "aws_proxy"),
        "/v1/ai/sentiment": ("post", "aws"),
        "/v1/private/rerank": ("post", "http_proxy"),
        "/v1/tools/echo": ("post", "http_proxy"),
    }
    for path, (verb, kind) in families.items():
        op = doc["paths"][path][verb]
        assert op["x-amazon-apigateway-integration"]["type"] == kind, path
        assert "aigw" in op["security"][0], f"{path}: behind the project's authorizer"
        assert path in resources, f"{path} is a resource of the deployed API"
    ai_paths = {p for p in doc["paths"] if p.startswith("/v1/ai/")}
    assert len(ai_paths) == len(AI_SERVICE_ACTIONS)
    assert set(out["route_keys"]) >= {"llm", "sagemaker", "ai_services", "private_backends"}

    private = doc["paths"]["/v1/private/rerank"]["post"]["x-amazon-apigateway-integration"]
    link_id = out["vpc_link_ids"]["models"]
    assert private["connectionType"] == "VPC_LINK" and private["connectionId"] == link_id
    link = _client("apigateway", endpoint).get_vpc_link(vpcLinkId=link_id)
    (nlb_arn,) = link["targetArns"]
    nlb = _client("elbv2", endpoint).describe_load_balancers(LoadBalancerArns=[nlb_arn])
    assert nlb["LoadBalancers"][0]["Scheme"] == "internal"
    assert private["uri"] == f"http://{nlb['LoadBalancers'][0]['DNSName']}:80/rerank"
    tools = doc["paths"]["/v1/tools/echo"]["post"]["x-amazon-apigateway-integration"]
    assert tools["uri"] == "http://127.0.0.1:8081/echo"

    sm = _client("sagemaker", endpoint)
    (endpoint_name,) = set(out["sagemaker_endpoint_names"].values())
    assert sm.describe_endpoint(EndpointName=endpoint_name)["EndpointStatus"] == "InService"

    iam = _client("iam", endpoint)
    # The media routes read uploads: S3 GetObject and KMS Decrypt (through S3) besides.
    assert _role_actions(iam, out["ai_services_role_name"]) == set(AI_SERVICE_ACTIONS.values()) | {
        "s3:GetObject",
        "kms:Decrypt",
    }
    direct = doc["paths"]["/v1/sagemaker/echo/invocations"]["post"]
    direct_role = direct["x-amazon-apigateway-integration"]["credentials"].split("/")[-1]
    assert _role_actions(iam, direct_role) == {"sagemaker:InvokeEndpoint"}
    proxy_actions = _role_actions(iam, out["function_names"]["sagemaker_proxy"])
    assert "sagemaker:InvokeEndpoint" in proxy_actions
    assert not {a for a in proxy_actions if a.startswith(("sagemaker:Create", "sagemaker:Delete"))}


def _statements(iam, role: str) -> list[dict]:
    out = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        out.extend(doc["Statement"])
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _check_uploads(local_env: LocalEnv, out: dict, key_arn: str) -> None:
    """The upload bucket of the env: public access blocked, TLS only, SSE-KMS with the
    environment key; the LLM function may put and get, the AI service role only get,
    objects under tenants/ and nothing else in the bucket."""
    endpoint = local_env.endpoint
    bucket = out["upload_bucket_name"]
    assert bucket.startswith("aigw-local-uploads-"), bucket
    s3 = _client("s3", endpoint)
    public = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert bucket_problems(public, policy, encryption) == []
    (rule,) = encryption["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key_arn

    iam = _client("iam", endpoint)
    bucket_arn = f"arn:aws:s3:::{bucket}"
    for role, allowed in (
        (out["function_names"]["llm"], {"s3:PutObject", "s3:GetObject"}),
        (out["ai_services_role_name"], {"s3:GetObject"}),
    ):
        s3_statements = [
            st
            for st in _statements(iam, role)
            if any(str(a).startswith("s3:") for a in _as_list(st["Action"]))
        ]
        assert s3_statements, f"{role} has no S3 statement"
        actions = {a for st in s3_statements for a in _as_list(st["Action"])}
        assert actions <= allowed and "s3:GetObject" in actions, (role, actions)
        resources = {r for st in s3_statements for r in _as_list(st["Resource"])}
        assert resources == {f"{bucket_arn}/tenants/*"}, (role, resources)


@getattr(pytest.mark, LAST_MARK)
def test_local_env_reapplies_clean_then_destroys_without_leftovers(local_env: LocalEnv):
    endpoint = local_env.endpoint
    key_arn = _env_key_arn(local_env.state)
    try:
        second = local_env.make("apply", "ENV=local")
        assert "0 added, 0 changed, 0 destroyed" in second.stdout or "No changes." in second.stdout
        assert f"local env key: {key_arn} (unchanged)" in second.stdout, (
            "the second apply leaves the key stack alone"
        )
    finally:
        applied = local_env.tfstate()
        destroyed = local_env.destroy()
        if destroyed.returncode != 0 or sys.exc_info()[0] is not None:
            # A failed destroy or a failed assertion: the checks below will not run, so
            # stop the private sandbox here.
            local_env.stop()

    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    # Nothing the env created is left in the sandbox: every resource of the applied state,
    # asked of its API (VPC, subnet, NLB, target group, VPC link, SageMaker endpoint and
    # the rest), then the lists of the main kinds.
    assert leftovers(applied, endpoint) == []
    assert _client("lambda", endpoint).list_functions()["Functions"] == []
    assert _client("apigateway", endpoint).get_rest_apis()["items"] == []
    assert _client("apigateway", endpoint).get_usage_plans()["items"] == []
    assert _client("logs", endpoint).describe_log_groups()["logGroups"] == []
    assert _client("iam", endpoint).list_roles()["Roles"] == []
    assert _client("dynamodb", endpoint).list_tables()["TableNames"] == []
    assert _client("ssm", endpoint).describe_parameters()["Parameters"] == []
    assert _client("wafv2", endpoint).list_web_acls(Scope="REGIONAL")["WebACLs"] == []
    # The upload bucket goes too, with the objects the scenarios wrote (force_destroy in
    # the sandbox).
    buckets = _client("s3", endpoint).list_buckets()["Buckets"]
    assert [b["Name"] for b in buckets if b["Name"].startswith("aigw-local-")] == []
    # The key stack goes last; its key waits out the deletion window, as in AWS. (Keys the
    # sandbox makes on its own for SecureString parameters, like AWS-managed keys, are not
    # ours to check.)
    kms = _client("kms", endpoint)
    assert kms.describe_key(KeyId=key_arn)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert "alias/aigw-local" not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    key_stack = json.loads((local_env.state / "state" / "bootstrap-local.tfstate").read_text())
    assert key_stack.get("resources", []) == []

    down = local_env.make("sandbox-down")
    assert "sandbox stopped" in down.stdout
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", local_env.port)) != 0, (
            "the sandbox port must be closed after sandbox-down"
        )
