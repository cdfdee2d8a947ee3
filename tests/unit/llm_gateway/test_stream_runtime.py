"""Lambda response streaming through our Runtime API loop, against a fake Runtime API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aigw_fakes import FakeRuntimeAPI, split_streamed_response
from llm_helpers import TENANT, base_config

from llm_gateway import stream_runtime

ROOT = Path(__file__).resolve().parents[3]


def api_event(method: str, resource: str, payload: object = None, auth: dict | None = None) -> dict:
    return {
        "resource": resource,
        "path": resource,
        "httpMethod": method,
        "headers": {},
        "body": None if payload is None else json.dumps(payload),
        "requestContext": {"requestId": "apigw-1", "authorizer": TENANT if auth is None else auth},
    }


@pytest.fixture
def runtime() -> Iterator[FakeRuntimeAPI]:
    with FakeRuntimeAPI() as srv:
        yield srv


def test_streams_sse_chunks_with_http_prelude(
    runtime: FakeRuntimeAPI, configured_handler: None
) -> None:
    runtime.invoke(
        "inv-1",
        api_event(
            "POST",
            "/v1/chat/completions",
            {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "a b c"}]},
        ),
    )
    assert stream_runtime.run(runtime.api, max_invocations=1) == 1
    rec = runtime.responses[0]
    assert rec["path"] == "/2018-06-01/runtime/invocation/inv-1/response"
    assert rec["headers"]["Lambda-Runtime-Function-Response-Mode"] == "streaming"
    assert rec["headers"]["Content-Type"] == stream_runtime.PRELUDE_CONTENT_TYPE
    head, body = split_streamed_response(rec["chunks"])
    assert head["statusCode"] == 200
    assert head["headers"]["content-type"] == "text/event-stream"
    assert body.endswith(b"data: [DONE]\n\n")
    assert len(rec["chunks"]) > 5  # one chunk per SSE event, not one buffered body
    assert rec["chunks"][1].startswith(b"data: {")
    assert rec["trailers"] == {}


def test_non_streaming_and_error_responses_use_the_same_framing(
    runtime: FakeRuntimeAPI, configured_handler: None
) -> None:
    runtime.invoke("a", api_event("GET", "/v1/models"))
    runtime.invoke("b", api_event("POST", "/v1/chat/completions", {"model": 1}))
    runtime.invoke("c", "not an api gateway event")
    stream_runtime.run(runtime.api, max_invocations=3)
    (h1, b1), (h2, b2), (h3, b3) = (split_streamed_response(r["chunks"]) for r in runtime.responses)
    assert h1["statusCode"] == 200 and json.loads(b1)["object"] == "list"
    assert h2["statusCode"] == 400 and json.loads(b2)["error"]["param"] == "model"
    assert h3["statusCode"] == 400 and "error" in json.loads(b3)


def test_each_invocation_runs_under_its_own_xray_trace_header(
    runtime: FakeRuntimeAPI, configured_handler: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The managed runtime sets _X_AMZN_TRACE_ID from Lambda-Runtime-Trace-Id for every
    # invocation and removes it when an invocation has none; our loop must do the same.
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-00000000-stale;Parent=0;Sampled=1")
    seen: list[str | None] = []
    handle = stream_runtime.handle_event

    def spy(raw: bytes, deadline: float | None) -> object:
        seen.append(os.environ.get("_X_AMZN_TRACE_ID"))
        return handle(raw, deadline)

    monkeypatch.setattr(stream_runtime, "handle_event", spy)
    first = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
    third = "Root=1-5bef4de8-0123456789abcdef01234567;Parent=1111111111111111;Sampled=0"
    runtime.invoke("t-1", api_event("GET", "/v1/models"), trace_id=first)
    runtime.invoke("t-2", api_event("GET", "/v1/models"))
    runtime.invoke("t-3", api_event("GET", "/v1/models"), trace_id=third)
    assert stream_runtime.run(runtime.api, max_invocations=3) == 3
    assert seen == [first, None, third]
    assert [split_streamed_response(r["chunks"])[0]["statusCode"] for r in runtime.responses] == [
        200,
        200,
        200,
    ]


def test_stream_failure_after_first_byte_sets_error_trailers(runtime: FakeRuntimeAPI) -> None:
    from aigw_shared.http_event import Response

    def broken() -> Iterator[bytes]:
        yield b"data: {}\n\n"
        raise RuntimeError("boom")

    client = stream_runtime.RuntimeClient(runtime.api)
    client.stream_response("x", stream_runtime._body_chunks(Response(200, {}, b"", broken())))
    rec = runtime.responses[0]
    assert rec["trailers"]["Lambda-Runtime-Function-Error-Type"] == "Runtime.StreamError"
    assert b"boom" not in b"".join(rec["chunks"])
    assert "boom" not in json.dumps(rec["trailers"])


def test_exec_wrapper_starts_the_streaming_loop(runtime: FakeRuntimeAPI, tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(base_config()))
    runtime.invoke(
        "w-1",
        api_event(
            "POST",
            "/v1/chat/completions",
            {"model": "chat", "stream": True, "messages": [{"role": "user", "content": "hi"}]},
        ),
    )
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(sys.executable)
    env = {
        "PATH": f"{bindir}:{os.environ['PATH']}",
        "LAMBDA_TASK_ROOT": str(ROOT / "lambda_src"),
        "AWS_LAMBDA_RUNTIME_API": runtime.api,
        "AIGW_RUNTIME_MAX_INVOCATIONS": "1",
        "AIGW_CONFIG_FILE": str(cfg),
    }
    wrapper = ROOT / "lambda_src" / "llm_gateway" / "stream_bootstrap"
    subprocess.run(
        ["sh", str(wrapper), "/var/runtime/bootstrap"],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    head, body = split_streamed_response(runtime.responses[0]["chunks"])
    assert head["statusCode"] == 200 and body.endswith(b"data: [DONE]\n\n")
