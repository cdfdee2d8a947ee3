"""`aigw scan` beyond the fixtures: plan-JSON scanning of computed values, and the ways
the scan refuses to run or to pass."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from aigw import scan

ROOT = Path(__file__).resolve().parents[2]
PLAN_FIXTURE = Path(__file__).resolve().parent / "plan_fixture"


def run_cli(argv: list[str], root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(prog="aigw")
    parser.add_argument("--root")
    scan.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--root", str(root), *argv])
    return int(args.func(args))


def test_missing_checkov_is_a_clear_error(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("AIGW_CHECKOV", raising=False)
    code = run_cli(
        ["scan", "--no-terraform", "--checkov", str(tmp_path / "nope"), str(tmp_path)],
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "checkov not found" in err and "constraints-scan.txt" in err


def test_checkov_path_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "checkov"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("AIGW_CHECKOV", str(fake))
    assert scan.checkov_binary(ROOT) == str(fake)


def test_global_skip_in_checkov_config_fails(tmp_path: Path) -> None:
    config = tmp_path / ".checkov.yaml"
    config.write_text("framework:\n  - terraform\nskip-check:\n  - CKV_AWS_338\n")
    found = scan.config_findings(tmp_path, config)
    assert [(f.status, f.start_line) for f in found] == [("failed", 3)]


def test_repository_checkov_config_skips_nothing() -> None:
    assert scan.config_findings(ROOT, ROOT / ".checkov.yaml") == []
    assert (ROOT / ".checkov.yaml").is_file()


def test_crashing_checkov_is_reported_not_ignored(tmp_path: Path) -> None:
    fake = tmp_path / "checkov"
    fake.write_text("#!/bin/sh\necho 'boom' >&2\nexit 2\n")
    fake.chmod(0o755)
    with pytest.raises(scan.ScanError, match="exit 2"):
        scan.run_checkov(ROOT, tmp_path, "terraform", str(fake), "hcl")


@pytest.mark.terraform
@pytest.mark.slow
def test_plan_json_scan_sees_module_computed_bodies(tmp_path: Path, monkeypatch) -> None:
    """The body is built from an input: the plan resolves it and CKV_AIGW_1 reads it."""
    try:
        scan.checkov_binary(ROOT)
    except scan.ScanError as exc:
        pytest.fail(f"the policy tests need checkov: {exc}")
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH")
    work = tmp_path / "computed-api"
    shutil.copytree(PLAN_FIXTURE, work)
    monkeypatch.setenv("AIGW_STATE_DIR", str(tmp_path / "state"))
    reports = tmp_path / "reports"
    code = run_cli(
        [
            "scan",
            "--no-terraform",
            "--reports",
            str(reports),
            "--check",
            "CKV_AIGW_1",
            "--plan",
            str(work),
            str(work),
        ]
    )
    findings = json.loads((reports / "scan-findings.json").read_text())
    plan_failed = [
        f for f in findings if f["source"] == "plan:computed-api" and f["check_id"] == "CKV_AIGW_1"
    ]
    assert code == 1
    assert [f["status"] for f in plan_failed] == ["failed"]
    assert plan_failed[0]["details"] == [
        "GET /v1/models: no security requirement (and not marked x-aigw-public)"
    ]
    assert (reports / "plan-computed-api.json").is_file()
    # Located in the source, not in the plan JSON.
    assert plan_failed[0]["file"].endswith("computed-api/main.tf")
    lines = (work / "main.tf").read_text().splitlines()
    assert lines[plan_failed[0]["start_line"] - 1].startswith(
        'resource "aws_api_gateway_rest_api" "computed"'
    )


def _yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text())


def test_pre_commit_template_runs_fmt_validate_docs_checkov_and_ruff() -> None:
    config = _yaml(ROOT / ".pre-commit-config.yaml")
    hooks = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert {
        "terraform_fmt",
        "terraform_validate",
        "terraform_docs",
        "terraform_checkov",
        "ruff",
        "ruff-format",
    } <= hooks
    assert all(repo.get("rev") for repo in config["repos"]), "every hook repo is pinned"


def test_ci_templates_plan_with_oidc_and_apply_behind_an_environment() -> None:
    pr = _yaml(ROOT / ".github" / "workflows" / "pull-request.yml")
    main = _yaml(ROOT / ".github" / "workflows" / "main.yml")
    assert pr["permissions"]["id-token"] == "write"
    pr_steps = [s for job in pr["jobs"].values() for s in job["steps"]]
    runs = " ".join(s.get("run", "") for s in pr_steps)
    for command in ("make lint", "make validate", "make scan", "make plan"):
        assert command in runs
    assert any(
        s.get("uses", "").startswith("aws-actions/configure-aws-credentials")
        and "role-to-assume" in s["with"]
        for s in pr_steps
    )
    # main.yml deploys through deploy.yml (plan, approval of that plan, apply of it):
    # tests/unit/tooling/test_workflows.py checks that logic.
    assert {job.get("uses") for job in main["jobs"].values()} >= {"./.github/workflows/deploy.yml"}


def _project_with_example_module(tmp_path: Path) -> Path:
    """A minimal checkout in tmp_path: one module, demo (body computed from an input).

    The module comes with its example.
    """
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).resolve().parent / "example_module", root / "modules" / "demo")
    for name in ("lambda_src", "envs"):
        (root / name).mkdir()
    (root / "policies").symlink_to(ROOT / "policies")
    return root


@pytest.mark.terraform
@pytest.mark.slow
def test_example_plans_resolve_module_computed_bodies(tmp_path: Path, monkeypatch) -> None:
    try:
        scan.checkov_binary(ROOT)
    except scan.ScanError as exc:
        pytest.fail(f"the policy tests need checkov: {exc}")
    root = _project_with_example_module(tmp_path)
    monkeypatch.setenv("AIGW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AIGW_CHECKOV", scan.checkov_binary(ROOT))
    reports = tmp_path / "reports"
    code = run_cli(
        ["scan", "--no-terraform", "--example-plans", "--reports", str(reports)], root=root
    )
    findings = json.loads((reports / "scan-findings.json").read_text())
    body = [
        f for f in findings if f["source"] == "example:demo/basic" and f["check_id"] == "CKV_AIGW_1"
    ]
    assert code == 1
    assert [f["status"] for f in body] == ["failed"]
    assert body[0]["details"] == [
        "GET /v1/models: no security requirement (and not marked x-aigw-public)"
    ]
    # Located at the resource block inside the module, through the example's module call.
    assert body[0]["file"] == "modules/demo/main.tf"
    lines = (root / "modules" / "demo" / "main.tf").read_text().splitlines()
    assert lines[body[0]["start_line"] - 1] == 'resource "aws_api_gateway_rest_api" "this" {'
    # The HCL scan of the module alone cannot resolve the body: no verdict there.
    hcl = [f for f in findings if f["source"] == "hcl" and f["check_id"] == "CKV_AIGW_1"]
    assert all(f["status"] != "passed" for f in hcl)


def test_synthesized_plan_nests_module_resources() -> None:
    test_plan = {
        "resource_changes": [
            {
                "address": "aws_s3_bucket.a",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "a",
                "change": {"actions": ["create"], "after": {"bucket": "a"}},
            },
            {
                "address": "module.x.module.y.aws_s3_bucket.b[0]",
                "module_address": "module.x.module.y",
                "mode": "managed",
                "type": "aws_s3_bucket",
                "name": "b",
                "index": 0,
                "change": {"actions": ["create"], "after": {"bucket": "b"}},
            },
        ]
    }
    plan = scan.synthesize_plan(test_plan)
    root = plan["planned_values"]["root_module"]
    assert [r["address"] for r in root["resources"]] == ["aws_s3_bucket.a"]
    x = root["child_modules"][0]
    assert x["address"] == "module.x" and x["resources"] == []
    y = x["child_modules"][0]
    assert y["address"] == "module.x.module.y"
    assert y["resources"][0]["values"] == {"bucket": "b"} and y["resources"][0]["index"] == 0


def test_env_plan_needs_a_saved_plan(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AIGW_STATE_DIR", str(tmp_path / "state"))
    root = tmp_path / "project"
    (root / "envs" / "dev").mkdir(parents=True)
    with pytest.raises(scan.ScanError, match=r"run `make plan ENV=dev` first"):
        scan.saved_env_plan_json(root, "dev", tmp_path, None)
    with pytest.raises(scan.ScanError, match="no environment envs/prod"):
        scan.saved_env_plan_json(root, "prod", tmp_path, None)


@pytest.mark.terraform
@pytest.mark.slow
def test_saved_env_plan_is_scanned(tmp_path: Path, monkeypatch) -> None:
    """A plan saved the way `aigw env plan` saves it (plan file in the state dir, working
    data in tf-data/<env>) is shown and scanned, findings located in the env's source."""
    from aigw.envs import plan_file
    from aigw.terraform import run_tf, tf_env

    state = tmp_path / "state"
    monkeypatch.setenv("AIGW_STATE_DIR", str(state))
    monkeypatch.setenv("AIGW_CHECKOV", scan.checkov_binary(ROOT))
    root = tmp_path / "project"
    env_dir = root / "envs" / "demo"
    shutil.copytree(PLAN_FIXTURE, env_dir)
    (root / "lambda_src").mkdir()
    (root / "policies").symlink_to(ROOT / "policies")
    env = tf_env(root, {"TF_DATA_DIR": str(state / "tf-data" / "demo")})
    saved = plan_file(root, "demo")
    saved.parent.mkdir(parents=True, exist_ok=True)
    run_tf(["init", "-backend=false", "-input=false", "-no-color"], env_dir, env)
    run_tf(["plan", "-input=false", "-lock=false", "-no-color", f"-out={saved}"], env_dir, env)
    reports = tmp_path / "reports"
    code = run_cli(
        [
            "scan",
            "--no-terraform",
            "--no-example-plans",
            "--check",
            "CKV_AIGW_1",
            "--env-plan",
            "demo",
            "--reports",
            str(reports),
            str(env_dir),
        ],
        root=root,
    )
    findings = json.loads((reports / "scan-findings.json").read_text())
    planned = [f for f in findings if f["source"] == "plan:demo"]
    assert code == 1
    assert [(f["check_id"], f["status"], f["file"]) for f in planned] == [
        ("CKV_AIGW_1", "failed", "envs/demo/main.tf")
    ]
