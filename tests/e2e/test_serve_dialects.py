"""OpenAI's Responses API and Anthropic's Messages API through the local data plane:
`aigw serve` against the session's shared `envs/local` apply (tests/integration/
local_env.py; this file is in its GROUP_FILES, so it shares the one apply), driven by the
official `openai` SDK, the OpenAI Agents SDK and the `anthropic` SDK.

The env routes `mock-chat` to the deterministic mock provider: it answers
"[mock:echo] You said: <last user text>", and calls the first tool (arguments
``{"mock": true}``) when the tool choice is required (``any`` in Anthropic's words) or
names a function, unless the last message is a tool result. Each scenario has its own
tenant and key."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import openai
import pytest
from local_env import LocalEnv
from openai_contract import text_response_event_types
from serve_process import ServeProcess, openai_client

pytestmark = [pytest.mark.sandbox, pytest.mark.terraform, pytest.mark.slow]

MODEL = "mock-chat"


def said(text: str) -> str:
    """What the mock provider answers to ``text``."""
    return f"[mock:echo] You said: {text}"


@pytest.fixture(scope="module")
def server(local_env: LocalEnv) -> Iterator[ServeProcess]:
    srv = ServeProcess(local_env)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def new_tenant(local_env: LocalEnv) -> Callable[[str], str]:
    """A tenant allowed `mock-chat` and a fresh key for it (each scenario has its own)."""

    def make(name: str) -> str:
        local_env.aigw("tenants", "create", name, "--tier", "standard", "--models", MODEL)
        return local_env.aigw("keys", "create", "--tenant", name)["key"]

    return make


def anthropic_client(server: ServeProcess, **auth: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.url, max_retries=0, timeout=30, **auth)


def function_log(server: ServeProcess, access_line: str) -> dict[str, Any]:
    """The gateway function's JSON request log line for the request of ``access_line``."""
    request_id = access_line.rsplit("request_id=", 1)[1].strip()
    for line in server.output().splitlines():
        if line.startswith("{") and request_id in line:
            record = json.loads(line)
            if record.get("request_id") == request_id and "route" in record:
                return record
    raise AssertionError(f"no function log line for {request_id}:\n{server.output()[-3000:]}")


def access_line(server: ServeProcess, request_id: str) -> str:
    return server.access_line(request_id)


def tenant_lines(server: ServeProcess, prefix: str, tenant: str, count: int) -> list[str]:
    """The ``prefix`` access lines of ``tenant`` (each scenario's own), once ``count``."""
    deadline = time.monotonic() + 10
    while True:
        lines = [ln for ln in server.lines(prefix) if f" tenant={tenant} " in ln]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def logged(server: ServeProcess, request_id: str, prefix: str, tenant: str) -> dict[str, Any]:
    """The access line of ``request_id`` (200, ``tenant``) and the function's log line."""
    line = access_line(server, request_id)
    assert line.startswith(prefix) and " 200 " in line and f" tenant={tenant} " in line
    record = function_log(server, line)
    assert record["tenant"] == tenant and record["status"] == 200
    return record


# ------------------------------------------------------------------ Responses API


def test_responses_create_is_stored_and_logged(server: ServeProcess, new_tenant) -> None:
    key = new_tenant("resp-create")
    client = openai_client(server, key)
    raw = client.responses.with_raw_response.create(model=MODEL, input="hello responses")
    resp = raw.parse()
    assert raw.http_response.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.headers["x-amzn-requestid"]
    assert resp.object == "response" and resp.status == "completed"
    assert resp.output_text == said("hello responses")
    assert resp.usage.input_tokens > 0 and resp.usage.output_tokens == 5
    assert resp.usage.total_tokens == resp.usage.input_tokens + resp.usage.output_tokens
    record = logged(server, raw.headers["x-amzn-requestid"], "POST /v1/responses ", "resp-create")
    assert record["route"] == "responses" and record["model"] == MODEL
    assert record["input_tokens"] == resp.usage.input_tokens
    assert record["output_tokens"] == resp.usage.output_tokens
    assert key not in server.output() and "hello responses" not in server.output()
    # Stored by default (store: true), in llm-route's <name>-responses table.
    assert client.responses.retrieve(resp.id).output_text == resp.output_text


def test_responses_stream_events_in_order(server: ServeProcess, new_tenant) -> None:
    client = openai_client(server, new_tenant("resp-stream"))
    events = list(client.responses.create(model=MODEL, input="one two three", stream=True))
    kinds = [e.type for e in events]
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert kinds == text_response_event_types(len(deltas))
    assert len(deltas) == 6  # one per word of the mock's answer
    assert "".join(deltas) == said("one two three")
    assert [e.sequence_number for e in events] == list(range(len(events)))
    final = events[-1].response
    assert final.output_text == said("one two three") and final.usage.total_tokens > 0
    assert client.responses.retrieve(final.id).output_text == said("one two three")


