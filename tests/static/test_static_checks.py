"""The static checks of `make test` as pytest items: every `terraform test` file of every
module, the compliance scan, and the policy layer in the scan's virtualenv (ADR 0154).

As items, pytest-xdist spreads them over its workers with the sandbox suites, so both
cores stay busy until the last test instead of one long chain running beside pytest.
One item per test file (not per module) keeps the items small enough to balance.

`terraform init` of a module runs once per test session, under a lock shared by the
workers: parallel inits race on the plugin cache's folders, and a module's test files
then run side by side in the initialised directory (`terraform test` keeps its state
in memory). Their run blocks use the worker's reattached provider process (the
``reattached_provider`` fixture, tests/conftest.py; ADR 0155).
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aigw import terraform
from aigw.terraform import run_tf, tf_env

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCAN_PYTHON = ROOT / ".venv-scan" / "bin" / "python"
TEST_FILES = [
    f
    for module in terraform.tested_module_dirs(ROOT)
    for f in sorted((module / "tests").glob("*.tftest.hcl"))
]
RUN_BLOCK = re.compile(r'^run\s+"[^"]+"\s*\{', re.MULTILINE)
SUMMARY = re.compile(r"(?:Success|Failure)! (\d+) passed, (\d+) failed")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.fixture(scope="session")
def init_lock_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run shares (each has its own basetemp below it)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    run = os.environ.get("AIGW_RUN_PREFIX", "run")  # one per session (tests/conftest.py)
    path = shared / f"terraform-init-{run}"
    path.mkdir(exist_ok=True)
    return path


def _initialised(module: Path, lock_dir: Path) -> None:
    marker = lock_dir / _rel(module).replace("/", "__")
    with open(lock_dir / "init.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return
        init = run_tf(
            ["init", "-backend=false", "-input=false", "-no-color"],
            module,
            tf_env(ROOT),
            check=False,
        )
        assert init.returncode == 0, (
            f"terraform init in {_rel(module)}:\n{init.stdout}{init.stderr}"
        )
        marker.touch()


@pytest.mark.parametrize("test_file", TEST_FILES, ids=[_rel(f) for f in TEST_FILES])
def test_terraform_test_file_passes(test_file: Path, init_lock_dir: Path) -> None:
    module = test_file.parent.parent
    _initialised(module, init_lock_dir)
    proc = run_tf(
        ["test", "-no-color", f"-filter=tests/{test_file.name}"],
        module,
        tf_env(ROOT),
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"terraform test {_rel(test_file)} failed:\n{out[-12000:]}"
    summary = SUMMARY.findall(out)
    assert summary, f"no summary line in terraform test's output:\n{out[-4000:]}"
    passed, failed = (int(n) for n in summary[-1])
    # Every run block ran and passed: a filter that matched nothing would report 0 passed.
    assert (passed, failed) == (len(RUN_BLOCK.findall(test_file.read_text())), 0), out[-4000:]


def _scan_venv_or_skip() -> None:
    if SCAN_PYTHON.is_file():
        return
    reason = "the scan's virtualenv (.venv-scan) is missing: `make .venv-scan/.installed`"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _succeeds(cmd: list[str], timeout: int, env: dict[str, str] | None = None) -> str:
    """Run ``cmd`` in the checkout; its output, after asserting it exited 0."""
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-12000:]
    return out


@pytest.mark.early
def test_compliance_scan_finds_no_failed_check() -> None:
    """`aigw scan --no-terraform`: checkov and the policy pack over every module, example
    plan and env (fmt and validate are left to `make lint` and the sandbox applies)."""
    _scan_venv_or_skip()
    out = _succeeds([sys.executable, "-m", "aigw", "scan", "--no-terraform"], timeout=1800)
    summary = re.search(r"scan: (\d+) passed, (\d+) failed", out)
    assert summary, out[-4000:]
    assert int(summary.group(1)) > 0 and int(summary.group(2)) == 0, summary.group(0)


def test_policy_layer_passes_in_the_scan_venv() -> None:
    """The policy pack's own tests need checkov, which lives in the scan's virtualenv."""
    _scan_venv_or_skip()
    tests = ["tests/policy/test_policy_checks.py", "tests/policy/test_policy_rules.py"]
    out = _succeeds(
        [str(SCAN_PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        timeout=1200,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
    )
    summary = re.search(r"(\d+) passed", out)
    assert summary and int(summary.group(1)) > 0, out[-4000:]
    assert "skipped" not in out.splitlines()[-1], out.splitlines()[-1]
