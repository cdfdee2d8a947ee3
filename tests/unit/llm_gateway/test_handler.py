"""The API Gateway REST proxy adapter (``llm_gateway.handler.handler``)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from llm_helpers import TENANT

from aigw_shared.http_event import Response, request_from_event, response_to_proxy
from llm_gateway import handler


def event(method: str, resource: str, payload: Any = None, **extra: Any) -> dict[str, Any]:
    ev: dict[str, Any] = {
        "resource": resource,
        "path": "/base" + resource,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", "Authorization": "Bearer x"},
        "body": None if payload is None else json.dumps(payload),
        "isBase64Encoded": False,
        "requestContext": {"requestId": "req-123", "authorizer": dict(TENANT)},
    }
    ev.update(extra)
    return ev


class Ctx:
    def __init__(self, ms: int) -> None:
        self.ms = ms

    def get_remaining_time_in_millis(self) -> int:
        return self.ms


def test_chat_completion_event(configured_handler: None) -> None:
    out = handler.handler(
        event(
            "POST",
            "/v1/chat/completions",
            {"model": "chat", "messages": [{"role": "user", "content": "hey"}]},
        ),
        Ctx(30000),
    )
    assert out["statusCode"] == 200 and out["isBase64Encoded"] is False
    assert out["headers"]["content-type"] == "application/json"
    assert json.loads(out["body"])["choices"][0]["message"]["content"].endswith("hey")


def test_retrieve_model_event_from_the_emitted_route(configured_handler: None) -> None:
    """``GET /v1/models/{model}`` as modules/llm-route emits it (``client.models.retrieve``)."""
    ok = handler.handler(event("GET", "/v1/models/{model}", pathParameters={"model": "chat"}), None)
    assert ok["statusCode"] == 200
    assert json.loads(ok["body"]) == {
        "id": "chat",
        "object": "model",
        "created": 0,
        "owned_by": "aigw",
    }
    missing = handler.handler(
        event("GET", "/v1/models/{model}", pathParameters={"model": "gpt-9"}), None
    )
    assert missing["statusCode"] == 404
    assert json.loads(missing["body"])["error"]["code"] == "model_not_found"


def test_path_parameters_fill_the_resource(configured_handler: None) -> None:
    ev = event(
        "POST",
        "/v1/prompts/{name}",
        {"variables": {"name": "Ana"}},
        pathParameters={"name": "greet"},
    )
    out = handler.handler(ev, None)
    assert out["statusCode"] == 200
    assert "Ana" in json.loads(out["body"])["choices"][0]["message"]["content"]


def test_base64_body(configured_handler: None) -> None:
    raw = json.dumps({"model": "emb", "input": "x"}).encode()
    ev = event(
        "POST", "/v1/embeddings", None, body=base64.b64encode(raw).decode(), isBase64Encoded=True
    )
    assert handler.handler(ev, None)["statusCode"] == 200


def test_invalid_base64_body_is_400(configured_handler: None) -> None:
    ev = event("POST", "/v1/embeddings", None, body="%%%", isBase64Encoded=True)
    out = handler.handler(ev, None)
    assert out["statusCode"] == 400 and json.loads(out["body"])["error"]["message"]


def test_authorizer_context_is_the_identity(configured_handler: None) -> None:
    ev = event("GET", "/v1/models")
    ev["requestContext"]["authorizer"]["allowed_models"] = "emb"
    assert [m["id"] for m in json.loads(handler.handler(ev, None)["body"])["data"]] == ["emb"]
    ev["requestContext"].pop("authorizer")
    assert handler.handler(ev, None)["statusCode"] == 401


def test_buffered_streaming_returns_whole_sse_body(configured_handler: None) -> None:
    out = handler.handler(
        event(
            "POST",
            "/v1/chat/completions",
            {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "x"}]},
        ),
        None,
    )
    assert out["headers"]["content-type"] == "text/event-stream"
    assert out["body"].endswith("data: [DONE]\n\n")


def test_lambda_remaining_time_caps_the_deadline(
    configured_handler: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = handler.handler(
        event(
            "POST",
            "/v1/chat/completions",
            {"model": "chat", "messages": [{"role": "user", "content": "x"}]},
        ),
        Ctx(500),
    )
    assert out["statusCode"] == 504
    assert json.loads(out["body"])["error"]["code"] == "deadline_exceeded"


def test_request_id_is_the_log_correlation_id(
    configured_handler: None, capsys: pytest.CaptureFixture[str]
) -> None:
    handler.handler(event("GET", "/v1/models"), None)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    log = next(line for line in lines if line.get("msg") == "request")
    assert log["request_id"] == "req-123" and log["key_id"] == "key-1"
    assert any("_aws" in line for line in lines)


def test_missing_config_answers_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGW_CONFIG_FILE", raising=False)
    monkeypatch.delenv("AIGW_CONFIG_PARAMETER", raising=False)
    handler.reset()
    try:
        out = handler.handler(event("GET", "/v1/models"), None)
    finally:
        handler.reset()
    assert out["statusCode"] == 503
    assert json.loads(out["body"])["error"]["code"] == "config_unavailable"


def test_request_from_event_lowercases_headers() -> None:
    req = request_from_event(event("GET", "/v1/models"))
    assert req.headers["authorization"] == "Bearer x" and req.path == "/v1/models"
    assert req.request_id == "req-123" and req.auth["tenant"] == "acme"


def test_binary_response_is_base64_encoded() -> None:
    out = response_to_proxy(Response(200, {}, b"\xff\xfe"))
    assert out["isBase64Encoded"] is True and base64.b64decode(out["body"]) == b"\xff\xfe"
