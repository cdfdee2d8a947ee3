"""``POST /v1/messages``: Anthropic's Messages API over the mock provider — shapes checked
with the ``anthropic`` SDK's own pydantic models (strict), errors in Anthropic's shape,
metering, budgets, and a property test over any JSON body."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_helpers import TENANT, base_config, make_gateway

from llm_gateway import anthropic_shape

ONE = [{"role": "user", "content": "x"}]
HEADERS = {"content-type": "application/json", "anthropic-version": "2023-06-01"}
TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}
ERROR_TYPES = {
    "invalid_request_error",
    "authentication_error",
    "permission_error",
    "not_found_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "overloaded_error",
    "timeout_error",
}


def call(gw: Any, body: Any, path: str = "/v1/messages", headers: Any = None, auth: Any = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    resp = gw.handle(
        "POST", path, HEADERS if headers is None else headers, raw, TENANT if auth is None else auth
    )
    return resp, resp.read_all()


def events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in raw.decode().split("\n\n"):
        if not block.strip():
            continue
        # SSE lines end with \n only (str.splitlines would also split on U+0085, U+2028)
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def assert_error(raw: bytes, status: int, resp: Any, kind: str) -> str:
    assert resp.status == status, raw
    doc = json.loads(raw)
    if kind != "request_too_large":  # documented for 413, absent from the SDK's union
        anthropic.types.ErrorResponse.model_validate(doc, strict=True)
    assert doc["type"] == "error" and doc["error"]["type"] == kind
    return doc["error"]["message"]


def test_message_with_system_prompt_is_a_valid_anthropic_message() -> None:
    gw, cap = make_gateway()
    resp, raw = call(
        gw,
        {
            "model": "chat",
            "max_tokens": 64,
            "system": [{"type": "text", "text": "Be brief."}],
            "messages": [{"role": "user", "content": "hello there"}],
            "metadata": {"user_id": "u-1"},
        },
    )
    assert resp.status == 200, raw
    msg = anthropic.types.Message.model_validate(json.loads(raw), strict=True)
    assert msg.content[0].text == "[mock:echo] You said: hello there"
    assert (msg.model, msg.stop_reason, msg.role) == ("chat", "end_turn", "assistant")
    assert msg.usage.input_tokens > 0 and msg.usage.output_tokens == 5
    assert resp.headers["x-aigw-provider"] == "mock"
    # metered like a chat completion: the log line and the EMF record carry the tokens
    line = cap.logs[-1]
    assert (line["route"], line["model"], line["status"]) == ("messages", "chat", 200)
    emf = cap.metrics[-1]
    assert emf["InputTokens"] == msg.usage.input_tokens
    assert emf["OutputTokens"] == msg.usage.output_tokens
    assert emf["Route"] == "messages" and emf["Requests"] == 1


def test_tool_round_trip_translates_both_ways() -> None:
    gw, _ = make_gateway()
    first = {
        "model": "chat",
        "max_tokens": 64,
        "tools": [TOOL],
        "tool_choice": {"type": "tool", "name": "get_weather"},
        "messages": [{"role": "user", "content": "weather in Paris?"}],
    }
    _, raw = call(gw, first)
    msg = anthropic.types.Message.model_validate(json.loads(raw), strict=True)
    assert msg.stop_reason == "tool_use"
    use = msg.content[0]
    assert (use.type, use.name, use.input) == ("tool_use", "get_weather", {"mock": True})
    second = {
        **first,
        "tool_choice": {"type": "auto"},
        "messages": [
            *first["messages"],
            {"role": "assistant", "content": [use.model_dump(exclude_none=True)]},
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": use.id, "content": "18 C"},
                    {"type": "text", "text": "thanks"},
                ],
            },
        ],
    }
    chat = anthropic_shape.chat_request(second)
    assert [m["role"] for m in chat["messages"]] == ["user", "assistant", "tool", "user"]
    assert chat["messages"][1]["tool_calls"][0]["id"] == use.id
    assert json.loads(chat["messages"][1]["tool_calls"][0]["function"]["arguments"]) == use.input
    assert chat["messages"][2] == {"role": "tool", "tool_call_id": use.id, "content": "18 C"}
    _, raw = call(gw, second)
    msg = anthropic.types.Message.model_validate(json.loads(raw), strict=True)
    assert (msg.stop_reason, msg.content[0].text) == ("end_turn", "[mock:echo] You said: thanks")


def test_translation_of_images_stops_and_sampling() -> None:
    chat = anthropic_shape.chat_request(
        {
            "model": "m",
            "max_tokens": 10,
            "temperature": 0.5,
            "top_p": 0.9,
            "stop_sequences": ["END"],
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"},
                        },
                        {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}},
                        {"type": "text", "text": "what?", "cache_control": {"type": "ephemeral"}},
                    ],
                }
            ],
        }
    )
    parts = chat["messages"][0]["content"]
    assert parts[0] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    assert parts[1]["image_url"]["url"] == "https://x/y.png"
    assert (chat["temperature"], chat["top_p"], chat["stop"]) == (0.5, 0.9, ["END"])


def test_stream_emits_anthropics_event_sequence() -> None:
    gw, cap = make_gateway()
    body = {
        "model": "chat",
        "max_tokens": 64,
        "stream": True,
        "messages": [{"role": "user", "content": "hi there"}],
    }
    resp, raw = call(gw, body)
    assert resp.status == 200 and resp.headers["content-type"] == "text/event-stream"
    evs = events(raw)
    names = [n for n, _ in evs]
    assert names[:4] == ["message_start", "ping", "content_block_start", "content_block_delta"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    for name, data in evs:
        assert data["type"] == name
    anthropic.types.RawMessageStartEvent.model_validate(evs[0][1], strict=True)
    from pydantic import TypeAdapter

    adapter = TypeAdapter(anthropic.types.RawMessageStreamEvent)
    for name, data in evs:
        if name != "ping":
            adapter.validate_python(data, strict=True)
    text = "".join(d["delta"]["text"] for n, d in evs if n == "content_block_delta")
    assert text == "[mock:echo] You said: hi there"
    delta = evs[-2][1]
    assert delta["delta"]["stop_reason"] == "end_turn" and delta["usage"]["output_tokens"] == 5
    assert cap.metrics[-1]["OutputTokens"] == 5 and cap.logs[-1]["stream"] is True


def test_stream_of_a_tool_call_uses_input_json_deltas() -> None:
    gw, _ = make_gateway()
    body = {
        "model": "chat",
        "max_tokens": 64,
        "stream": True,
        "tools": [TOOL],
        "tool_choice": {"type": "any"},
        "messages": [{"role": "user", "content": "weather?"}],
    }
    _, raw = call(gw, body)
    evs = events(raw)
    start = next(d for n, d in evs if n == "content_block_start")
    assert start["content_block"]["type"] == "tool_use"
    assert start["content_block"]["name"] == "get_weather"
    partial = "".join(
        d["delta"]["partial_json"]
        for n, d in evs
        if n == "content_block_delta" and d["delta"]["type"] == "input_json_delta"
    )
    assert json.loads(partial) == {"mock": True}
    assert evs[-2][1]["delta"]["stop_reason"] == "tool_use"


def test_midstream_failure_is_one_error_event_without_message_stop() -> None:
    from aigw_shared.errors import ApiError
    from llm_gateway.anthropic_stream import MessageEncoder

    enc = MessageEncoder("chat", "req-1")
    data = enc.chunk({"choices": [{"index": 0, "delta": {"content": "hi"}}]}) or b""
    data += enc.error(ApiError(502, "The upstream provider failed.", "upstream_error", "x"))
    evs = events(data)
    assert evs[-1][0] == "error" and "message_stop" not in [n for n, _ in evs]
    assert evs[-1][1]["error"] == {"type": "api_error", "message": "The upstream provider failed."}
    anthropic.types.ErrorResponse.model_validate(evs[-1][1], strict=True)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "chat", "messages": [{"role": "user", "content": "x"}]}, "max_tokens"),
        ({"model": "chat", "max_tokens": 5}, "messages"),
        ({"model": "chat", "max_tokens": 5, "top_k": 5, "messages": ONE}, "top_k"),
        ({"model": "chat", "max_tokens": 5, "thinking": {}, "messages": ONE}, "thinking"),
        ({"model": "chat", "max_tokens": 5, "temperature": 1.5, "messages": ONE}, "temperature"),
        (
            {"model": "chat", "max_tokens": 5, "messages": [{"role": "system", "content": "x"}]},
            "messages.0.role",
        ),
        (
            {
                "model": "chat",
                "max_tokens": 5,
                "tools": [{"type": "web_search_20250305", "name": "web_search"}],
                "messages": [{"role": "user", "content": "x"}],
            },
            "tools.0.type",
        ),
        (
            {
                "model": "chat",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": [{"type": "document", "source": {}}]}],
            },
            "messages.0.content.0.type",
        ),
        (
            {
                "model": "chat",
                "max_tokens": 5,
                "stop_sequences": ["a", "b", "c", "d", "e"],
                "messages": [{"role": "user", "content": "x"}],
            },
            "stop_sequences",
        ),
    ],
)
def test_bad_or_unsupported_parameters_are_400_naming_them(body: dict, param: str) -> None:
    gw, _ = make_gateway()
    resp, raw = call(gw, body)
    message = assert_error(raw, 400, resp, "invalid_request_error")
    assert message.startswith(param), message


def test_anthropic_version_is_required_and_beta_refused() -> None:
    gw, _ = make_gateway()
    body = {"model": "chat", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    resp, raw = call(gw, body, headers={"content-type": "application/json"})
    assert "anthropic-version" in assert_error(raw, 400, resp, "invalid_request_error")
    resp, raw = call(gw, body, headers={**HEADERS, "anthropic-version": "2020-01-01"})
    assert "2020-01-01" in assert_error(raw, 400, resp, "invalid_request_error")
    later = {**HEADERS, "anthropic-version": "2026-10-21"}  # no sampling parameters there
    resp, raw = call(gw, {**body, "temperature": 0.5}, headers=later)
    assert assert_error(raw, 400, resp, "invalid_request_error").startswith("temperature")
    resp, raw = call(gw, body, headers=later)
    assert resp.status == 200, raw
    resp, raw = call(gw, body, headers={**HEADERS, "anthropic-beta": "prompt-caching-2024-07-31"})
    assert "anthropic-beta" in assert_error(raw, 400, resp, "invalid_request_error")


def test_gateway_errors_on_the_route_are_anthropic_shaped() -> None:
    gw, _ = make_gateway()
    body = {"model": "chat", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    resp, raw = call(gw, body, auth={})
    assert_error(raw, 401, resp, "authentication_error")
    resp, raw = call(gw, {**body, "model": "nope"})
    assert_error(raw, 404, resp, "not_found_error")
    resp = gw.handle("GET", "/v1/messages", HEADERS, b"", TENANT)
    assert_error(resp.body, 405, resp, "invalid_request_error")
    resp, raw = call(gw, b"{not json")
    assert_error(raw, 400, resp, "invalid_request_error")
    resp, raw = call(gw, {**body, "model": "emb"})
    assert_error(raw, 400, resp, "invalid_request_error")
    assert resp.headers["request-id"] == json.loads(raw)["request_id"]
    small, _ = make_gateway(base_config(limits={"max_body_bytes": 100}))
    resp, raw = call(small, {**body, "system": "x" * 200})
    assert_error(raw, 413, resp, "request_too_large")
    # an upstream failure after fallback (every target of "strict" is tried in order)
    doc = base_config()
    doc["models"]["down"] = {"targets": [{"provider": "mock", "model": "fail-500"}]}
    doc["models"]["busy"] = {"targets": [{"provider": "mock", "model": "fail-429"}]}
    gw, _ = make_gateway(doc)
    resp, raw = call(gw, {**body, "model": "down"})
    assert_error(raw, 502, resp, "api_error")
    resp, raw = call(gw, {**body, "model": "busy"})
    assert_error(raw, 429, resp, "rate_limit_error")
    doc["models"]["slow"] = {"targets": [{"provider": "mock", "model": "fail-timeout"}]}
    gw, _ = make_gateway(doc)
    resp, raw = call(gw, {**body, "model": "slow"})
    assert_error(raw, 504, resp, "timeout_error")


def test_bedrock_limits_are_named_in_anthropic_terms() -> None:
    doc = base_config()
    doc["providers"]["br"] = {"type": "bedrock", "region": "us-east-1"}
    doc["models"]["claude"] = {"targets": [{"provider": "br", "model": "anthropic.claude"}]}
    gw, _ = make_gateway(doc)
    body = {
        "model": "claude",
        "max_tokens": 5,
        "tools": [TOOL],
        "tool_choice": {"type": "auto", "disable_parallel_tool_use": True},
        "messages": [{"role": "user", "content": "x"}],
    }
    resp, raw = call(gw, body)
    message = assert_error(raw, 400, resp, "invalid_request_error")
    assert "'tool_choice.disable_parallel_tool_use'" in message


class _FakeDynamo:
    """Records the quota updates (the budget decision itself is the store's)."""

    def __init__(self) -> None:
        self.updates: list[int] = []

    def update_item(self, **kw: Any) -> dict[str, Any]:
        values = kw["ExpressionAttributeValues"]
        self.updates.append(int((values.get(":n") or values[":d"])["N"]))
        return {}


def test_budget_refusal_is_an_anthropic_429_and_usage_is_settled() -> None:
    ddb = _FakeDynamo()
    doc = base_config(
        quotas={"enabled": True, "table_name": "t", "tiers": {"standard": 100}},
    )
    gw, cap = make_gateway(doc, quota_client=ddb)
    body = {"model": "chat", "max_tokens": 500, "messages": [{"role": "user", "content": "x"}]}
    resp, raw = call(gw, body)
    assert "token budget" in assert_error(raw, 429, resp, "rate_limit_error")
    assert cap.logs[-1]["error_code"] == "insufficient_quota"
    assert cap.metrics[-1]["QuotaRejections"] == 1
    assert ddb.updates == []  # refused before any reservation or provider call
    resp, raw = call(gw, {**body, "max_tokens": 20})
    msg = anthropic.types.Message.model_validate(json.loads(raw), strict=True)
    used = msg.usage.input_tokens + msg.usage.output_tokens
    # reserved up front, then replaced by the real usage
    assert ddb.updates[0] > 0 and sum(ddb.updates) == used


def test_count_tokens_refused_where_the_provider_cannot_count() -> None:
    gw, _ = make_gateway()
    body = {"model": "chat", "messages": [{"role": "user", "content": "x"}]}
    resp, raw = call(gw, body, path="/v1/messages/count_tokens")
    message = assert_error(raw, 400, resp, "invalid_request_error")
    assert "count_tokens is not supported" in message and "mock" in message
    resp, raw = call(gw, {**body, "max_tokens": 3}, path="/v1/messages/count_tokens")
    assert assert_error(raw, 400, resp, "invalid_request_error").startswith("max_tokens")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {
        "model": st.sampled_from(["chat", "emb", "nope", 3]),
        "max_tokens": st.one_of(st.integers(-2, 50), st.none()),
        "messages": st.lists(
            st.fixed_dictionaries(
                {"role": st.sampled_from(["user", "assistant", "tool"]), "content": json_values}
            ),
            max_size=3,
        ),
    },
    optional={
        "system": json_values,
        "tools": json_values,
        "tool_choice": json_values,
        "stream": json_values,
        "stop_sequences": json_values,
        "metadata": json_values,
        "temperature": json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, message_like))
