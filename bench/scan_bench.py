"""Compliance scan benchmark: the time of `aigw scan` (what `make scan` runs).

Baseline, in the same run: checkov alone with its built-in checks over the same folders
(no policy pack, no terraform fmt/validate, no example plans), so the ratio shows what
the pack and the extra steps cost on top of a plain checkov run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc.returncode


def run(repeats: int = 1) -> dict[str, object]:
    from aigw.scan import checkov_binary, checkov_env

    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(ROOT / ".aigw" / "terraformrc"))
    scan_s, scan_rc = _timed([sys.executable, "-m", "aigw", "scan"], env)
    base_cmd = [checkov_binary(ROOT), "--skip-download", "--framework", "terraform", "--quiet"]
    base_cmd += ["-d", "modules", "-d", "envs", "-o", "json"]
    base_s, _ = _timed(base_cmd, {**env, **checkov_env()})
    return {
        "scan_s": scan_s,
        "scan_exit_code": scan_rc,
        "checkov_builtin_only_s": base_s,
        "scan_vs_checkov": scan_s / base_s if base_s else None,
    }


def markdown(result: dict[str, object]) -> str:
    return f"""## Compliance scan (`make scan`)

One full `aigw scan` run (terraform fmt -check and validate of every module, example and
env; checkov with the policy pack over `modules/` and `envs/`; the pack's body checks on
the examples' mocked plans). Baseline: checkov alone, built-in checks only, same folders,
same run.

| measure | value |
|---|---|
| `aigw scan` (exit code {result["scan_exit_code"]}) | {result["scan_s"]:.0f} s |
| checkov built-ins only | {result["checkov_builtin_only_s"]:.0f} s |
| scan / checkov alone | {result["scan_vs_checkov"]:.2f}× |
"""
