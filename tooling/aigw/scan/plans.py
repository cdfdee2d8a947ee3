"""Plan JSON: planning a directory, showing an env's saved plan, scanning it, and pointing
plan findings back at the Terraform source."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from aigw.paths import state_dir
from aigw.scan.checkov import run_checkov
from aigw.scan.exceptions import apply_sandbox_exceptions, load_sandbox_exceptions
from aigw.scan.findings import Finding, PolicyDoc, ScanError, rel_path


def plan_json(root: Path, target: Path, out_dir: Path, tf: str | None = None) -> Path:
    """A plan JSON file for ``target``: a ``.json`` file as is; a Terraform directory is
    initialised, planned and shown (its provider must plan without a live account)."""
    from aigw.terraform import TerraformError, run_tf, tf_env

    if target.is_file():
        if target.suffix == ".json":
            return target
        raise ScanError(
            f"{target}: pass plan JSON (`terraform show -json plan > plan.json`) or a directory"
        )
    if not target.is_dir():
        raise ScanError(f"{target}: no such plan file or Terraform directory")
    env = tf_env(root)
    name = target.name
    plans = state_dir(root) / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    binary = plans / f"scan-{name}.tfplan"
    try:
        run_tf(["init", "-backend=false", "-input=false", "-no-color"], target, env, tf)
        run_tf(
            ["plan", "-input=false", "-lock=false", "-no-color", f"-out={binary}"],
            target,
            env,
            tf,
        )
        shown = run_tf(["show", "-json", "-no-color", str(binary)], target, env, tf)
    except TerraformError as exc:
        raise ScanError(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"plan-{name}.json"
    out.write_text(shown.stdout, encoding="utf-8")
    return out


_ADDRESS = re.compile(
    r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)"  # module path
    r"(data\.)?([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)"  # [data.]type.name
)


def locate_in_source(root: Path, plan: Path, config_dir: Path, findings: list[Finding]) -> None:
    """Point plan findings at the resource block in the .tf source (file:line) instead of the
    plan JSON, following the plan's module calls (local module sources only)."""
    try:
        config = json.loads(plan.read_text(encoding="utf-8")).get("configuration") or {}
    except ValueError:
        return
    for f in findings:
        m = _ADDRESS.match(f.resource)
        if not m:
            continue
        module = config.get("root_module") or {}
        directory: Path | None = config_dir
        for call in re.findall(r"module\.([A-Za-z0-9_-]+)", m.group(1)):
            calls = module.get("module_calls") or {}
            source = (calls.get(call) or {}).get("source") or _module_source(directory, call)
            if not source.startswith("."):
                directory = None
                break
            directory = (directory / source).resolve()
            module = (calls.get(call) or {}).get("module") or {}
        if directory is None:
            continue
        kind = "data" if m.group(2) else "resource"
        block = re.compile(rf'^[ \t]*{kind}\s+"{m.group(3)}"\s+"{re.escape(m.group(4))}"', re.M)
        for tf in sorted(directory.glob("*.tf")):
            text = tf.read_text(encoding="utf-8")
            hit = block.search(text)
            if hit:
                f.file = rel_path(root, tf)
                f.start_line = text.count("\n", 0, hit.start()) + 1
                f.end_line = f.start_line
                break


def _module_source(directory: Path, call: str) -> str:
    """``source`` of ``module "<call>"`` in a directory's .tf files ("" when unknown)."""
    from aigw.docs import HclError, read_module

    try:
        return next((src for name, src, _ in read_module(directory).modules if name == call), "")
    except (HclError, OSError):
        return ""


def saved_env_plan_json(root: Path, env: str, out_dir: Path, tf: str | None = None) -> Path:
    """Plan JSON of the plan ``aigw env plan <env>`` (make plan ENV=<env>) saved: shown with
    the env's own working data, no new plan (envs/local needs the sandbox to plan)."""
    from aigw.envs import plan_file
    from aigw.terraform import TerraformError, run_tf, tf_env

    directory = root / "envs" / env
    saved = plan_file(root, env)
    if not directory.is_dir():
        raise ScanError(f"no environment envs/{env}")
    if not saved.is_file():
        raise ScanError(f"no saved plan for {env} at {saved}: run `make plan ENV={env}` first")
    data_dir = state_dir(root) / "tf-data" / env
    try:
        shown = run_tf(
            ["show", "-json", "-no-color", str(saved)],
            directory,
            tf_env(root, {"TF_DATA_DIR": str(data_dir)}),
            tf,
        )
    except TerraformError as exc:
        raise ScanError(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"plan-{env}.json"
    out.write_text(shown.stdout, encoding="utf-8")
    return out


def env_plan_findings(
    root: Path,
    env: str,
    plan: Path,
    checkov: str,
    docs: dict[str, PolicyDoc] | None = None,
    checks: Sequence[str] = (),
    config: Path | None = None,
    enrich_from: Path | None = None,
) -> list[Finding]:
    """checkov + the policy pack over an env's plan JSON, inline skips applied (from
    ``enrich_from``, default the checkout), findings located in the env's source, and for
    the local env its sandbox exceptions applied."""
    exceptions = load_sandbox_exceptions(root, env)
    found = run_checkov(
        root,
        plan,
        "terraform_plan",
        checkov,
        f"plan:{env}",
        docs,
        checks,
        config,
        enrich_from=enrich_from or root,
    )
    found = apply_sandbox_exceptions(found, exceptions, f"plan:{env}", checks)
    locate_in_source(root, plan, root / "envs" / env, found)
    return found
