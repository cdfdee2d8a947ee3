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


def test_apply_replan_destroy_local_env(tmp_path):
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    make = Make(tmp_path / "state", port)
    try:
        first = make("apply", "ENV=local")
        assert "Apply complete!" in first.stdout
        manifest = json.loads((ROOT / "dist" / "manifest.json").read_text())
        pkg = manifest["packages"]["llm_gateway"]

        lam = _client("lambda", endpoint)
        fn = lam.get_function(FunctionName="aigw-local-llm-gateway")
        cfg = fn["Configuration"]
        assert cfg["CodeSha256"] == pkg["sha256_base64"], "deployed code must be the built package"
        assert cfg["Runtime"] == "python3.13"
        assert cfg["Architectures"] == ["arm64"]
        assert cfg["Handler"] == "llm_gateway.handler.handler"
        assert cfg["TracingConfig"]["Mode"] == "Active"
        assert fn["Concurrency"]["ReservedConcurrentExecutions"] == 10
        assert (
            lam.get_alias(FunctionName="aigw-local-llm-gateway", Name="live")["FunctionVersion"]
            != "$LATEST"
        )

        iam = _client("iam", endpoint)
        doc = iam.get_role_policy(RoleName="aigw-local-llm-gateway", PolicyName="least-privilege")[
            "PolicyDocument"
        ]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        for statement in doc["Statement"]:
            actions = (
                statement["Action"]
                if isinstance(statement["Action"], list)
                else [statement["Action"]]
            )
            assert "*" not in actions and not any(a.endswith(":*") for a in actions)

        logs = _client("logs", endpoint)
        groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
        for name in ("/aws/lambda/aigw-local-llm-gateway", "/aws/apigateway/aigw-local/access"):
            assert groups[name]["retentionInDays"] == 30
            assert groups[name]["kmsKeyId"].startswith("arn:aws:kms:")

        apigw = _client("apigateway", endpoint)
        api = next(a for a in apigw.get_rest_apis()["items"] if a["name"] == "aigw-local")
        resources = {r["path"]: r for r in apigw.get_resources(restApiId=api["id"])["items"]}
        assert set(resources["/v1/models"]["resourceMethods"]) == {"GET"}
        assert set(resources["/v1/chat/completions"]["resourceMethods"]) == {"POST"}
        method = apigw.get_method(
            restApiId=api["id"],
            resourceId=resources["/v1/chat/completions"]["id"],
            httpMethod="POST",
        )
        assert method["methodIntegration"]["type"].upper() == "AWS_PROXY"
        assert "function:aigw-local-llm-gateway:live" in method["methodIntegration"]["uri"]
        stage = apigw.get_stage(restApiId=api["id"], stageName="v1")
        assert stage["tracingEnabled"] is True
        assert stage["accessLogSettings"]["destinationArn"].endswith(
            "/aws/apigateway/aigw-local/access"
        )
        assert "$context.requestId" in stage["accessLogSettings"]["format"]

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
    assert _client("logs", endpoint).describe_log_groups()["logGroups"] == []
    assert _client("iam", endpoint).list_roles()["Roles"] == []
    kms = _client("kms", endpoint)
    for key in kms.list_keys()["Keys"]:
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"

    down = make("sandbox-down")
    assert "sandbox stopped" in down.stdout
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, (
            "the sandbox port must be closed after sandbox-down"
        )
