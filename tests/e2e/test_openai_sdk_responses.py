"""The official ``openai`` SDK's Responses API (``client.responses``) against the gateway
core behind a loopback HTTP server, over the fake Bedrock runtime and the fake
OpenAI-compatible upstream, with stored responses in an in-process DynamoDB. Every
body and stream event is validated against OpenAI's OpenAPI document (in the gateway,
by the conftest, and again as the SDK's HTTP client receives it)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator

import openai
import pytest
from aigw_fakes import FakeBedrock, FakeExtension, FakeOpenAI, GatewayServer
from openai_contract import Contract, checking_http_client, text_response_event_types

from conftest import gateway_config
from ddb_inprocess import Table, dynamodb_table
from llm_gateway.config import parse_config
from llm_gateway.core import Gateway

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Table]:
    with dynamodb_table("aigw-llm-responses") as t:
        monkeypatch.setenv("AIGW_RESPONSES_TABLE", t.name)
        yield t


@pytest.fixture
def url(
    table: Table,
    fake_openai: FakeOpenAI,
    fake_bedrock: FakeBedrock,
    fake_extension: FakeExtension,
    bedrock_creds: None,
    gateway_logs: io.StringIO,
) -> Iterator[str]:
    cfg = parse_config(gateway_config(fake_openai.url, fake_bedrock.url))
    gw = Gateway(
        lambda: cfg,
        log_sink=lambda line: gateway_logs.write(line + "\n"),
        metrics_sink=lambda line: gateway_logs.write(line + "\n"),
        quota_client=table.client,
        sleep=lambda s: None,
    )
    srv = GatewayServer(gw)
    yield srv.url + "/v1"
    srv.close()


@pytest.fixture
def client_for(url: str) -> Callable[[str], openai.OpenAI]:
    def make(tenant: str = "acme") -> openai.OpenAI:
        return openai.OpenAI(
            base_url=url,
            api_key=f"sk-{tenant}",
            max_retries=0,
            timeout=20,
            http_client=checking_http_client(),
        )

    return make


@pytest.fixture
def client(client_for: Callable[[str], openai.OpenAI]) -> openai.OpenAI:
    return client_for("acme")


def test_create_through_openai_compatible_upstream(
    client: openai.OpenAI, fake_openai: FakeOpenAI, openai_contract: Contract
) -> None:
    resp = client.responses.create(model="gpt", input="hello", instructions="be brief")
    assert resp.output_text == "fake-openai says: hello"
    assert (resp.status, resp.model, resp.object) == ("completed", "gpt", "response")
    assert resp.usage is not None and resp.usage.total_tokens == 16
    assert fake_openai.requests[-1]["body"]["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]
    assert "Response" in openai_contract.checked


def test_create_through_bedrock_converse(client: openai.OpenAI, fake_bedrock: FakeBedrock) -> None:
    resp = client.responses.create(
        model="claude", input="hi there", max_output_tokens=50, temperature=0.2
    )
    assert resp.output_text == "fake-bedrock says: hi there"
    sent = fake_bedrock.requests[-1]
    assert sent["op"] == "converse"
    assert sent["body"]["inferenceConfig"] == {"maxTokens": 50, "temperature": 0.2}


@pytest.mark.parametrize("model", ["gpt", "claude"])
def test_streamed_events_in_order(
    client: openai.OpenAI, model: str, openai_contract: Contract
) -> None:
    events = list(client.responses.create(model=model, input="stream please", stream=True))
    kinds = [e.type for e in events]
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) >= 2
    assert kinds == text_response_event_types(len(deltas))
    says = "fake-openai" if model == "gpt" else "fake-bedrock"
    assert "".join(deltas) == f"{says} says: stream please"
    assert events[-1].response.output_text == f"{says} says: stream please"
    assert events[-1].response.usage.total_tokens > 0
    assert "ResponseCompletedEvent" in openai_contract.checked
    # the stream's final response is the stored one
    assert client.responses.retrieve(events[-1].response.id).output_text == "".join(deltas)


def test_streamed_function_call_on_bedrock(client: openai.OpenAI) -> None:
    events = list(
        client.responses.create(model="claude", input="weather?", tools=[WEATHER], stream=True)
    )
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    args = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert args == done.arguments == '{"city": "Paris"}' and done.name == "get_weather"
    [call] = events[-1].response.output
    assert call.type == "function_call" and call.call_id == "tooluse_1"


def test_upstream_failure_mid_stream_is_response_failed(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="broken-stream", input="a b c d", stream=True))
    assert events[0].type == "response.created"
    assert events[-1].type == "response.failed"
    assert events[-1].response.status == "failed"
    assert events[-1].response.error.code == "server_error"


def test_function_tool_round_trip(client: openai.OpenAI, fake_bedrock: FakeBedrock) -> None:
    first = client.responses.create(model="claude", input="weather in Paris?", tools=[WEATHER])
    [call] = first.output
    assert call.type == "function_call" and call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Paris"}
    second = client.responses.create(
        model="claude",
        previous_response_id=first.id,
        tools=[WEATHER],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}],
    )
    assert second.output_text.startswith("fake-bedrock says:")
    sent = fake_bedrock.requests[-1]["body"]["messages"]
    assert sent[0]["content"] == [{"text": "weather in Paris?"}]
    assert sent[1]["content"][0]["toolUse"]["input"] == {"city": "Paris"}
    assert sent[2]["content"][0]["toolResult"]["toolUseId"] == call.call_id


def test_previous_response_id_sends_the_first_turn_upstream(
    client: openai.OpenAI, fake_openai: FakeOpenAI
) -> None:
    first = client.responses.create(model="gpt", input="one")
    second = client.responses.create(model="gpt", input="two", previous_response_id=first.id)
    assert second.previous_response_id == first.id
    assert fake_openai.requests[-1]["body"]["messages"] == [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "fake-openai says: one"},
        {"role": "user", "content": "two"},
    ]


def test_retrieve_and_delete_are_the_tenants_own(
    client_for: Callable[[str], openai.OpenAI], fake_openai: FakeOpenAI
) -> None:
    acme, globex = client_for("acme"), client_for("globex")
    resp = acme.responses.create(model="gpt", input="private")
    assert acme.responses.retrieve(resp.id).output_text == resp.output_text
    with pytest.raises(openai.NotFoundError):
        globex.responses.retrieve(resp.id)
    with pytest.raises(openai.NotFoundError):
        globex.responses.delete(resp.id)
    sent = len(fake_openai.requests)
    with pytest.raises(openai.NotFoundError) as exc:
        globex.responses.create(model="gpt", input="and?", previous_response_id=resp.id)
    assert exc.value.body["param"] == "previous_response_id"
    assert len(fake_openai.requests) == sent  # nothing went upstream
    acme.responses.delete(resp.id)
    with pytest.raises(openai.NotFoundError):
        acme.responses.retrieve(resp.id)


def test_store_false_keeps_nothing(client: openai.OpenAI, table: Table) -> None:
    resp = client.responses.create(model="gpt", input="ephemeral", store=False)
    assert resp.store is False
    assert table.client.scan(TableName=table.name)["Items"] == []


def test_built_in_tools_are_refused_naming_the_parameter(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as exc:
        client.responses.create(model="gpt", input="x", tools=[{"type": "web_search"}])
    assert exc.value.body["param"] == "tools[0].type"
    assert exc.value.body["code"] == "unsupported_parameter"
    with pytest.raises(openai.BadRequestError) as exc:
        client.responses.create(model="gpt", input="x", background=True)
    assert exc.value.body["param"] == "background"


def test_openai_agents_sdk_runs_an_agent_with_a_function_tool(
    url: str, fake_bedrock: FakeBedrock
) -> None:
    """The OpenAI Agents SDK (Responses API by default): the model asks for the tool,
    the SDK runs it and sends its output back, the model answers."""
    import agents

    calls: list[str] = []

    @agents.function_tool
    def get_weather(city: str) -> str:
        """Weather for a city."""
        calls.append(city)
        return f"sunny in {city}"

    client = openai.AsyncOpenAI(base_url=url, api_key="sk-acme", max_retries=0, timeout=20)
    agent = agents.Agent(
        name="weather",
        instructions="Answer with the weather.",
        tools=[get_weather],
        model=agents.OpenAIResponsesModel(model="claude", openai_client=client),
    )
    result = agents.Runner.run_sync(
        agent, "weather in Paris?", run_config=agents.RunConfig(tracing_disabled=True)
    )
    assert calls == ["Paris"]
    assert result.final_output.startswith("fake-bedrock says:")
    sent = fake_bedrock.requests[-1]["body"]
    assert sent["system"] == [{"text": "Answer with the weather."}]
    assert sent["messages"][-1]["content"][0]["toolResult"]["content"] == [
        {"text": "sunny in Paris"}
    ]