def test_responses_function_tool_round_trip(server: ServeProcess, new_tenant) -> None:
    client = openai_client(server, new_tenant("resp-tools"))
    tool = {
        "type": "function",
        "name": "lookup",
        "description": "Look something up",
        "parameters": {"type": "object", "properties": {"mock": {"type": "boolean"}}},
    }
    first = client.responses.create(
        model=MODEL, input="look it up", tools=[tool], tool_choice="required"
    )
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "lookup"
    assert json.loads(calls[0].arguments) == {"mock": True}
    second = client.responses.create(
        model=MODEL,
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": calls[0].call_id, "output": "found it"}],
        tools=[tool],
    )
    assert second.output_text == said("look it up")  # the last user text, from turn one
    assert second.previous_response_id == first.id


def test_responses_previous_response_id_continues(server: ServeProcess, new_tenant) -> None:
    client = openai_client(server, new_tenant("resp-thread"))
    first = client.responses.create(model=MODEL, input="my name is Ada " * 8)
    fresh = client.responses.create(model=MODEL, input="and mine?", store=False)
    second = client.responses.create(model=MODEL, input="and mine?", previous_response_id=first.id)
    assert second.output_text == said("and mine?")
    # The first turn (question and answer) went to the model again: more input tokens.
    assert second.usage.input_tokens > fresh.usage.input_tokens + 20
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(fresh.id)  # store: false keeps nothing
    client.responses.delete(first.id)
    with pytest.raises(openai.NotFoundError) as info:
        client.responses.create(model=MODEL, input="x", previous_response_id=first.id)
    assert info.value.body["param"] == "previous_response_id"


def test_responses_are_the_tenants_own(server: ServeProcess, new_tenant) -> None:
    owner = openai_client(server, new_tenant("resp-owner"))
    other = openai_client(server, new_tenant("resp-other"))
    resp = owner.responses.create(model=MODEL, input="private words")
    with pytest.raises(openai.NotFoundError) as info:
        other.responses.retrieve(resp.id)
    assert info.value.status_code == 404 and info.value.body["code"] == "response_not_found"
    line = access_line(server, info.value.response.headers["x-amzn-requestid"])
    assert line.startswith(f"GET /v1/responses/{resp.id} 404 ") and " tenant=resp-other " in line
    with pytest.raises(openai.NotFoundError):
        other.responses.delete(resp.id)
    with pytest.raises(openai.NotFoundError):
        other.responses.create(model=MODEL, input="and?", previous_response_id=resp.id)
    assert owner.responses.retrieve(resp.id).output_text == said("private words")


def test_openai_agents_sdk_runs_an_agent_with_a_function_tool(
    server: ServeProcess, new_tenant
) -> None:
    """The Agents SDK (Responses API by default): the model asks for the tool (the tool
    choice is required; the SDK resets it after the call), the SDK runs it and sends the
    output back, the model answers."""
    import agents

    calls: list[bool] = []

    @agents.function_tool
    def lookup(mock: bool) -> str:
        """Look something up."""
        calls.append(mock)
        return "found it"

    key = new_tenant("agents")
    client = openai.AsyncOpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0)
    agent = agents.Agent(
        name="lookup",
        instructions="Use the tool, then answer.",
        tools=[lookup],
        model=agents.OpenAIResponsesModel(model=MODEL, openai_client=client),
        model_settings=agents.ModelSettings(tool_choice="required"),
    )
    result = agents.Runner.run_sync(
        agent, "what is it?", run_config=agents.RunConfig(tracing_disabled=True)
    )
    assert calls == [True]
    assert result.final_output == said("what is it?")
    lines = tenant_lines(server, "POST /v1/responses ", "agents", 2)
    assert len(lines) == 2 and all(" 200 " in ln for ln in lines)


# ------------------------------------------------------------------ Messages API


def test_messages_create_with_x_api_key(server: ServeProcess, new_tenant) -> None:
    key = new_tenant("msg-create")
    raw = anthropic_client(server, api_key=key).messages.with_raw_response.create(
        model=MODEL,
        max_tokens=50,
        system="Be brief.",
        messages=[{"role": "user", "content": "hello messages"}],
    )
    msg = raw.parse()
    assert raw.http_response.status_code == 200
    assert raw.headers["request-id"] and raw.headers["content-type"].startswith("application/json")
    assert msg.type == "message" and msg.role == "assistant" and msg.model == MODEL
    assert [b.type for b in msg.content] == ["text"]
    assert msg.content[0].text == said("hello messages")
    assert msg.stop_reason == "end_turn"
    assert msg.usage.input_tokens > 0 and msg.usage.output_tokens == 5
    record = logged(server, raw.headers["x-amzn-requestid"], "POST /v1/messages ", "msg-create")
    assert record["route"] == "messages" and record["model"] == MODEL
    assert record["input_tokens"] == msg.usage.input_tokens
    assert record["output_tokens"] == msg.usage.output_tokens
    assert key not in server.output()


