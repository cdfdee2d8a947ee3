"""The release record: ``envs/<env>/release.auto.tfvars.json``, variable ``release``.

Terraform reads the file with the environment's other variables (``*.auto.tfvars.json``),
so what the record says is what the next plan applies. Every transition here is a pure
function of the record (and, for ``start``, of the environment's outputs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD_NAME = "release.auto.tfvars.json"


class ReleaseError(RuntimeError):
    """A refused release operation; nothing was changed."""


def record_path(env_dir: Path) -> Path:
    return env_dir / RECORD_NAME


def read_record(env_dir: Path) -> dict[str, Any]:
    """The ``release`` value in the record ({} when there is no file)."""
    path = record_path(env_dir)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise ReleaseError(f"{path} is not JSON ({exc}); fix or delete it") from exc
    release = data.get("release", {}) if isinstance(data, dict) else None
    if not isinstance(release, dict):
        raise ReleaseError(f'{path} must hold {{"release": {{...}}}}')
    return release


def write_record(env_dir: Path, release: dict[str, Any]) -> Path:
    path = record_path(env_dir)
    path.write_text(json.dumps({"release": release}, indent=2, sort_keys=True) + "\n")
    return path


def in_progress(release: dict[str, Any]) -> bool:
    """A canary is running (started, neither promoted nor rolled back)."""
    return bool(release.get("stage_canary") or release.get("llm_canary")) and not release.get(
        "rolled_back"
    )


@dataclass(frozen=True)
class StartRequest:
    percent_traffic: float | None  # None: no stage canary
    stage_variable_overrides: dict[str, str]
    use_stage_cache: bool
    llm_weight: float | None  # None: no LLM canary


def start(release: dict[str, Any], outputs: dict[str, Any], req: StartRequest) -> dict[str, Any]:
    """The record of a started release.

    The stage is pinned to the deployment it serves now (``deployment_key`` output, or the
    base a rolled-back release kept), the alias to the version it serves now (the rolled-
    back release's stable version, else the last published one).
    """
    if in_progress(release):
        raise ReleaseError(
            "a release is already in progress: promote it or roll it back first "
            "(aigw release status shows it)"
        )
    if req.percent_traffic is None and req.llm_weight is None:
        raise ReleaseError("nothing to release: pass --percent (stage canary) and/or --llm-weight")
    if req.percent_traffic is not None and not 0 <= req.percent_traffic <= 100:
        raise ReleaseError(f"--percent must be between 0 and 100, got {req.percent_traffic}")
    if req.llm_weight is not None and not 0 < req.llm_weight < 1:
        raise ReleaseError(
            f"--llm-weight must be strictly between 0 and 1 (0.1 = 10 %), got {req.llm_weight}"
        )
    rolled = release if release.get("rolled_back") else {}
    new: dict[str, Any] = {k: v for k, v in release.items() if k == "alarms"}
    if req.percent_traffic is not None:
        base = (rolled.get("stage_canary") or {}).get("base_deployment_key") or outputs.get(
            "deployment_key"
        )
        if not base:
            raise ReleaseError(
                "the environment has no deployment_key output: apply it once before a canary"
            )
        new["stage_canary"] = {
            "percent_traffic": req.percent_traffic,
            "base_deployment_key": base,
            "stage_variable_overrides": dict(req.stage_variable_overrides),
            "use_stage_cache": req.use_stage_cache,
        }
    if req.llm_weight is not None:
        stable = (rolled.get("llm_canary") or {}).get("stable_version") or outputs.get(
            "llm_function_version"
        )
        if not stable or not str(stable).isdigit():
            raise ReleaseError(
                f"the LLM function has no published version to keep as stable ({stable!r}): "
                "apply the environment once before a canary"
            )
        new["llm_canary"] = {"stable_version": str(stable), "weight": req.llm_weight}
    return new


def promoted(release: dict[str, Any]) -> dict[str, Any]:
    """The record after a promotion: steady state (only the alarm settings stay)."""
    if not in_progress(release):
        raise ReleaseError("no release in progress to promote")
    return {k: v for k, v in release.items() if k == "alarms"}


def rolled_back(release: dict[str, Any]) -> dict[str, Any]:
    """The record after a rollback: the canaries kept, marked rolled back (the stage stays on
    its pinned base, the alias on its stable version)."""
    if not in_progress(release):
        raise ReleaseError("no release in progress to roll back")
    return {**release, "rolled_back": True}
