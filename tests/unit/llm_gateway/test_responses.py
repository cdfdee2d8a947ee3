"""``/v1/responses`` over the mock provider and an in-process DynamoDB: the request
translation, refused parameters, the stored responses and their tenant isolation,
``previous_response_id``, streaming, usage and budgets. Every body and stream event is
checked against OpenAI's OpenAPI document by the conftest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_helpers import TENANT, base_config, make_gateway, post

from aigw_shared.errors import ApiError
from ddb_inprocess import Table, dynamodb_table
from llm_gateway import responses_shape
from llm_gateway.config import LimitsConfig
from llm_gateway.providers.mock import MockProvider

OTHER = {**TENANT, "tenant": "globex", "key_id": "key-2"}
TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Table]:
    with dynamodb_table("aigw-responses") as t:
        monkeypatch.setenv("AIGW_RESPONSES_TABLE", t.name)
        monkeypatch.setenv("AIGW_RESPONSES_RETENTION_DAYS", "7")
        yield t


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every chat request the mock provider received."""
    sent: list[dict[str, Any]] = []
    chat, chat_stream = MockProvider.chat, MockProvider.chat_stream

    def record(fn: Any) -> Any:
        def wrapper(self: Any, target: Any, request: dict[str, Any], timeout: float) -> Any:
            sent.append(json.loads(json.dumps(request)))
            return fn(self, target, request, timeout)

        return wrapper

    monkeypatch.setattr(MockProvider, "chat", record(chat))
    monkeypatch.setattr(MockProvider, "chat_stream", record(chat_stream))
    return sent


def items(table: Table) -> list[dict[str, Any]]:
    return table.client.scan(TableName=table.name)["Items"]


def call(gw: Any, method: str, path: str, auth: dict[str, str] = TENANT) -> Any:
    return gw.handle(method, path, {}, b"", auth)


def test_string_input_answers_a_response_object(table: Table, upstream: list) -> None:
    gw, cap = make_gateway(quota_client=table.client)
    resp = post(
        gw, "/v1/responses", {"model": "chat", "input": "hello", "instructions": "Be kind."}
    )
    assert resp.status == 200, resp.body
    doc = json.loads(resp.body)
    assert doc["object"] == "response" and doc["id"].startswith("resp_")
    assert (doc["status"], doc["model"], doc["instructions"]) == ("completed", "chat", "Be kind.")
    [item] = doc["output"]
    assert item["type"] == "message" and item["role"] == "assistant"
    assert item["content"][0]["text"] == "[mock:echo] You said: hello"
    assert (
        doc["usage"]["input_tokens"] + doc["usage"]["output_tokens"] == doc["usage"]["total_tokens"]
    )
    assert upstream[-1]["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "hello"},
    ]
    [metric] = [m for m in cap.metrics if "_aws" in m]
    assert metric["Route"] == "responses" and metric["Model"] == "chat"


def test_items_translate_to_chat_messages(table: Table, upstream: list) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    body = {
        "model": "chat",
        "max_output_tokens": 50,
        "temperature": 0.5,
        "top_p": 0.9,
        "tools": [TOOL],
        "input": [
            {"role": "developer", "content": [{"type": "input_text", "text": "terse"}]},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
            {"role": "assistant", "content": [{"type": "output_text", "text": "let me look"}]},
            {"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
        ],
    }
    resp = post(gw, "/v1/responses", body)
    assert resp.status == 200, resp.body
    sent = upstream[-1]
    assert sent["messages"] == [
        {"role": "developer", "content": [{"type": "text", "text": "terse"}]},
        {"role": "user", "content": [{"type": "text", "text": "hi"}]},
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "let me look"}],
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "content": "sunny", "tool_call_id": "c1"},
    ]
    assert (sent["max_completion_tokens"], sent["temperature"], sent["top_p"]) == (50, 0.5, 0.9)
    assert sent["tools"] == [
        {"type": "function", "function": {k: v for k, v in TOOL.items() if k != "type"}}
    ]
    doc = json.loads(resp.body)
    assert doc["tools"] == [{**TOOL, "strict": None}] and doc["max_output_tokens"] == 50


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"tools": [{"type": "web_search"}]}, "tools[0].type", "unsupported_parameter"),
        ({"background": True}, "background", "unsupported_parameter"),
        ({"reasoning": {"effort": "low"}}, "reasoning", "unsupported_parameter"),
        ({"conversation": "conv_1"}, "conversation", "unsupported_parameter"),
        ({"truncation": "auto"}, "truncation", "unsupported_value"),
        ({"include": ["file_search_call.results"]}, "include", "unsupported_value"),
        ({"text": {"format": {"type": "json_object"}}}, "text", "unsupported_value"),
        ({"input": [{"type": "web_search_call"}]}, "input[0].type", "unsupported_value"),
        ({"input": 3}, "input", "invalid_type"),
        ({"max_output_tokens": 0}, "max_output_tokens", "invalid_value"),
        ({"temperature": 3}, "temperature", "invalid_value"),
        ({"store": "yes"}, "store", "invalid_type"),
        ({"metadata": {"k": 1}}, "metadata", "invalid_value"),
    ],
)
def test_unsupported_and_invalid_fields_are_400_naming_the_param(
    table: Table, upstream: list, body: dict[str, Any], param: str, code: str
) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    resp = post(gw, "/v1/responses", {"model": "chat", "input": "hi", **body})
    err = json.loads(resp.body)["error"]
    assert (resp.status, err["param"], err["code"]) == (400, param, code), err
    assert upstream == []


