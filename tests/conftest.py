"""Shared pytest fixtures.

The ``moto_endpoint`` fixture starts a private moto server (the AWS sandbox) on a free
loopback port for the test session, so tests never touch a sandbox a developer started
with ``make sandbox-up``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from aigw.sandbox import Sandbox


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
    return f"aigw tests (python {os.sys.version.split()[0]})"