def test_messages_with_a_bearer_token(server: ServeProcess, new_tenant) -> None:
    msg = anthropic_client(server, auth_token=new_tenant("msg-bearer")).messages.create(
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "bearer here"}]
    )
    assert msg.content[0].text == said("bearer here")


def test_messages_stream_events_in_order(server: ServeProcess, new_tenant) -> None:
    client = anthropic_client(server, api_key=new_tenant("msg-stream"))
    with client.messages.stream(
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "one two three"}]
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    kinds = [e.type for e in events if e.type != "text"]  # "text": the helper's own events
    deltas = [e for e in events if e.type == "content_block_delta"]
    assert kinds == [
        "message_start",
        "content_block_start",
        *["content_block_delta"] * len(deltas),
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert len(deltas) == 6
    assert "".join(d.delta.text for d in deltas) == said("one two three")
    assert final.content[0].text == said("one two three") and final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 6


def test_messages_tool_round_trip(server: ServeProcess, new_tenant) -> None:
    client = anthropic_client(server, api_key=new_tenant("msg-tools"))
    tool = {
        "name": "lookup",
        "description": "Look something up",
        "input_schema": {"type": "object", "properties": {"mock": {"type": "boolean"}}},
    }
    messages: list[dict[str, Any]] = [{"role": "user", "content": "look it up"}]
    first = client.messages.create(
        model=MODEL, max_tokens=50, messages=messages, tools=[tool], tool_choice={"type": "any"}
    )
    assert first.stop_reason == "tool_use"
    uses = [b for b in first.content if b.type == "tool_use"]
    assert len(uses) == 1 and uses[0].name == "lookup" and uses[0].input == {"mock": True}
    messages += [
        {"role": "assistant", "content": first.content},  # as Anthropic's docs do
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": "found"}],
        },
    ]
    second = client.messages.create(model=MODEL, max_tokens=50, messages=messages, tools=[tool])
    assert second.stop_reason == "end_turn"
    assert second.content[0].text == said("look it up")


def test_messages_count_tokens_is_refused_on_the_mock(server: ServeProcess, new_tenant) -> None:
    client = anthropic_client(server, api_key=new_tenant("msg-count"))
    with pytest.raises(anthropic.BadRequestError) as info:
        client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "x"}])
    assert info.value.body["type"] == "error"
    assert "count_tokens is not supported" in info.value.message


def test_messages_errors_are_the_sdks_exception_classes(server: ServeProcess, new_tenant) -> None:
    client = anthropic_client(server, api_key=new_tenant("msg-errors"))
    with pytest.raises(anthropic.NotFoundError) as missing:
        client.messages.create(
            model="mock-embed", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )
    assert missing.value.status_code == 404
    assert missing.value.body["type"] == "error"
    assert missing.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.BadRequestError) as bad:
        client.messages.create(model=MODEL, max_tokens=0, messages=[])
    assert bad.value.body["error"]["type"] == "invalid_request_error"


def test_messages_without_any_key_is_401_from_the_gateway(server: ServeProcess) -> None:
    """Neither x-api-key nor Authorization: the authorizer refuses (the Messages routes'
    scheme has no identity source, so API Gateway calls it) and API Gateway answers with
    its UNAUTHORIZED gateway response, which is OpenAI-shaped on every route (ADR 0121)."""
    body = json.dumps(
        {"model": MODEL, "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    ).encode()
    req = urllib.request.Request(
        server.url + "/v1/messages",
        data=body,
        headers={"content-type": "application/json", "anthropic-version": "2023-06-01"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 401
    assert json.loads(info.value.read())["error"]["code"] == "invalid_api_key"
    line = access_line(server, info.value.headers["x-amzn-requestid"])
    assert line.startswith("POST /v1/messages 401 ") and " tenant=- " in line
    # The SDK maps the status to its class, whatever the body's shape.
    with pytest.raises(anthropic.AuthenticationError):
        anthropic_client(server, api_key="aigw-v1-notakey").messages.create(
            model=MODEL, max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )


def test_openai_routes_still_need_the_authorization_header(
    server: ServeProcess, new_tenant
) -> None:
    """The OpenAI routes keep the cached scheme whose identity source is Authorization:
    a key in x-api-key alone is refused by API Gateway (no authorizer call, no tenant)."""
    key = new_tenant("openai-xkey")
    req = urllib.request.Request(server.url + "/v1/models", headers={"x-api-key": key})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 401
    line = access_line(server, info.value.headers["x-amzn-requestid"])
    assert line.startswith("GET /v1/models 401 ") and " tenant=- " in line
