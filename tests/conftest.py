"""Shared pytest fixtures.

The ``moto_endpoint`` fixture starts a private moto server (the AWS sandbox) on a free
loopback port for the test session, so tests never touch a sandbox a developer started
with ``make sandbox-up``.

``AIGW_SANDBOX`` picks where the integration suite deploys (``moto``, the default, or
``aws``: a real sandbox account; docs/testing.md). The ``sandbox_target`` fixture hands
the choice to the suites that can run in both; in aws mode every other ``sandbox`` test
(they need moto) skips with a reason. An unknown value is a usage error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aigw.provider_reattach import ENV_VAR, start_project_provider
from aigw.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent / "integration"))

from harness import (  # tests/integration is on the path from here on
    MOTO_ONLY_REASON,
    SandboxConfigError,
    SandboxTarget,
    run_prefix,
    sandbox_mode,
    target_from_env,
)
from local_env import GROUP, GROUP_FILES, LAST_MARK, ROOT, LocalEnv, free_port


def pytest_configure(config: pytest.Config) -> None:
    try:
        target_from_env()  # AIGW_SANDBOX and, for aws, the region
    except SandboxConfigError as exc:
        raise pytest.UsageError(str(exc)) from exc
    if not os.environ.get("AIGW_RUN_PREFIX") and not os.environ.get("AIGW_RUN_ID"):
        # One run prefix for the whole session: pytest-xdist workers inherit it.
        os.environ["AIGW_RUN_PREFIX"] = run_prefix()


# optionalhook: the scan venv runs the policy layer without pytest-xdist.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`--dist loadgroup`, with the files that share the `envs/local` apply (GROUP_FILES)
    as one work unit. (pytest-xdist's own ``xdist_group`` mark renames node ids, which
    pytest 9 no longer allows: the group is named by its files instead.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class SharedEnvScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path in GROUP_FILES:
                return GROUP
            return super()._split_scope(nodeid)

    return SharedEnvScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The test that destroys the shared envs/local apply runs after every test using it;
    # the longest single items (mark `early`) are handed out first, so none of them starts
    # when the other workers are about to run out of work.
    # (A stable sort: every worker collects the same order, as pytest-xdist requires.)
    items.sort(
        key=lambda item: (
            item.get_closest_marker(LAST_MARK) is not None,
            item.get_closest_marker("early") is None,
        )
    )
    if sandbox_mode() != "aws":
        return
    skip = pytest.mark.skip(reason=f"AIGW_SANDBOX=aws: {MOTO_ONLY_REASON}")
    for item in items:
        if item.get_closest_marker("sandbox") and "sandbox_target" not in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(skip)


def _reattach_enabled() -> bool:
    """Reattaching is for the local sandbox, and AIGW_REATTACH_PROVIDER=0 turns it off."""
    return sandbox_mode() != "aws" and os.environ.get("AIGW_REATTACH_PROVIDER", "1") != "0"


@pytest.fixture(scope="session")
def reattached_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """One aws provider process per worker, which every Terraform command the worker's
    tests start reattaches to (`TF_REATTACH_PROVIDERS`, ADR 0155): Terraform otherwise
    starts the provider two to four times per command and once per `terraform test` run
    block, and loading its schema costs more CPU than most of the tests' own work.
    Not against a real account (`AIGW_SANDBOX=aws`), nor with AIGW_REATTACH_PROVIDER=0
    (every command then starts its own provider, as in a deployment)."""
    if not _reattach_enabled() or os.environ.get(ENV_VAR):
        yield os.environ.get(ENV_VAR)
        return
    provider = start_project_provider(ROOT, tmp_path_factory.mktemp("provider"))
    os.environ[ENV_VAR] = provider.reattach
    try:
        yield provider.reattach
    finally:
        os.environ.pop(ENV_VAR, None)
        provider.stop()


@pytest.fixture(autouse=True)
def _terraform_reattaches(request: pytest.FixtureRequest) -> None:
    """Tests that run Terraform get the worker's reattached provider (set in os.environ,
    which their Terraform and `make` processes inherit)."""
    if request.node.get_closest_marker("terraform") or request.node.get_closest_marker("sandbox"):
        request.getfixturevalue("reattached_provider")


@pytest.fixture(scope="session")
def sandbox_target(request: pytest.FixtureRequest) -> SandboxTarget:
    """Where account-capable suites deploy: the private moto server, or (AIGW_SANDBOX=aws)
    the sandbox account of AIGW_AWS_PROFILE/AWS_PROFILE in AIGW_AWS_REGION/AWS_REGION."""
    if sandbox_mode() == "aws":
        return target_from_env()
    return target_from_env(endpoint=request.getfixturevalue("moto_endpoint"))


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a moto server private to this test session (http://127.0.0.1:<port>)."""
    state_dir = tmp_path_factory.mktemp("sandbox")
    box = Sandbox(state_dir=state_dir, port=0)
    box.up()
    try:
        yield box.endpoint
    finally:
        box.down()


@pytest.fixture(scope="session")
def local_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalEnv]:
    """`envs/local` applied once per session (or per pytest-xdist worker that needs it) with
    `make apply ENV=local`, in its own sandbox; tests/integration/local_env.py.

    Its `make` commands reattach to a provider of their own, started in `envs/local`
    (ADR 0155): the env names its Lambda packages relatively (`../../dist/...`), and a
    provider resolves those from its working directory. The worker's provider (started
    elsewhere, maybe already in this process's environment) is never passed on."""
    env = LocalEnv(tmp_path_factory.mktemp("envs-local"), free_port())
    env.env.pop(ENV_VAR, None)
    provider = None
    if _reattach_enabled():
        provider = start_project_provider(
            ROOT, tmp_path_factory.mktemp("local-env-provider"), cwd=ROOT / "envs" / "local"
        )
        env.env[ENV_VAR] = provider.reattach
    try:
        env.apply()
        yield env
    finally:
        try:
            if not env.destroyed:
                destroyed = env.destroy()
                env.stop()
                assert destroyed.returncode == 0, destroyed.stdout[-3000:] + destroyed.stderr
            else:
                env.stop()
        finally:
            if provider is not None:
                provider.stop()


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point boto3 (default session, env-based config) at the private sandbox."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_endpoint


def pytest_report_header(config: pytest.Config) -> str:
    target = target_from_env()
    where = f"{target.mode}" + (f", region {target.region}" if target.is_aws else "")
    return (
        f"aigw tests (python {sys.version.split()[0]}; sandbox {where}; run prefix {target.prefix})"
    )
