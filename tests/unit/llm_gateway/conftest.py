"""Unit-test fixtures for the LLM gateway. Helpers live in ``llm_helpers.py``; the fake
upstreams in ``tests/e2e/aigw_fakes.py`` and the OpenAI contract checker in
``tests/contracts/openai_contract.py`` (both put on ``sys.path`` here)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "contracts"))

# Every gateway response of every test here is checked against OpenAI's OpenAPI document.
from openai_contract import openai_contract, pytest_runtest_call  # noqa: F401

from llm_gateway.providers import bedrock, openai_compat


@pytest.fixture(autouse=True)
def _fresh_provider_state() -> Iterator[None]:
    openai_compat.POOL.clear()
    openai_compat._secrets.clear()
    bedrock._clients.clear()
    yield
    openai_compat.POOL.clear()
    openai_compat._secrets.clear()
    bedrock._clients.clear()


@pytest.fixture(scope="module")
def configured_handler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Lambda handler reading the unit-test config from a local file (module scope,
    so hypothesis tests can use it)."""
    import json

    from llm_helpers import base_config

    from llm_gateway import handler

    path = tmp_path_factory.mktemp("cfg") / "config.json"
    path.write_text(json.dumps(base_config()))
    mp = pytest.MonkeyPatch()
    mp.setenv("AIGW_CONFIG_FILE", str(path))
    mp.delenv("AIGW_CONFIG_PARAMETER", raising=False)
    handler.reset()
    yield
    handler.reset()
    mp.undo()
