"""Helpers for the LLM gateway unit tests: a config builder and a gateway whose log
and metric lines are captured."""

from __future__ import annotations

import json
from typing import Any

from llm_gateway.config import GatewayConfig, parse_config
from llm_gateway.core import Gateway

TENANT = {"tenant": "acme", "tier": "standard", "key_id": "key-1", "allowed_models": "*"}


def base_config(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": 1,
        "providers": {"mock": {"type": "mock"}},
        "models": {
            "chat": {"targets": [{"provider": "mock", "model": "echo"}]},
            "fallback": {
                "targets": [
                    {"provider": "mock", "model": "fail-500"},
                    {"provider": "mock", "model": "fail-429"},
                    {"provider": "mock", "model": "echo"},
                ]
            },
            "strict": {
                "targets": [
                    {"provider": "mock", "model": "fail-400"},
                    {"provider": "mock", "model": "echo"},
                ]
            },
            "emb": {"type": "embedding", "targets": [{"provider": "mock", "model": "e"}]},
        },
        "prompts": {
            "greet": {
                "model": "chat",
                "messages": [
                    {"role": "system", "content": "Be kind."},
                    {"role": "user", "content": "Say hello to {{ name }} in {{lang}}."},
                ],
                "variables": {"name": {"max_length": 20}, "lang": {"default": "French"}},
                "parameters": {"temperature": 0.1},
            }
        },
    }
    doc.update(overrides)
    return doc


class Captured:
    def __init__(self) -> None:
        self.logs: list[dict[str, Any]] = []
        self.metrics: list[dict[str, Any]] = []
        self.sleeps: list[float] = []


def make_gateway(
    doc: dict[str, Any] | GatewayConfig | None = None, **kwargs: Any
) -> tuple[Gateway, Captured]:
    cfg = doc if isinstance(doc, GatewayConfig) else parse_config(doc or base_config())
    cap = Captured()
    kwargs.setdefault("sleep", cap.sleeps.append)  # throttling backoff: no real sleeping
    gw = Gateway(
        lambda: cfg,
        log_sink=lambda line: cap.logs.append(json.loads(line)),
        metrics_sink=lambda line: cap.metrics.append(json.loads(line)),
        **kwargs,
    )
    return gw, cap


def post(gw: Gateway, path: str, body: Any, auth: dict[str, str] | None = None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return gw.handle(
        "POST", path, {"content-type": "application/json"}, raw, TENANT if auth is None else auth
    )
