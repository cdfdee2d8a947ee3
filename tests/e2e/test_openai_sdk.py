"""The official ``openai`` SDK against the gateway core behind a loopback HTTP server,
with a fake Bedrock runtime and a fake OpenAI-compatible upstream."""

from __future__ import annotations

import base64
import io
import json
import struct
from typing import Any

import openai
import pytest
from aigw_fakes import UPSTREAM_KEY, FakeBedrock, FakeOpenAI
from openai_contract import Contract, checking_http_client


@pytest.fixture
def client(gateway_url: str) -> openai.OpenAI:
    """Responses are checked in the gateway (conftest) and, as the sandbox suite does for
    a gateway in another process, again as the SDK's HTTP client receives them."""
    return openai.OpenAI(
        base_url=gateway_url,
        api_key="sk-acme",
        max_retries=0,
        timeout=20,
        http_client=checking_http_client(),
    )


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def test_models_lists_configured_aliases(client: openai.OpenAI) -> None:
    ids = {m.id for m in client.models.list()}
    assert {"gpt", "claude", "titan"} <= ids


def test_models_retrieve_answers_one_alias_or_404(client: openai.OpenAI) -> None:
    model = client.models.retrieve("claude")
    assert (model.id, model.object, model.owned_by) == ("claude", "model", "aigw")
    with pytest.raises(openai.NotFoundError) as exc:
        client.models.retrieve("no-such-model")
    assert exc.value.body["code"] == "model_not_found" and exc.value.body["param"] == "model"


def test_chat_completion_through_openai_compatible_upstream(
    client: openai.OpenAI, fake_openai: FakeOpenAI
) -> None:
    resp = client.chat.completions.create(
        model="gpt", messages=[{"role": "user", "content": "hello"}]
    )
    assert resp.choices[0].message.content == "fake-openai says: hello"
    assert resp.model == "gpt"
    assert resp.usage.total_tokens == 16
    sent = fake_openai.requests[-1]
    assert sent["body"]["model"] == "ok"
    assert sent["headers"]["authorization"] == f"Bearer {UPSTREAM_KEY}"


def test_chat_completion_through_bedrock_converse(
    client: openai.OpenAI, fake_bedrock: FakeBedrock
) -> None:
    resp = client.chat.completions.create(
        model="claude",
        max_tokens=50,
        temperature=0.2,
        messages=[
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hi there"},
        ],
    )
    assert resp.choices[0].message.content == "fake-bedrock says: hi there"
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage.prompt_tokens == 12  # 10 input + 2 cache read
    assert resp.usage.prompt_tokens_details.cached_tokens == 2
    sent = fake_bedrock.requests[-1]
    assert sent["op"] == "converse"
    assert sent["body"]["system"] == [{"text": "be brief"}]
    assert sent["body"]["inferenceConfig"] == {"maxTokens": 50, "temperature": 0.2}


def test_streaming_from_bedrock_yields_text_and_usage(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="claude",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "stream please"}],
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "fake-bedrock says: stream please"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 12
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_streaming_from_openai_upstream(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="gpt", stream=True, messages=[{"role": "user", "content": "a b c"}]
    )
    chunks = list(stream)
    assert (
        "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        == "fake-openai says: a b c"
    )
    assert all(c.usage is None for c in chunks)  # include_usage not requested


def test_tool_call_round_trip_on_bedrock(client: openai.OpenAI, fake_bedrock: FakeBedrock) -> None:
    messages = [{"role": "user", "content": "weather in Paris?"}]
    first = client.chat.completions.create(
        model="claude", messages=messages, tools=[WEATHER_TOOL], tool_choice="auto"
    )
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather"
    assert call.function.arguments == '{"city": "Paris"}'
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
    ]
    second = client.chat.completions.create(model="claude", messages=messages, tools=[WEATHER_TOOL])
    assert second.choices[0].finish_reason == "stop"
    sent = fake_bedrock.requests[-1]["body"]["messages"]
    assert sent[1]["content"][0]["toolUse"]["input"] == {"city": "Paris"}
    assert sent[2]["content"][0]["toolResult"]["toolUseId"] == call.id


def test_tool_choice_none_on_bedrock_sends_no_tool_config(
    client: openai.OpenAI, fake_bedrock: FakeBedrock
) -> None:
    # The fake Bedrock calls a tool whenever it gets a toolConfig (as a model may).
    messages = [{"role": "user", "content": "weather in Paris?"}]
    first = client.chat.completions.create(
        model="claude", messages=messages, tools=[WEATHER_TOOL], tool_choice="none"
    )
    assert first.choices[0].finish_reason == "stop"
    assert first.choices[0].message.tool_calls is None
    assert first.choices[0].message.content == "fake-bedrock says: weather in Paris?"
    assert "toolConfig" not in fake_bedrock.requests[-1]["body"]
    # With tool history (which Converse accepts only alongside a toolConfig).
    messages += [
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]
    second = client.chat.completions.create(
        model="claude", messages=messages, tools=[WEATHER_TOOL], tool_choice="none"
    )
    assert second.choices[0].message.content == "fake-bedrock says: [tool result call_1: sunny]"
    sent = fake_bedrock.requests[-1]["body"]
    assert "toolConfig" not in sent
    assert sent["messages"][1]["content"] == [
        {"text": '[tool call call_1: get_weather({"city": "Paris"})]'}
    ]


def test_streamed_tool_call_on_bedrock(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="claude",
            stream=True,
            tools=[WEATHER_TOOL],
            messages=[{"role": "user", "content": "weather?"}],
        )
    )
    deltas = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].function.name == "get_weather"
    assert "".join(d.function.arguments or "" for d in deltas) == '{"city": "Paris"}'


def test_tool_call_through_openai_upstream(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="gpt-tools", tools=[WEATHER_TOOL], messages=[{"role": "user", "content": "weather?"}]
    )
    assert resp.choices[0].message.tool_calls[0].function.name == "get_weather"


def test_embeddings_from_bedrock_titan_default_base64(
    client: openai.OpenAI, fake_bedrock: FakeBedrock
) -> None:
    resp = client.embeddings.create(model="titan", input=["one", "two"])
    assert [len(d.embedding) for d in resp.data] == [4, 4]
    assert resp.data[0].embedding == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert resp.usage.prompt_tokens == 6
    assert sum(1 for r in fake_bedrock.requests if r["op"] == "invoke") == 2


def test_embeddings_float_from_openai_upstream(client: openai.OpenAI) -> None:
    resp = client.embeddings.create(model="oai-embed", input="x", encoding_format="float")
    assert resp.data[0].embedding == [0.5, -0.25, 0.0]


def test_embeddings_base64_encoding_is_float32_little_endian(client: openai.OpenAI) -> None:
    raw = client.embeddings.with_raw_response.create(
        model="oai-embed", input="x", encoding_format="base64"
    )
    encoded = raw.http_response.json()["data"][0]["embedding"]
    assert struct.unpack("<3f", base64.b64decode(encoded)) == (0.5, -0.25, 0.0)


def test_fallback_skips_throttled_and_failing_targets(client: openai.OpenAI) -> None:
    resp = client.chat.completions.create(
        model="resilient", messages=[{"role": "user", "content": "x"}]
    )
    assert resp.choices[0].message.content == "fake-openai says: x"


def test_throttling_maps_to_rate_limit_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as exc:
        client.chat.completions.create(
            model="throttled", messages=[{"role": "user", "content": "x"}]
        )
    assert exc.value.status_code == 429
    assert exc.value.body["code"] == "rate_limit_exceeded"


def test_bedrock_validation_error_is_400_without_arns(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as exc:
        client.chat.completions.create(model="invalid", messages=[{"role": "user", "content": "x"}])
    assert "arn:aws" not in exc.value.body["message"]


def test_access_denied_is_502_and_does_not_leak(client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError) as exc:
        client.chat.completions.create(model="denied", messages=[{"role": "user", "content": "x"}])
    assert exc.value.status_code == 502
    assert "arn:" not in str(exc.value.body) and "role" not in exc.value.body["message"]


def test_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as exc:
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    assert exc.value.body["code"] == "model_not_found"


def test_bad_parameter_is_400_naming_the_param(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as exc:
        client.chat.completions.create(
            model="gpt", temperature=5, messages=[{"role": "user", "content": "x"}]
        )
    assert exc.value.body["param"] == "temperature"


def test_missing_key_is_401(gateway_url: str) -> None:
    anon = openai.OpenAI(base_url=gateway_url, api_key="not-a-gateway-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        anon.models.list()


def _request_log(logs: io.StringIO) -> dict:
    lines = [json.loads(ln) for ln in logs.getvalue().splitlines() if '"msg":"request"' in ln]
    return lines[-1]


def _stream_until_error(stream: Any) -> tuple[str, openai.APIError]:
    """The text streamed before the failure, and the error the SDK raised for it."""
    text = []
    with pytest.raises(openai.APIError) as exc:
        for chunk in stream:
            text += [c.delta.content or "" for c in chunk.choices]
    return "".join(text), exc.value


def test_mid_stream_failure_surfaces_as_api_error(
    client: openai.OpenAI, fake_openai: FakeOpenAI, gateway_logs: io.StringIO
) -> None:
    stream = client.chat.completions.create(
        model="broken-stream", stream=True, messages=[{"role": "user", "content": "a b c d"}]
    )
    text, err = _stream_until_error(stream)
    # The chunks sent before the connection broke reach the client, then an error event
    # (no [DONE]); the answer is not retried, so the upstream saw one request.
    assert text == "fake-openai says:"
    assert err.body == {
        "message": "The upstream stream broke.",
        "type": "upstream_error",
        "code": "upstream_error",
        "param": None,
    }
    assert len(fake_openai.requests) == 1
    log = _request_log(gateway_logs)
    assert (log["status"], log["error_code"], log["stream"]) == (502, "upstream_error", True)


def test_bedrock_mid_stream_exception_surfaces_as_api_error(
    client: openai.OpenAI, fake_bedrock: FakeBedrock, gateway_logs: io.StringIO
) -> None:
    stream = client.chat.completions.create(
        model="bedrock-broken-stream",
        stream=True,
        messages=[{"role": "user", "content": "a b c d"}],
    )
    text, err = _stream_until_error(stream)
    assert text == "fake-bedrock says:"
    assert err.code == "upstream_error" and err.type == "upstream_error"
    assert "stream broke" not in err.message, "the provider's own message is not passed on"
    assert [r["op"] for r in fake_bedrock.requests] == ["converse-stream"]
    log = _request_log(gateway_logs)
    assert (log["status"], log["error_code"], log["stream"]) == (502, "upstream_error", True)


def test_slow_upstream_times_out_and_falls_back(
    client: openai.OpenAI, fake_openai: FakeOpenAI
) -> None:
    fake_openai.slow_seconds = 2.0
    resp = client.chat.completions.create(
        model="impatient", messages=[{"role": "user", "content": "x"}]
    )
    # the slow target would have said "fake-openai slow says: x"
    assert resp.choices[0].message.content == "fake-openai says: x"
    assert sum(1 for r in fake_openai.requests if r["body"]["model"] == "slow") == 1


def test_resets_malformed_bodies_and_5xx_fall_back_to_a_healthy_target(
    client: openai.OpenAI,
) -> None:
    resp = client.chat.completions.create(
        model="flaky", messages=[{"role": "user", "content": "y"}]
    )
    assert resp.choices[0].message.content == "fake-bedrock says: y"


def test_logprobs_and_sampling_controls_reach_an_openai_compatible_upstream(
    client: openai.OpenAI, fake_openai: FakeOpenAI
) -> None:
    resp = client.chat.completions.create(
        model="gpt",
        messages=[{"role": "user", "content": "x"}],
        logprobs=True,
        top_logprobs=2,
        logit_bias={"50256": -100},
        seed=3,
        parallel_tool_calls=False,
    )
    sent = fake_openai.requests[-1]["body"]
    assert (sent["logprobs"], sent["top_logprobs"], sent["seed"]) == (True, 2, 3)
    assert sent["logit_bias"] == {"50256": -100} and sent["parallel_tool_calls"] is False
    content = resp.choices[0].logprobs.content
    assert content[0].token == "fake"
    assert [t.token for t in content[0].top_logprobs] == ["fake", "fact"]


def test_logprobs_on_a_bedrock_model_is_400_naming_the_parameter(
    client: openai.OpenAI, fake_bedrock: FakeBedrock
) -> None:
    with pytest.raises(openai.BadRequestError) as exc:
        client.chat.completions.create(
            model="claude", messages=[{"role": "user", "content": "x"}], logprobs=True
        )
    assert exc.value.body["param"] == "logprobs"
    assert exc.value.body["code"] == "unsupported_parameter"
    assert fake_bedrock.requests == []  # nothing reached the upstream


def test_the_sdk_side_checker_sees_bodies_and_stream_events(
    client: openai.OpenAI, openai_contract: Contract
) -> None:
    client.models.list()
    list(
        client.chat.completions.create(
            model="gpt", stream=True, messages=[{"role": "user", "content": "a"}]
        )
    )
    # each response is checked twice: in the gateway and by the SDK's HTTP client
    assert openai_contract.checked.count("ListModelsResponse") == 2
    assert openai_contract.checked.count("CreateChatCompletionStreamResponse") >= 2 * 3