def test_any_json_body_is_an_anthropic_4xx_or_a_valid_message(body: Any) -> None:
    gw, _ = _GW
    resp, raw = call(gw, body)
    if resp.status == 200:
        if resp.headers["content-type"] == "text/event-stream":
            assert events(raw)[-1][0] == "message_stop"
        else:
            anthropic.types.Message.model_validate(json.loads(raw), strict=True)
        return
    assert 400 <= resp.status < 500, raw
    doc = json.loads(raw)
    anthropic.types.ErrorResponse.model_validate(doc, strict=True)
    assert doc["error"]["type"] in ERROR_TYPES


_GW = make_gateway()


text_delta = st.text(min_size=1, max_size=8).map(lambda t: {"content": t})
chunk_choices = st.lists(
    st.one_of(
        text_delta,
        st.integers(0, 2).map(
            lambda i: {
                "tool_calls": [
                    {"index": i, "id": f"call_{i}", "function": {"name": f"f{i}", "arguments": ""}}
                ]
            }
        ),
        st.integers(0, 2).map(
            lambda i: {"tool_calls": [{"index": i, "function": {"arguments": '{"a":'}}]}
        ),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(chunk_choices, st.sampled_from(["stop", "length", "tool_calls", "content_filter", None]))
def test_any_chunk_sequence_encodes_to_well_nested_events(
    deltas: list[dict[str, Any]], finish: str | None
) -> None:
    """Whatever the provider streams, the events are valid and well nested — or the
    encoder refuses it as an upstream error (a tool call's arguments after another
    block started), which ``streaming.respond`` sends as an ``error`` event."""
    from pydantic import TypeAdapter

    from llm_gateway.anthropic_stream import MessageEncoder
    from llm_gateway.providers.base import ProviderError

    adapter = TypeAdapter(anthropic.types.RawMessageStreamEvent)
    enc = MessageEncoder("chat")
    data = b""
    try:
        for delta in deltas:
            data += enc.chunk({"choices": [{"index": 0, "delta": delta}]}) or b""
        data += enc.chunk({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}) or b""
        usage = {"prompt_tokens": 3, "completion_tokens": 2}
        data += enc.chunk({"choices": [], "usage": usage}) or b""
        data += enc.end()
    except ProviderError as exc:
        assert exc.status == 502
        return
    evs = events(data)
    assert [n for n, _ in evs][:2] == ["message_start", "ping"]
    assert [n for n, _ in evs][-2:] == ["message_delta", "message_stop"]
    open_index = None
    seen = -1
    for name, payload in evs:
        if name != "ping":
            adapter.validate_python(payload, strict=True)
        if name == "content_block_start":
            assert open_index is None and payload["index"] == seen + 1
            open_index = seen = payload["index"]
        elif name == "content_block_delta":
            assert payload["index"] == open_index
        elif name == "content_block_stop":
            assert payload["index"] == open_index
            open_index = None
    assert open_index is None
    assert evs[-2][1]["usage"] == {
        "input_tokens": 3,
        "output_tokens": 2,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }
