"""Running Terraform (or OpenTofu) over every module, example and environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from aigw.paths import state_dir
from aigw.provider_reattach import env_for_command
from aigw.toolchain import write_cli_config

# The oldest Terraform (and OpenTofu, which checks `required_version` against its own
# version) the project supports: the S3 backend's `use_lockfile` (S3-native state locking)
# is generally available from 1.11. Every `required_version`, the README and the CI
# workflows state this same minimum (tests/unit/tooling/test_terraform_versions.py).
MIN_VERSION = "1.11"


class TerraformError(RuntimeError):
    """A Terraform command failed; the message carries its output."""


@dataclass
class StepResult:
    directory: Path
    ok: bool
    seconds: float
    output: str


def tf_binary(name: str | None = None) -> str:
    tf = name or os.environ.get("TF", "terraform")
    if shutil.which(tf) is None:
        raise TerraformError(
            f"{tf!r} is not on PATH: install Terraform >= {MIN_VERSION} "
            f"or OpenTofu >= {MIN_VERSION} (and pass TF=tofu for OpenTofu)"
        )
    return tf


def tf_env(root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for Terraform: the project's CLI config, no prompts, no colour."""
    env = dict(os.environ)
    config, _ = write_cli_config(state_dir(root))
    env["TF_CLI_CONFIG_FILE"] = str(config)
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_INPUT"] = "0"
    env.setdefault("CHECKPOINT_DISABLE", "1")
    if extra:
        env.update(extra)
    return env


def run_tf(
    args: list[str],
    cwd: Path,
    env: dict[str, str],
    tf: str | None = None,
    check: bool = True,
    stream: bool = False,
) -> subprocess.CompletedProcess[str]:
    cmd = [tf_binary(tf), *args]
    env = dict(env_for_command(args, env))
    if stream:
        proc = subprocess.run(cmd, cwd=cwd, env=env, text=True, check=False)
    else:
        proc = subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True, check=False)
    if check and proc.returncode != 0:
        out = "" if stream else (proc.stdout + proc.stderr).strip()
        raise TerraformError(f"`{' '.join(cmd)}` failed in {cwd} (exit {proc.returncode})\n{out}")
    return proc


def has_tf_files(directory: Path) -> bool:
    return directory.is_dir() and any(directory.glob("*.tf"))


def module_dirs(root: Path) -> list[Path]:
    return sorted(d for d in (root / "modules").glob("*") if has_tf_files(d))


def example_dirs(root: Path) -> list[Path]:
    return sorted(d for d in (root / "modules").glob("*/examples/*") if has_tf_files(d))


def env_dirs(root: Path) -> list[Path]:
    """Environment roots; ``envs/_shared`` holds files the deployed envs link to."""
    return sorted(
        d for d in (root / "envs").glob("*") if has_tf_files(d) and not d.name.startswith("_")
    )


def support_dirs(root: Path) -> list[Path]:
    """``envs/_*``: the files the deployed envs share and the bootstrap stack."""
    return sorted(d for d in (root / "envs").glob("_*") if has_tf_files(d))


def all_config_dirs(root: Path) -> list[Path]:
    return module_dirs(root) + example_dirs(root) + env_dirs(root) + support_dirs(root)


def tested_module_dirs(root: Path) -> list[Path]:
    """Modules, and the ``envs/_*`` stacks (the bootstrap), that have ``terraform test`` files."""
    return [
        d for d in module_dirs(root) + support_dirs(root) if any((d / "tests").glob("*.tftest.hcl"))
    ]


def _run_many(
    dirs: Iterable[Path], step: Callable[[Path], StepResult], jobs: int
) -> list[StepResult]:
    dirs = list(dirs)
    if not dirs:
        return []
    # The first run fills the shared plugin cache alone; the rest may run side by side.
    results = [step(dirs[0])]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results += list(pool.map(step, dirs[1:]))
    return results


def _init(d: Path, env: dict[str, str], tf: str | None) -> subprocess.CompletedProcess[str]:
    return run_tf(["init", "-backend=false", "-input=false", "-no-color"], d, env, tf, check=False)


def validate_dirs(
    root: Path, dirs: Iterable[Path], tf: str | None = None, jobs: int = 2
) -> list[StepResult]:
    env = tf_env(root)

    def step(d: Path) -> StepResult:
        start = time.monotonic()
        init = _init(d, env, tf)
        if init.returncode != 0:
            return StepResult(d, False, time.monotonic() - start, init.stdout + init.stderr)
        val = run_tf(["validate", "-no-color"], d, env, tf, check=False)
        return StepResult(d, val.returncode == 0, time.monotonic() - start, val.stdout + val.stderr)

    return _run_many(dirs, step, jobs)


def test_dirs(
    root: Path, dirs: Iterable[Path], tf: str | None = None, jobs: int = 2
) -> list[StepResult]:
    env = tf_env(root)

    def step(d: Path) -> StepResult:
        start = time.monotonic()
        init = _init(d, env, tf)
        if init.returncode != 0:
            return StepResult(d, False, time.monotonic() - start, init.stdout + init.stderr)
        res = run_tf(["test", "-no-color"], d, env, tf, check=False)
        return StepResult(d, res.returncode == 0, time.monotonic() - start, res.stdout + res.stderr)

    return _run_many(dirs, step, jobs)


def fmt_check(root: Path, tf: str | None = None) -> StepResult:
    start = time.monotonic()
    targets = [p for p in ("modules", "envs") if (root / p).is_dir()]
    proc = run_tf(
        ["fmt", "-check", "-recursive", "-list=true", "-no-color", *targets],
        root,
        tf_env(root),
        tf,
        check=False,
    )
    return StepResult(
        root, proc.returncode == 0, time.monotonic() - start, proc.stdout + proc.stderr
    )
