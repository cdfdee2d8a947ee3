"""dev, staging and prod plan cleanly, have the production shape, and pass the scan.

Each env is planned against the local sandbox (provider endpoints overridden, state kept
local instead of the S3 backend), then checkov with the aigw policy pack runs over the
plan JSON, where values passed between modules are resolved.
"""

from __future__ import annotations

import json
import uuid

import pytest
from harness import ROOT, TerraformRoot

from aigw import scan

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

ENVS = ["dev", "staging", "prod"]


def _planned(plan: dict, type_: str) -> list[dict]:
    out = []

    def walk(module: dict) -> None:
        out.extend(r for r in module.get("resources", []) if r["type"] == type_)
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return out


@pytest.mark.parametrize("env", ENVS)
def test_env_plans_with_production_shape_and_passes_the_scan(env, moto_endpoint, tmp_path):
    root = TerraformRoot(ROOT / "envs" / env, tmp_path / "work", moto_endpoint)
    root.init()
    plan_file = tmp_path / f"{env}.tfplan"
    root.run(
        "plan", "-input=false", "-no-color", "-lock=false", f"-out={plan_file}", *root._vars([], {})
    )
    plan = json.loads(root.run("show", "-json", str(plan_file)).stdout)

    acls = _planned(plan, "aws_wafv2_web_acl")
    assert len(acls) == 1, "a web ACL guards every deployed env"
    assert len(_planned(plan, "aws_wafv2_web_acl_association")) == 1
    assert len(_planned(plan, "aws_wafv2_web_acl_logging_configuration")) == 1
    tables = _planned(plan, "aws_dynamodb_table")
    assert tables and all(t["values"]["deletion_protection_enabled"] for t in tables)
    assert all(t["values"]["point_in_time_recovery"][0]["enabled"] for t in tables)
    functions = _planned(plan, "aws_lambda_function")
    assert {f["values"]["function_name"] for f in functions} == {
        f"aigw-{env}-llm",
        f"aigw-{env}-authorizer",
    }
    # No reservations: they fail to deploy where the account's concurrency quota would leave
    # fewer than 100 unreserved (docs/aws-readiness.md lists what each env needs).
    assert all(f["values"].get("reserved_concurrent_executions") in (None, -1) for f in functions)
    assert all(f["values"]["logging_config"] for f in functions)
    groups = _planned(plan, "aws_cloudwatch_log_group")
    assert groups and all(g["values"]["retention_in_days"] >= 365 for g in groups)
    tfvars_tiers = {
        line.split("=")[0].strip()
        for line in (ROOT / "envs" / env / "terraform.tfvars").read_text().splitlines()
        if line.startswith("  ") and line.rstrip().endswith("= {") and not line.startswith("    ")
    }
    plans = _planned(plan, "aws_api_gateway_usage_plan")
    assert {p["values"]["name"] for p in plans} >= {f"aigw-{env}-standard"}
    assert all(p["values"]["throttle_settings"] and p["values"]["quota_settings"] for p in plans)
    assert tfvars_tiers  # the tfvars parse as expected
    provisioned = _planned(plan, "aws_lambda_provisioned_concurrency_config")
    assert bool(provisioned) == (env == "prod"), "provisioned concurrency in prod only"

    # checkov + the policy pack over the resolved plan: nothing may fail, and no sandbox
    # exception applies (those are for envs/local only).
    assert scan.load_sandbox_exceptions(ROOT, env) == []
    plan_json = tmp_path / f"{env}.plan.json"
    plan_json.write_text(json.dumps(plan))
    findings = scan.env_plan_findings(
        ROOT,
        env,
        plan_json,
        scan.checkov_binary(ROOT),
        scan.load_policy_docs(ROOT),
        config=ROOT / ".checkov.yaml",
        enrich_from=root.work,  # inline skips (with reasons) apply to the plan's resources
    )
    assert not any(f.skip_reason.startswith("sandbox exception") for f in findings)
    assert any(f.status == "passed" for f in findings), "checkov must have checked something"
    failed = [
        f"{f.check_id} {f.resource}: {f.check_name}" for f in findings if f.status == "failed"
    ]
    assert failed == [], "\n".join(failed)


def test_bootstrap_creates_a_locked_down_state_bucket_and_key(moto_endpoint, tmp_path):
    import boto3

    root = TerraformRoot(ROOT / "envs" / "_bootstrap", tmp_path / "work", moto_endpoint)
    variables = {"environment": "staging", "bucket_name": f"aigw-tfstate-{uuid.uuid4().hex[:12]}"}
    root.init()
    try:
        root.apply(**variables)
        out = root.outputs()
        assert root.plan_changes(**variables) == "", "re-plan after apply must show no changes"
        s3 = boto3.client(
            "s3",
            endpoint_url=moto_endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        bucket = out["state_bucket"]
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == out["kms_key_arn"]
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values())
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert f'bucket       = "{bucket}"' in out["backend_hcl"]
        assert "use_lockfile = true" in out["backend_hcl"]
        # API Gateway's account CloudWatch Logs role, set for the account and region.
        apigateway = boto3.client(
            "apigateway",
            endpoint_url=moto_endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        role = out["account_cloudwatch_role_arn"]
        assert role.endswith(":role/aigw-staging-apigateway-logs-us-east-1")
        assert apigateway.get_account()["cloudwatchRoleArn"] == role
    finally:
        snapshot = root.snapshot_state()
        destroyed = root.destroy(**variables)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert root.state_resources() == []
    assert root.leftovers(snapshot) == []
