"""The environment workflow's refusals: each exits non-zero, says why, and changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aigw import envs

ROOT = Path(__file__).resolve().parents[3]


def _fake_root(tmp_path: Path, *names: str, backend: bool = False) -> Path:
    root = tmp_path / "proj"
    (root / "lambda_src").mkdir(parents=True)
    for name in names:
        d = root / "envs" / name
        d.mkdir(parents=True)
        (d / "main.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
        if backend:
            (d / "backend.hcl").write_text('bucket = "b"\nkey = "k"\nregion = "us-east-1"\n')
    return root


def _aigw(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("CI", "AUTO_APPROVE", "ALLOW_DESTROY")
    }
    full_env.update(env)
    full_env["AIGW_STATE_DIR"] = str(root / ".aigw")
    return subprocess.run(
        [sys.executable, "-m", "aigw", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_make_apply_with_an_unknown_env_lists_the_valid_ones():
    proc = subprocess.run(
        ["make", "apply", "ENV=nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode != 0
    assert "unknown environment 'nope'" in proc.stderr
    assert "valid environments:" in proc.stderr and "local" in proc.stderr


def test_remote_env_without_backend_is_refused_before_anything_runs(tmp_path):
    root = _fake_root(tmp_path, "local", "prod")
    proc = _aigw(root, "env", "apply", "prod")
    assert proc.returncode == 2
    assert "envs/prod has no backend configured" in proc.stderr
    assert "Nothing was planned or applied" in proc.stderr
    assert not (root / "envs" / "prod" / ".terraform").exists()


def test_remote_env_apply_needs_a_saved_plan(tmp_path):
    root = _fake_root(tmp_path, "prod", backend=True)
    proc = _aigw(root, "env", "apply", "prod")
    assert proc.returncode == 2
    assert "no saved plan for prod" in proc.stderr and "make plan ENV=prod" in proc.stderr


def test_saved_plan_is_not_applied_without_confirmation(tmp_path):
    root = _fake_root(tmp_path, "prod", backend=True)
    saved = root / ".aigw" / "plans" / "prod.tfplan"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"plan")
    proc = _aigw(root, "env", "apply", "prod", CI="true")
    assert proc.returncode == 2
    assert "refusing to apply the saved plan to prod" in proc.stderr
    assert "AUTO_APPROVE=1" in proc.stderr
    assert saved.exists(), "a refused apply keeps the reviewed plan"


def test_confirmation_must_match_the_env_name(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(envs.EnvError, match="cancelled"):
        envs._confirm("prod", "apply", ask=lambda prompt: "yes")
    envs._confirm("prod", "apply", ask=lambda prompt: "prod")


def test_destroy_of_a_remote_env_needs_an_explicit_override(tmp_path):
    root = _fake_root(tmp_path, "prod", backend=True)
    proc = _aigw(root, "env", "destroy", "prod")
    assert proc.returncode == 2
    assert "set ALLOW_DESTROY=prod" in proc.stderr
    wrong = _aigw(root, "env", "destroy", "prod", ALLOW_DESTROY="staging")
    assert wrong.returncode == 2 and "set ALLOW_DESTROY=prod" in wrong.stderr


def test_plan_summary_counts_each_kind_of_change():
    plan = {
        "resource_changes": [
            {"change": {"actions": ["create"]}},
            {"change": {"actions": ["create"]}},
            {"change": {"actions": ["update"]}},
            {"change": {"actions": ["delete", "create"]}},
            {"change": {"actions": ["delete"]}},
            {"change": {"actions": ["no-op"]}},
        ]
    }
    assert envs.summarize_plan(plan) == {"create": 2, "update": 1, "replace": 1, "delete": 1}


def test_local_outputs_come_from_the_sandbox_state(tmp_path, monkeypatch):
    root = _fake_root(tmp_path, "local")
    monkeypatch.setenv("AIGW_STATE_DIR", str(root / ".aigw"))
    with pytest.raises(envs.EnvError, match="not applied"):
        envs.outputs(root, "local")
    state = root / ".aigw" / "state" / "local.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"outputs": {}}))
    with pytest.raises(envs.EnvError, match="not applied"):
        envs.outputs(root, "local")
    state.write_text(json.dumps({"outputs": {"cli_environment": {"value": {"AIGW_STAGE": "v1"}}}}))
    assert envs.outputs(root, "local") == {"cli_environment": {"AIGW_STAGE": "v1"}}


def test_shell_exports_quote_values():
    text = envs.shell_exports({"B": "two words", "A": "x'y"})
    assert text.splitlines() == ["export A='x'\"'\"'y'", "export B='two words'"]


def test_bootstrap_is_for_deployed_envs_only(tmp_path):
    root = _fake_root(tmp_path, "local", "prod")
    proc = _aigw(root, "env", "bootstrap", "local")
    assert proc.returncode == 2 and "nothing to bootstrap" in proc.stderr
    unknown = _aigw(root, "env", "bootstrap", "nope")
    assert unknown.returncode == 2 and "valid environments: local, prod" in unknown.stderr


def test_make_apply_prod_without_a_backend_applies_nothing():
    assert not (ROOT / "envs" / "prod" / "backend.hcl").exists(), "backend.hcl is never committed"
    proc = subprocess.run(
        ["make", "apply", "ENV=prod"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode != 0
    assert "envs/prod has no backend configured" in proc.stderr
    assert "Nothing was planned or applied" in proc.stderr