def test_stored_response_reads_back_for_its_tenant_only(table: Table) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    doc = json.loads(post(gw, "/v1/responses", {"model": "chat", "input": "hi"}).body)
    assert doc["store"] is True
    [item] = items(table)
    assert item["pk"] == {"S": f"resp#acme#{doc['id']}"}
    got = call(gw, "GET", f"/v1/responses/{doc['id']}")
    assert got.status == 200 and json.loads(got.body) == doc
    # tenant B with tenant A's id: not found, and A's response is untouched
    for method in ("GET", "DELETE"):
        other = call(gw, method, f"/v1/responses/{doc['id']}", OTHER)
        assert other.status == 404, method
        assert json.loads(other.body)["error"]["code"] == "response_not_found"
    assert len(items(table)) == 1
    gone = call(gw, "DELETE", f"/v1/responses/{doc['id']}")
    assert json.loads(gone.body) == {"id": doc["id"], "object": "response", "deleted": True}
    assert items(table) == []
    assert call(gw, "GET", f"/v1/responses/{doc['id']}").status == 404
    assert call(gw, "DELETE", f"/v1/responses/{doc['id']}").status == 404


def test_the_item_expires_after_the_retention(table: Table) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    post(gw, "/v1/responses", {"model": "chat", "input": "hi"})
    [item] = items(table)
    import time

    assert abs(int(item["expires_at"]["N"]) - (time.time() + 7 * 86400)) < 60


def test_store_false_stores_nothing(table: Table) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    resp = post(gw, "/v1/responses", {"model": "chat", "input": "hi", "store": False})
    doc = json.loads(resp.body)
    assert resp.status == 200 and doc["store"] is False
    assert items(table) == []
    assert call(gw, "GET", f"/v1/responses/{doc['id']}").status == 404


def test_previous_response_id_continues_the_conversation(table: Table, upstream: list) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    first = json.loads(
        post(gw, "/v1/responses", {"model": "chat", "input": "one", "instructions": "A"}).body
    )
    resp = post(
        gw,
        "/v1/responses",
        {"model": "chat", "input": "two", "instructions": "B", "previous_response_id": first["id"]},
    )
    assert resp.status == 200, resp.body
    assert json.loads(resp.body)["previous_response_id"] == first["id"]
    # the earlier instructions are not carried over (OpenAI documents the same)
    assert upstream[-1]["messages"] == [
        {"role": "system", "content": "B"},
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "[mock:echo] You said: one"},
        {"role": "user", "content": "two"},
    ]


def test_another_tenants_previous_response_is_404_and_nothing_goes_upstream(
    table: Table, upstream: list
) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    first = json.loads(post(gw, "/v1/responses", {"model": "chat", "input": "secret"}).body)
    upstream.clear()
    body = {"model": "chat", "input": "what did they say?", "previous_response_id": first["id"]}
    resp = post(gw, "/v1/responses", body, OTHER)
    err = json.loads(resp.body)["error"]
    assert (resp.status, err["code"], err["param"]) == (
        404,
        "response_not_found",
        "previous_response_id",
    )
    assert upstream == []


