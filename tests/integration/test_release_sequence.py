"""The release sequence of gateway-core applied to the sandbox, with the provider's API
calls recorded (TF_LOG_PROVIDER=DEBUG): a canary on a pinned base never deletes the
deployment the stage serves, and when the canary ends every deployment is deleted only
after the stage has moved off it.

The sandbox lets a deployment a stage serves be deleted (AWS refuses: "Active stages
pointing to this deployment must be moved or deleted"), so the test checks the call
order and that the base deployment still exists, not an error from the sandbox.
"""

from __future__ import annotations

import json
import re

import boto3
import pytest
from harness import ROOT, TerraformRoot

from aigw.provider_reattach import ENV_VAR

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

FIXTURE = ROOT / "tests" / "integration" / "fixtures" / "release_sequence"
CALL = re.compile(r"rpc\.method=(CreateDeployment|DeleteDeployment|UpdateStage|CreateStage)\b")
DELETED = re.compile(r"DELETE /restapis/[^/]+/deployments/(\w+)")


def _calls(log: str) -> list[str]:
    """The API Gateway deployment/stage operations in the order the provider sent them."""
    calls = []
    for line in log.splitlines():
        if "HTTP Request Sent" not in line and "http.request" not in line:
            continue
        found = CALL.search(line)
        if found:
            calls.append(found.group(1))
    return calls


def _apply_recorded(root: TerraformRoot, tmp_path, name: str, **variables) -> list[str]:
    log = tmp_path / f"{name}.log"
    # The provider's log reaches TF_LOG_PATH only from a provider Terraform starts itself,
    # not from the worker's reattached one (ADR 0155).
    reattach = root.env.pop(ENV_VAR, None)
    root.env.update({"TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": str(log)})
    try:
        root.apply(**variables)
    finally:
        root.env.pop("TF_LOG_PROVIDER")
        root.env.pop("TF_LOG_PATH")
        if reattach is not None:
            root.env[ENV_VAR] = reattach
    return _calls(log.read_text())


def _exists(apigw, api: str, deployment: str) -> bool:
    # GetDeployment of a deleted deployment is a 500 in moto: list instead.
    pages = apigw.get_paginator("get_deployments").paginate(restApiId=api)
    return any(d["id"] == deployment for page in pages for d in page.get("items", []))


def test_canary_release_sequence_keeps_the_served_deployment(sandbox_target, tmp_path):
    root = TerraformRoot(FIXTURE, tmp_path / "work", sandbox_target.endpoint, target=sandbox_target)
    apigw = boto3.client(
        "apigateway",
        endpoint_url=sandbox_target.endpoint,
        region_name=sandbox_target.region,
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    root.init()
    try:
        root.apply(path="/v1/a")
        first = root.outputs()
        api, base = first["rest_api_id"], first["deployment_id"]

        # Start: a new document as a 10 % canary on the pinned base.
        started = _apply_recorded(
            root,
            tmp_path,
            "start",
            path="/v1/b",
            canary={"percent_traffic": 10, "base_deployment_key": first["deployment_key"]},
        )
        after_start = root.outputs()
        assert started, "the provider's API calls must be in the log (TF_LOG_PROVIDER)"
        assert "DeleteDeployment" not in started, started
        assert started.count("CreateDeployment") == 1, started
        assert _exists(apigw, api, base), "the base deployment the stage serves was deleted"
        assert after_start["deployment_id"] == base
        assert after_start["deployment_key"] == first["deployment_key"]
        canary = after_start["canary_deployment_id"]
        assert canary and canary != base

        # Promote through Terraform: the pin goes, the stage follows the current document.
        promoted = _apply_recorded(root, tmp_path, "promote", path="/v1/b")
        final = root.outputs()
        assert final.get("canary_deployment_id") is None
        assert "UpdateStage" in promoted, promoted
        moved = promoted.index("UpdateStage")
        deletes = [i for i, c in enumerate(promoted) if c == "DeleteDeployment"]
        assert len(deletes) == 2, promoted  # the old base and the canary's deployment
        assert all(i > moved for i in deletes), (
            f"a deployment was deleted before the stage moved off it: {promoted}"
        )
        assert not _exists(apigw, api, base) and not _exists(apigw, api, canary)
        assert _exists(apigw, api, final["deployment_id"])
        assert (
            apigw.get_stage(restApiId=api, stageName="dev")["deploymentId"]
            == final["deployment_id"]
        )
    finally:
        root.destroy()
        root.cleanup()


ALIAS_FIXTURE = ROOT / "tests" / "integration" / "fixtures" / "release_alias"


def _alias_change(root: TerraformRoot, **variables) -> dict:
    """The planned change of the `live` alias (plan JSON)."""
    plan = root.state_file.with_name("alias.tfplan")
    root.run(
        "plan",
        "-input=false",
        "-no-color",
        "-lock=false",
        f"-state={root.state_file}",
        f"-out={plan}",
        *root._vars([], variables),
    )
    shown = json.loads(root.run("show", "-json", "-no-color", str(plan)).stdout)
    (change,) = [
        c["change"]
        for c in shown["resource_changes"]
        if c["address"] == "module.function.aws_lambda_alias.live[0]"
    ]
    return change


def test_plan_keeps_the_alias_where_rollback_left_it(sandbox_target, tmp_path):
    """``aigw release rollback`` moves the alias through the API and marks the record rolled
    back (weight 0); the next plan must keep the alias on the stable version with no
    weights, not restore the canary (ADR 0140). The sandbox reads the cleared routing back
    as an empty routing_config block, so the plan may remove that empty block: no traffic
    changes."""
    from aigw.release import aws

    root = TerraformRoot(
        ALIAS_FIXTURE, tmp_path / "work", sandbox_target.endpoint, target=sandbox_target
    )
    lam = boto3.client(
        "lambda",
        endpoint_url=sandbox_target.endpoint,
        region_name=sandbox_target.region,
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    root.init()
    try:
        root.apply(description="v1")
        stable = root.outputs()["function_version"]
        root.apply(description="v2", canary={"stable_version": stable, "weight": 0.1})
        name, canary = root.outputs()["function_name"], root.outputs()["function_version"]
        assert canary != stable
        alias = lam.get_alias(FunctionName=name, Name="live")
        assert alias["FunctionVersion"] == stable
        assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {canary: 0.1}

        aws.rollback_alias(lam, aws.Target(None, None, None, name, "live", None, ()))
        change = _alias_change(
            root, description="v2", canary={"stable_version": stable, "weight": 0}
        )
        assert change["before"]["function_version"] == stable
        assert change["after"]["function_version"] == stable
        assert not any(
            r.get("additional_version_weights") for r in change["after"]["routing_config"]
        )
    finally:
        root.destroy()
        root.cleanup()
