"""`envs/local` applied once per test session with the real `make apply ENV=local`.

Applying the env takes minutes (two stacks, a dozen KMS-keyed resources, the provider's
read-back waits), so the suites that need it share one apply: the ``local_env`` session
fixture (tests/conftest.py) hands the same :class:`LocalEnv` to the e2e suite
(`aigw serve` against the applied env, tests/e2e/test_serve_local_env.py,
test_serve_dialects.py, test_serve_ai_routes.py and the users' scenarios
test_scenario_*.py, with tests/e2e/serve_process.py) and to the
integration suite (review, re-apply, destroy and leftover checks, tests/integration/
test_make_apply_local.py). Those files, :data:`GROUP_FILES`, are one unit of work for
`pytest -n N --dist loadgroup` (what `make test` runs; the scheduler is
``pytest_xdist_make_scheduler`` in tests/conftest.py), so one worker runs them all. Under
any other distribution each worker that needs the env applies its own: slower, just as
correct.

The env lives in its own sandbox (a free port) and state directory. The integration
suite's last test destroys it and checks that nothing is left (:data:`LAST_MARK` keeps
it after every other user of the env); if that test did not run, the fixture destroys
the env when the session ends.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# The test files that use the shared env: one pytest-xdist work unit, named GROUP.
GROUP = "envs-local"
GROUP_FILES = (
    "tests/e2e/test_serve_local_env.py",
    "tests/e2e/test_serve_dialects.py",
    "tests/e2e/test_serve_ai_routes.py",
    "tests/e2e/test_scenario_users.py",
    "tests/e2e/test_scenario_uploads.py",
    "tests/integration/test_make_apply_local.py",
)
# The mark of the test that destroys the shared env: it runs after every other test.
LAST_MARK = "envs_local_destroys"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalEnv:
    """`envs/local` in a private sandbox (``port``) and state directory (``state``)."""

    def __init__(self, state: Path, port: int) -> None:
        self.state = state
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
        self.env["AIGW_STATE_DIR"] = str(state)
        self.first_apply: subprocess.CompletedProcess[str] | None = None
        self.destroyed = False

    def make(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            ["make", *args, f"SANDBOX_PORT={self.port}"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if check:
            assert proc.returncode == 0, (
                f"make {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr}"
            )
        return proc

    def apply(self) -> None:
        """The first `make apply ENV=local` (its output is kept for the checks)."""
        self.first_apply = self.make("apply", "ENV=local")

    def destroy(self) -> subprocess.CompletedProcess[str]:
        """`make destroy ENV=local`; the sandbox keeps running (see :meth:`stop`).

        Without the refresh a destroy starts with (``TF_CLI_ARGS_destroy``, Terraform's
        own per-command arguments): the env is destroyed right after a re-apply that
        refreshed it, or after a failed step when the state holds what was made, and what
        the destroy leaves behind is asked of the sandbox's APIs afterwards. The refresh
        is a whole plan of the env, about a third of the destroy's CPU."""
        self.destroyed = True
        self.env["TF_CLI_ARGS_destroy"] = "-refresh=false"
        try:
            return self.make("destroy", "ENV=local", check=False)
        finally:
            self.env.pop("TF_CLI_ARGS_destroy", None)

    def stop(self) -> subprocess.CompletedProcess[str]:
        return self.make("sandbox-down", check=False)

    def tfstate(self, name: str = "local") -> dict[str, Any]:
        return json.loads((self.state / "state" / f"{name}.tfstate").read_text())

    def outputs(self) -> dict[str, Any]:
        return {k: v["value"] for k, v in self.tfstate()["outputs"].items()}

    def cli_env(self) -> dict[str, str]:
        env = dict(self.env)
        env.update(self.outputs()["cli_environment"])
        env.update(
            AWS_ENDPOINT_URL=self.endpoint,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="sandbox",
            AWS_SECRET_ACCESS_KEY="sandbox",
        )
        return env

    def aigw(self, *args: str) -> Any:
        """The `aigw` CLI against the env (tenants, keys); its JSON output."""
        proc = subprocess.run(
            [sys.executable, "-m", "aigw", *args],
            cwd=ROOT,
            env=self.cli_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, f"aigw {args}: {proc.stdout}\n{proc.stderr}"
        return json.loads(proc.stdout)

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
