"""Fixtures for the e2e suite: fake upstreams, the extension and the gateway server."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aigw_fakes import (
    SECRET_ARN,
    UPSTREAM_KEY,
    FakeBedrock,
    FakeExtension,
    FakeOpenAI,
    GatewayServer,
    provider_configs,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "contracts"))

# Every gateway response of every test here is checked against OpenAI's OpenAPI document.
from openai_contract import openai_contract, pytest_runtest_call  # noqa: F401

from llm_gateway.config import parse_config
from llm_gateway.core import Gateway
from llm_gateway.providers import bedrock, openai_compat


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture
def fake_bedrock() -> Iterator[FakeBedrock]:
    with FakeBedrock() as srv:
        yield srv


@pytest.fixture
def fake_extension(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeExtension]:
    with FakeExtension(token="session-token") as srv:
        monkeypatch.setenv("AIGW_EXTENSION_ENDPOINT", srv.url)
        monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token")
        monkeypatch.delenv("AIGW_CONFIG_SOURCE", raising=False)
        srv.secrets[SECRET_ARN] = json.dumps({"api_key": UPSTREAM_KEY})
        yield srv


@pytest.fixture
def bedrock_creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(autouse=True)
def _fresh_provider_state() -> Iterator[None]:
    """Connection pools, cached secrets and SDK clients are per test."""
    openai_compat.POOL.clear()
    openai_compat._secrets.clear()
    bedrock._clients.clear()
    yield
    openai_compat.POOL.clear()
    openai_compat._secrets.clear()
    bedrock._clients.clear()


def gateway_config(openai_url: str, bedrock_url: str) -> dict[str, Any]:
    return {
        "version": 1,
        "providers": {
            **provider_configs(openai_url, bedrock_url, read_timeout_ms=3000),
            "oai-impatient": {
                "type": "openai",
                "base_url": openai_url + "/v1",
                "api_key_secret_arn": SECRET_ARN,
                "read_timeout_ms": 300,
            },
        },
        "models": {
            "gpt": {"targets": [{"provider": "oai", "model": "ok"}]},
            "gpt-tools": {"targets": [{"provider": "oai", "model": "tools"}]},
            "claude": {
                "targets": [
                    {"provider": "br", "model": "us.anthropic.claude-3-5-haiku-20241022-v1:0"}
                ]
            },
            "resilient": {
                "targets": [
                    {"provider": "br", "model": "throttle"},
                    {"provider": "oai", "model": "r500"},
                    {"provider": "oai", "model": "ok"},
                ]
            },
            "impatient": {
                "targets": [
                    {"provider": "oai-impatient", "model": "slow"},
                    {"provider": "oai", "model": "ok"},
                ]
            },
            "flaky": {
                "targets": [
                    {"provider": "oai", "model": "reset"},
                    {"provider": "oai", "model": "malformed"},
                    {"provider": "br", "model": "unavailable"},
                    {"provider": "br", "model": "us.anthropic.claude-3-5-haiku-20241022-v1:0"},
                ]
            },
            "throttled": {"targets": [{"provider": "br", "model": "throttle"}]},
            "invalid": {"targets": [{"provider": "br", "model": "validation"}]},
            "denied": {"targets": [{"provider": "br", "model": "denied"}]},
            "broken-stream": {"targets": [{"provider": "oai", "model": "midstream"}]},
            "bedrock-broken-stream": {"targets": [{"provider": "br", "model": "streamfail"}]},
            "titan": {
                "type": "embedding",
                "targets": [{"provider": "br", "model": "amazon.titan-embed-text-v2:0"}],
            },
            "oai-embed": {
                "type": "embedding",
                "targets": [{"provider": "oai", "model": "text-embedding-3-small"}],
            },
        },
    }


@pytest.fixture
def gateway_logs() -> io.StringIO:
    """Every log and metric line the gateway under test writes."""
    return io.StringIO()


@pytest.fixture
def backoff_sleeps() -> list[float]:
    """The backoff delays the gateways under test asked for (nobody sleeps for real)."""
    return []


@pytest.fixture
def gateway_for(
    fake_extension: FakeExtension,
    bedrock_creds: None,
    gateway_logs: io.StringIO,
    backoff_sleeps: list[float],
) -> Iterator[Callable[[dict[str, Any]], str]]:
    """Start a gateway for a config document; returns its OpenAI base URL."""
    servers: list[GatewayServer] = []

    def start(doc: dict[str, Any]) -> str:
        cfg = parse_config(doc)
        gw = Gateway(
            lambda: cfg,
            log_sink=lambda line: gateway_logs.write(line + "\n"),
            metrics_sink=lambda line: gateway_logs.write(line + "\n"),
            sleep=backoff_sleeps.append,
        )
        servers.append(GatewayServer(gw))
        return servers[-1].url + "/v1"

    yield start
    for srv in servers:
        srv.close()


@pytest.fixture
def gateway_url(
    fake_openai: FakeOpenAI,
    fake_bedrock: FakeBedrock,
    gateway_for: Callable[[dict[str, Any]], str],
) -> str:
    return gateway_for(gateway_config(fake_openai.url, fake_bedrock.url))


@pytest.fixture(scope="session")
def scenarios(local_env: Any) -> Iterator[Any]:
    """One `aigw serve` of the session's `envs/local` apply (tests/integration/local_env.py)
    for every users' scenario file (tests/e2e/test_scenario_*.py, docs/scenarios.md);
    each scenario has its own tenants and keys."""
    from scenarios.support import Scenarios
    from serve_process import ServeProcess

    serve = ServeProcess(local_env)
    try:
        yield Scenarios(local_env, serve)
    finally:
        serve.stop()
