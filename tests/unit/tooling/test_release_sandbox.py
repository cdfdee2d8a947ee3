"""``aigw release`` against the sandbox (moto): the LLM alias's canary is modelled there,
so promote and rollback run for real and the calls they make are recorded through boto3's
event hooks; so is the stage canary (a sandbox correction, aigw.moto_corrections). A
characterisation test pins down what the sandbox does *not* check, which is why the
deployment rule is guarded at plan time instead (docs/releases.md)."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import pytest

from aigw.release import aws

pytestmark = pytest.mark.sandbox


def _recorder(client) -> list[str]:
    calls: list[str] = []
    client.meta.events.register("before-call.*.*", lambda model, **_: calls.append(model.name))
    return calls


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


@pytest.fixture
def canary_alias(aws_env):
    """A function with versions 1 (stable) and 2 (canary) behind `live` at 10 %."""
    iam = boto3.client("iam")
    name = f"aigw-release-{id(object())}"
    role = iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    lam = boto3.client("lambda")
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
        Publish=True,
    )
    lam.update_function_configuration(FunctionName=name, Description="v2")
    v2 = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(
        FunctionName=name,
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {v2: 0.1}},
    )
    target = aws.Target(None, None, None, name, "live", None, ())
    return lam, target, v2


def test_rollback_keeps_the_stable_version_and_clears_the_routing(canary_alias):
    lam, target, v2 = canary_alias
    calls = _recorder(lam)
    lines = aws.rollback_alias(lam, target)
    made = list(calls)
    alias = lam.get_alias(FunctionName=target.llm_function_name, Name="live")
    assert alias["FunctionVersion"] == "1"
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    assert made == ["GetAlias", "UpdateAlias"]
    assert v2 in lines[0]


def test_promote_moves_the_alias_to_the_canary_version(canary_alias):
    lam, target, v2 = canary_alias
    calls = _recorder(lam)
    aws.promote_alias(lam, target)
    made = list(calls)
    alias = lam.get_alias(FunctionName=target.llm_function_name, Name="live")
    assert alias["FunctionVersion"] == v2
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    assert made == ["GetAlias", "UpdateAlias"]
    # A second promote finds no canary and changes nothing.
    del calls[:]
    assert "no canary" in aws.promote_alias(lam, target)[0]
    assert calls == ["GetAlias"]


def test_sandbox_deletes_a_deployment_a_stage_still_serves(staged_api):
    """AWS answers BadRequestException "Active stages pointing to this deployment must be
    moved or deleted"; moto only refuses for deployments created with a stage name, not
    for a stage created on its own (aws_api_gateway_stage). So an apply against the
    sandbox cannot catch the ordering mistake: modules/gateway-core/tests/release.tftest.hcl
    asserts at plan level that the served deployment is never replaced."""
    apigw, api, base = staged_api
    apigw.delete_deployment(restApiId=api, deploymentId=base)
    assert apigw.get_stage(restApiId=api, stageName="dev")["deploymentId"] == base


def _start_canary(apigw, api) -> str:
    canary = apigw.create_deployment(restApiId=api)["id"]
    apigw.update_stage(
        restApiId=api,
        stageName="dev",
        patchOperations=[
            {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "10"},
            {"op": "replace", "path": "/canarySettings/deploymentId", "value": canary},
        ],
    )
    return canary


def test_sandbox_keeps_stage_canary_settings_and_rolls_back(staged_api):
    """The sandbox keeps a stage canary as AWS does (the stage_canary_settings sandbox
    correction, aigw.moto_corrections): the stage stays on its deployment, and
    rollback_stage finds the canary and removes it."""
    apigw, api, base = staged_api
    canary = _start_canary(apigw, api)
    stage = apigw.get_stage(restApiId=api, stageName="dev")
    assert stage["canarySettings"] == {"deploymentId": canary, "percentTraffic": 10.0}
    assert stage["deploymentId"] == base
    target = aws.Target(api, None, "dev", None, None, None, ())
    assert "no canary" not in aws.rollback_stage(apigw, target)[0]
    stage = apigw.get_stage(restApiId=api, stageName="dev")
    assert "canarySettings" not in stage
    assert stage["deploymentId"] == base


def test_sandbox_promotes_a_stage_canary(staged_api):
    apigw, api, base = staged_api
    canary = _start_canary(apigw, api)
    assert apigw.get_stage(restApiId=api, stageName="dev")["deploymentId"] == base
    target = aws.Target(api, None, "dev", None, None, None, ())
    assert "no canary" not in aws.promote_stage(apigw, target)[0]
    stage = apigw.get_stage(restApiId=api, stageName="dev")
    assert stage["deploymentId"] == canary != base
    assert "canarySettings" not in stage
