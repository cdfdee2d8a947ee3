"""`make apply ENV=local` end to end: the real Makefile, Terraform, provider and sandbox.

Each run uses its own sandbox (free port) and its own state directory, destroys what it
applied in `finally`, and stops its sandbox.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Make:
    def __init__(self, state: Path, port: int) -> None:
        self.port = port
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
        self.env["AIGW_STATE_DIR"] = str(state)

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["make", *args, f"SANDBOX_PORT={self.port}"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if check:
            assert proc.returncode == 0, (
                f"make {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
            )
        return proc


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
    return [
        inst["attributes"]["key_id"]
        for res in _state(state_dir)["resources"]
        if res["type"] == "aws_kms_key" and res["mode"] == "managed"
        for inst in res["instances"]
    ]


def test_apply_replan_destroy_local_env(tmp_path):
    from llm_gateway.config import parse_config

    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    state_dir = tmp_path / "state"
    make = Make(state_dir, port)
    key_ids: list[str] = []
    try:
        first = make("apply", "ENV=local")
        assert "Apply complete!" in first.stdout
        out = _outputs(state_dir)
        key_ids = _kms_key_ids(state_dir)
        assert key_ids, "the env must encrypt with its own KMS keys"
        manifest = json.loads((ROOT / "dist" / "manifest.json").read_text())

        lam = _client("lambda", endpoint)
        for fn_name, package in (
            (out["llm_function_name"], "llm_gateway"),
            (out["authorizer_function_name"], "authorizer"),
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
            assert fn["Concurrency"]["ReservedConcurrentExecutions"] >= 1
            assert cfg["KMSKeyArn"].startswith("arn:aws:kms:")
        live = lam.get_alias(FunctionName=out["llm_function_name"], Name="live")
        assert live["FunctionVersion"] != "$LATEST"

        iam = _client("iam", endpoint)
        for role in (out["llm_function_name"], out["authorizer_function_name"]):
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
            f"/aws/lambda/{out['llm_function_name']}",
            f"/aws/lambda/{out['authorizer_function_name']}",
            out["access_log_group_name"],
        ):
            assert groups[name]["retentionInDays"] == 365
            assert groups[name]["kmsKeyId"].startswith("arn:aws:kms:")

        apigw = _client("apigateway", endpoint)
        api_id = out["rest_api_id"]
        resources = {r["path"]: r for r in apigw.get_resources(restApiId=api_id)["items"]}
        expected = {
            "/v1/models": "GET",
            "/v1/chat/completions": "POST",
            "/v1/embeddings": "POST",
            "/v1/prompts/summarise": "POST",
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

        # The config Terraform rendered is one the gateway itself accepts.
        ssm = _client("ssm", endpoint)
        param = ssm.get_parameter(Name=out["llm_config_parameter_name"], WithDecryption=True)
        assert param["Parameter"]["Type"] == "SecureString"
        config = parse_config(json.loads(param["Parameter"]["Value"]))
        assert set(config.models) == {"mock-chat", "mock-embed"}
        assert "summarise" in config.prompts

        second = make("apply", "ENV=local")
        assert "0 added, 0 changed, 0 destroyed" in second.stdout or "No changes." in second.stdout
    finally:
        destroyed = make("destroy", "ENV=local", check=False)
        if destroyed.returncode != 0:
            make("sandbox-down", check=False)

    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    # Nothing the env created is left in the sandbox.
    assert _client("lambda", endpoint).list_functions()["Functions"] == []
    assert _client("apigateway", endpoint).get_rest_apis()["items"] == []
    assert _client("apigateway", endpoint).get_usage_plans()["items"] == []
    assert _client("logs", endpoint).describe_log_groups()["logGroups"] == []
    assert _client("iam", endpoint).list_roles()["Roles"] == []
    assert _client("dynamodb", endpoint).list_tables()["TableNames"] == []
    assert _client("ssm", endpoint).describe_parameters()["Parameters"] == []
    # Destroyed keys wait out their deletion window, as in AWS. (Keys the sandbox makes on
    # its own for SecureString parameters, like AWS-managed keys, are not ours to check.)
    kms = _client("kms", endpoint)
    for key_id in key_ids:
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"

    down = make("sandbox-down")
    assert "sandbox stopped" in down.stdout
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, (
            "the sandbox port must be closed after sandbox-down"
        )
