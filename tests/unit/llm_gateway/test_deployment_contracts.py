"""What the Terraform modules rely on from the LLM gateway code.

- modules/observability alarms on the p99 of the EMF metric ``TimeToFirstTokenMs`` with
  the dimension ``Route`` = ``chat_completions``, ``prompts``, ``responses`` or
  ``messages`` (the streamed routes).
- modules/llm-route puts every prompt route in the config document and keeps the
  function's environment to the parameter's name (Lambda caps the environment at 4 KB).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_helpers import TENANT, base_config, make_gateway, post

from llm_gateway import handler

ROOT = Path(__file__).resolve().parents[3]


def _observability_ttft_routes() -> set[str]:
    """The values modules/observability accepts in ttft_routes (its validation block)."""
    text = (ROOT / "modules" / "observability" / "variables.tf").read_text()
    block = text[text.index('variable "ttft_routes"') :]
    (listed,) = re.findall(r"contains\(\[([^\]]*)\], r\)", block[: block.index("\n}\n")])
    return set(re.findall(r'"([a-z_]+)"', listed))


OBSERVABILITY_TTFT_ROUTES = _observability_ttft_routes()


def _ttft_records(metrics: list[dict]) -> list[dict]:
    return [m for m in metrics if "TimeToFirstTokenMs" in m]


@pytest.mark.parametrize(
    ("path", "body", "route"),
    [
        (
            "/v1/chat/completions",
            {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "a b"}]},
            "chat_completions",
        ),
        ("/v1/prompts/greet", {"variables": {"name": "Ana"}, "stream": True}, "prompts"),
        ("/v1/responses", {"model": "chat", "input": "a b", "stream": True}, "responses"),
        (
            "/v1/messages",
            {
                "model": "chat",
                "max_tokens": 16,
                "stream": True,
                "messages": [{"role": "user", "content": "a b"}],
            },
            "messages",
        ),
    ],
)
def test_streamed_answers_publish_time_to_first_token_by_route(
    path: str, body: dict, route: str
) -> None:
    gw, cap = make_gateway()
    # anthropic-version: the Messages API requires it; the other dialects ignore it.
    headers = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
    resp = gw.handle("POST", path, headers, json.dumps(body).encode(), TENANT)
    assert resp.status == 200
    resp.read_all()
    (record,) = _ttft_records(cap.metrics)
    directive = record["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "aigw"
    assert ["Route"] in directive["Dimensions"]
    assert {"Name": "TimeToFirstTokenMs", "Unit": "Milliseconds"} in directive["Metrics"]
    assert record["Route"] == route and route in OBSERVABILITY_TTFT_ROUTES
    assert isinstance(record["TimeToFirstTokenMs"], float) and record["TimeToFirstTokenMs"] >= 0


def test_observability_accepts_exactly_the_streamed_routes() -> None:
    assert OBSERVABILITY_TTFT_ROUTES == {"chat_completions", "prompts", "responses", "messages"}


def test_buffered_answers_publish_no_time_to_first_token() -> None:
    gw, cap = make_gateway()
    post(
        gw,
        "/v1/chat/completions",
        {"model": "chat", "messages": [{"role": "user", "content": "x"}]},
    )
    assert cap.metrics and _ttft_records(cap.metrics) == []


@pytest.fixture
def many_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    count = 80
    prompts = {
        f"template-{i}": {
            "model": "chat",
            "messages": [{"role": "user", "content": f"Template {i}: {{{{ text }}}}"}],
            "variables": {"text": {}},
        }
        for i in range(count)
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(base_config(prompts=prompts)))
    # Exactly what modules/llm-route sets, with the file standing in for the parameter.
    monkeypatch.setenv("AIGW_CONFIG_FILE", str(path))
    monkeypatch.delenv("AIGW_CONFIG_PARAMETER", raising=False)
    monkeypatch.setenv("AIGW_CONFIG_TTL_SECONDS", "60")
    handler.reset()
    yield count
    handler.reset()


def test_prompt_routes_come_from_the_config_document(many_templates: int) -> None:
    gw = handler.gateway()
    for i in (0, many_templates - 1):
        resp = gw.handle(
            "POST",
            f"/v1/prompts/template-{i}",
            {},
            json.dumps({"variables": {"text": "hi"}}).encode(),
            TENANT,
        )
        assert resp.status == 200
        assert json.loads(resp.body)["choices"][0]["message"]["content"] == (
            f"[mock:echo] You said: Template {i}: hi"
        )
    missing = gw.handle(
        "POST", f"/v1/prompts/template-{many_templates}", {}, b'{"variables": {}}', TENANT
    )
    assert missing.status == 404