def test_function_tool_round_trip(table: Table, upstream: list) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    body = {
        "model": "chat",
        "input": "weather in Paris?",
        "tools": [TOOL],
        "tool_choice": "required",
    }
    first = json.loads(post(gw, "/v1/responses", body).body)
    [fc] = first["output"]
    assert fc["type"] == "function_call" and fc["name"] == "get_weather"
    assert upstream[-1]["tool_choice"] == "required"
    follow = {
        "model": "chat",
        "previous_response_id": first["id"],
        "tools": [TOOL],
        "input": [{"type": "function_call_output", "call_id": fc["call_id"], "output": "sunny"}],
    }
    second = json.loads(post(gw, "/v1/responses", follow).body)
    assert second["output"][0]["type"] == "message"
    assert upstream[-1]["messages"][-2:] == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": fc["call_id"],
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": fc["arguments"]},
                }
            ],
        },
        {"role": "tool", "content": "sunny", "tool_call_id": fc["call_id"]},
    ]


def events(resp: Any) -> list[dict[str, Any]]:
    body = resp.read_all().decode()
    out = []
    for block in body.split("\n\n"):
        if block.strip():
            name, data = block.split("\n")
            doc = json.loads(data[len("data: ") :])
            assert name == f"event: {doc['type']}"
            out.append(doc)
    return out


def test_streamed_text_events_in_order_and_stored(table: Table) -> None:
    gw, cap = make_gateway(quota_client=table.client)
    resp = post(gw, "/v1/responses", {"model": "chat", "input": "hi there", "stream": True})
    assert resp.status == 200 and resp.headers["content-type"] == "text/event-stream"
    evs = events(resp)
    kinds = [e["type"] for e in evs]
    deltas = [e["delta"] for e in evs if e["type"] == "response.output_text.delta"]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[4 : 4 + len(deltas)] == ["response.output_text.delta"] * len(deltas)
    assert kinds[4 + len(deltas) :] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e["sequence_number"] for e in evs] == list(range(len(evs)))
    text = "[mock:echo] You said: hi there"
    assert "".join(deltas) == text
    final = evs[-1]["response"]
    assert final["output"][0]["content"][0]["text"] == text and final["usage"]["total_tokens"] > 0
    stored = json.loads(call(gw, "GET", f"/v1/responses/{final['id']}").body)
    assert stored == final
    assert [m["Route"] for m in cap.metrics if "_aws" in m] == ["responses", "responses_get"]


def test_streamed_function_call_events(table: Table) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    body = {
        "model": "chat",
        "input": "x",
        "tools": [TOOL],
        "tool_choice": "required",
        "stream": True,
    }
    evs = events(post(gw, "/v1/responses", body))
    kinds = [e["type"] for e in evs]
    assert kinds == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    done = evs[4]
    assert done["name"] == "get_weather" and json.loads(done["arguments"]) == {"mock": True}
    assert evs[-1]["response"]["output"] == [evs[5]["item"]]


def test_max_output_tokens_cut_is_incomplete(table: Table) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    body = {"model": "chat", "input": "a b c d e f", "max_output_tokens": 2}
    doc = json.loads(post(gw, "/v1/responses", body).body)
    assert doc["status"] == "incomplete"
    assert doc["incomplete_details"] == {"reason": "max_output_tokens"}
    evs = events(post(gw, "/v1/responses", {**body, "stream": True}))
    assert evs[-1]["type"] == "response.incomplete"


def test_without_a_table_nothing_is_stored_and_store_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIGW_RESPONSES_TABLE", raising=False)
    gw, _ = make_gateway()
    doc = json.loads(post(gw, "/v1/responses", {"model": "chat", "input": "hi"}).body)
    assert doc["store"] is False
    for extra, param in (
        ({"store": True}, "store"),
        ({"previous_response_id": "r"}, "previous_response_id"),
    ):
        resp = post(gw, "/v1/responses", {"model": "chat", "input": "hi", **extra})
        assert (resp.status, json.loads(resp.body)["error"]["param"]) == (400, param)
    assert call(gw, "GET", "/v1/responses/resp_1").status == 404


def test_usage_is_metered_and_a_spent_budget_is_refused(table: Table, upstream: list) -> None:
    cfg = base_config(quotas={"enabled": True, "table_name": table.name, "default_tokens": 40})
    gw, cap = make_gateway(cfg, quota_client=table.client)
    resp = post(gw, "/v1/responses", {"model": "chat", "input": "hi", "max_output_tokens": 10})
    doc = json.loads(resp.body)
    used = table.client.scan(
        TableName=table.name,
        FilterExpression="begins_with(pk, :q)",
        ExpressionAttributeValues={":q": {"S": "quota#acme#"}},
    )["Items"]
    assert [int(i["used"]["N"]) for i in used] == [doc["usage"]["total_tokens"]]
    sent = len(upstream)
    refused = None
    for _ in range(20):
        refused = post(
            gw, "/v1/responses", {"model": "chat", "input": "hi", "max_output_tokens": 10}
        )
        if refused.status != 200:
            break
    assert refused is not None and refused.status == 429
    assert json.loads(refused.body)["error"]["code"] == "insufficient_quota"
    assert len(upstream) > sent  # some went through before the budget ran out
    first = next(log for log in cap.logs if log.get("msg") == "request")
    assert (first["route"], first["input_tokens"], first["output_tokens"]) == (
        "responses",
        doc["usage"]["input_tokens"],
        doc["usage"]["output_tokens"],
    )
    # the default redaction keeps the sizes of the texts, never the texts
    assert first["prompt"] == {"chars": 2} and "completion" in first
    assert "You said" not in json.dumps(cap.logs)


def test_methods_other_than_get_and_delete_are_405(table: Table) -> None:
    gw, _ = make_gateway(quota_client=table.client)
    assert call(gw, "POST", "/v1/responses/resp_1").status == 405
    assert call(gw, "GET", "/v1/responses").status == 405


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4)
    ),
    max_leaves=25,
)
FIELDS = sorted(responses_shape.FIELDS)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.dictionaries(st.sampled_from([*FIELDS, "x"]), JSON, max_size=6)
    | st.fixed_dictionaries(
        {
            "model": st.just("chat"),
            "input": st.lists(
                st.dictionaries(
                    st.sampled_from(
                        ["type", "role", "content", "call_id", "name", "arguments", "output"]
                    ),
                    JSON
                    | st.sampled_from(["message", "function_call", "function_call_output", "user"]),
                    max_size=5,
                ),
                max_size=3,
            ),
        }
    )
    | JSON
)
def test_parse_never_raises_past_a_400(body: Any) -> None:
    try:
        responses_shape.parse(body, LimitsConfig())
    except ApiError as err:
        assert err.status == 400 and (err.param is None or isinstance(err.param, str))


def test_a_gateway_fault_mid_stream_ends_with_an_error_event(
    table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, target: Any, request: dict[str, Any], timeout: float) -> Any:
        yield {"choices": [{"index": 0, "delta": {"content": "half"}, "finish_reason": None}]}
        raise RuntimeError("a bug")

    monkeypatch.setattr(MockProvider, "chat_stream", broken)
    gw, cap = make_gateway(quota_client=table.client)
    evs = events(post(gw, "/v1/responses", {"model": "chat", "input": "x", "stream": True}))
    assert [e["type"] for e in evs][-1] == "error"
    assert (evs[-1]["code"], evs[-1]["param"]) == ("internal_error", None)
    assert "a bug" not in json.dumps(evs)
    assert items(table) == []  # a failed response is not stored
    request = next(log for log in cap.logs if log.get("msg") == "request")
    assert (request["status"], request["error_code"]) == (500, "internal_error")


def test_an_expired_response_is_gone_before_ttl_deletes_it(table: Table) -> None:
    from llm_gateway.responses_store import ResponseStore

    now = [1_800_000_000.0]
    store = ResponseStore(table.name, 1, table.client, clock=lambda: now[0])
    doc = {"id": "resp_1", "object": "response"}
    store.put("acme", doc, [{"role": "user", "content": "hi"}])
    assert table.item("resp#acme#resp_1")["expires_at"] == {"N": str(1_800_000_000 + 86400)}
    assert store.get("acme", "resp_1") == doc
    assert store.conversation("acme", "resp_1") == [{"role": "user", "content": "hi"}]
    assert store.get("globex", "resp_1") is None
    now[0] += 86400
    assert store.get("acme", "resp_1") is None
    assert store.conversation("acme", "resp_1") is None
    assert store.delete("acme", "resp_1") is False
    assert table.item("resp#acme#resp_1") is not None  # still there until TTL removes it
