"""The official ``anthropic`` SDK against the gateway core behind a loopback HTTP server
(the same entry as ``test_openai_sdk.py``), over the fake Bedrock runtime and the fake
OpenAI-compatible upstream. Every answer is also validated with the SDK's own pydantic
models in strict mode."""

from __future__ import annotations

import base64
import json
from typing import Any

import anthropic
import httpx2
import pytest
from aigw_fakes import FakeBedrock, FakeOpenAI
from pydantic import TypeAdapter

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
EVENT = TypeAdapter(anthropic.types.RawMessageStreamEvent)


def _strict(response: httpx2.Response) -> None:
    """Validate each answer as it arrives, before the SDK's lenient parsing."""
    if response.url.path.startswith("/v1/messages"):
        response.read()
        body = response.content
        if response.status_code != 200:
            anthropic.types.ErrorResponse.model_validate(json.loads(body), strict=True)
        elif response.headers["content-type"].startswith("text/event-stream"):
            for block in body.decode().split("\n\n"):
                lines = block.split("\n")  # not splitlines: U+2028 in a text is no line end
                data = [line[6:] for line in lines if line.startswith("data: ")]
                if data and '"ping"' not in data[0] and '"error"' not in data[0]:
                    EVENT.validate_python(json.loads(data[0]), strict=True)
        elif response.url.path == "/v1/messages":
            anthropic.types.Message.model_validate(json.loads(body), strict=True)
        else:
            anthropic.types.MessageTokensCount.model_validate(json.loads(body), strict=True)


@pytest.fixture
def base_url(gateway_url: str) -> str:
    return gateway_url.removesuffix("/v1")


def sdk(base_url: str, **kw: Any) -> anthropic.Anthropic:
    kw.setdefault("api_key", "sk-acme")  # sent as x-api-key, as the SDK does by default
    return anthropic.Anthropic(
        base_url=base_url,
        max_retries=0,
        timeout=20,
        http_client=httpx2.Client(event_hooks={"response": [_strict]}),
        **kw,
    )


@pytest.fixture
def client(base_url: str) -> anthropic.Anthropic:
    return sdk(base_url)


def test_message_over_bedrock_with_system_prompt(
    client: anthropic.Anthropic, fake_bedrock: FakeBedrock
) -> None:
    msg = client.messages.create(
        model="claude",
        max_tokens=50,
        system="be brief",
        messages=[{"role": "user", "content": "hi there"}],
        metadata={"user_id": "u-42"},
    )
    assert msg.content[0].type == "text" and msg.content[0].text == "fake-bedrock says: hi there"
    assert (msg.model, msg.stop_reason, msg.stop_sequence) == ("claude", "end_turn", None)
    assert msg._request_id  # the request-id header, as Anthropic's API sends it
    # Converse: 10 input tokens plus 2 read from the prompt cache, 6 output
    assert (msg.usage.input_tokens, msg.usage.cache_read_input_tokens) == (10, 2)
    assert msg.usage.output_tokens == 6
    sent = fake_bedrock.requests[-1]
    assert sent["op"] == "converse"
    assert sent["body"]["system"] == [{"text": "be brief"}]
    assert sent["body"]["inferenceConfig"] == {"maxTokens": 50}


def test_message_over_an_openai_compatible_upstream_with_bearer_auth(
    base_url: str, fake_openai: FakeOpenAI
) -> None:
    client = sdk(base_url, api_key=None, auth_token="sk-acme")  # Authorization: Bearer
    msg = client.messages.create(
        model="gpt",
        max_tokens=20,
        stop_sequences=["END"],
        messages=[{"role": "user", "content": [{"type": "text", "text": "hello"}]}],
    )
    assert msg.content[0].text.startswith("fake-openai says: ")
    sent = fake_openai.requests[-1]["body"]
    assert (sent["max_tokens"], sent["stop"], sent["model"]) == (20, ["END"], "ok")
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hello"}]}]


def test_tool_round_trip_on_bedrock(client: anthropic.Anthropic, fake_bedrock: FakeBedrock) -> None:
    messages: list[Any] = [{"role": "user", "content": "weather in Paris?"}]
    first = client.messages.create(
        model="claude", max_tokens=100, messages=messages, tools=[WEATHER_TOOL]
    )
    assert first.stop_reason == "tool_use"
    use = next(b for b in first.content if b.type == "tool_use")
    assert (use.name, use.input) == ("get_weather", {"city": "Paris"})
    messages += [
        {"role": "assistant", "content": first.content},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "sunny"}],
        },
    ]
    second = client.messages.create(
        model="claude", max_tokens=100, messages=messages, tools=[WEATHER_TOOL]
    )
    assert second.stop_reason == "end_turn"
    sent = fake_bedrock.requests[-1]["body"]["messages"]
    assert sent[1]["content"][0]["toolUse"] == {
        "toolUseId": use.id,
        "name": "get_weather",
        "input": {"city": "Paris"},
    }
    assert sent[2]["content"][0]["toolResult"]["toolUseId"] == use.id


def test_stream_over_bedrock_events_in_order(client: anthropic.Anthropic) -> None:
    with client.messages.stream(
        model="claude", max_tokens=50, messages=[{"role": "user", "content": "stream please"}]
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start"
    assert kinds[-2:] == ["message_delta", "message_stop"]
    assert "content_block_start" in kinds and "content_block_stop" in kinds
    assert final.content[0].text == "fake-bedrock says: stream please"
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (8, 4)


def test_stream_of_a_tool_call_over_bedrock(client: anthropic.Anthropic) -> None:
    with client.messages.stream(
        model="claude",
        max_tokens=50,
        tools=[WEATHER_TOOL],
        messages=[{"role": "user", "content": "weather?"}],
    ) as stream:
        final = stream.get_final_message()
    use = final.content[0]
    assert (use.type, use.name, use.input) == ("tool_use", "get_weather", {"city": "Paris"})
    assert final.stop_reason == "tool_use"


def test_stream_over_the_openai_compatible_upstream(client: anthropic.Anthropic) -> None:
    with client.messages.stream(
        model="gpt", max_tokens=50, messages=[{"role": "user", "content": "a b c"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "fake-openai says: a b c" == final.content[0].text


def test_count_tokens_on_bedrock_and_refused_elsewhere(
    client: anthropic.Anthropic, fake_bedrock: FakeBedrock
) -> None:
    count = client.messages.count_tokens(
        model="claude", system="be brief", messages=[{"role": "user", "content": "one two three"}]
    )
    assert count.input_tokens == 5
    sent = fake_bedrock.requests[-1]
    # CountTokens takes the foundation model, not the cross-region inference profile
    assert sent["op"] == "count-tokens"
    assert sent["model"] == "anthropic.claude-3-5-haiku-20241022-v1:0"
    with pytest.raises(anthropic.BadRequestError) as exc:
        client.messages.count_tokens(model="gpt", messages=[{"role": "user", "content": "x"}])
    assert "count_tokens is not supported" in exc.value.message


def test_errors_become_the_sdks_exception_classes(base_url: str) -> None:
    client = sdk(base_url)
    with pytest.raises(anthropic.BadRequestError) as bad:  # the SDK's API version has no top_k
        client.messages.create(
            model="claude",
            max_tokens=5,
            messages=[{"role": "user", "content": "x"}],
            extra_body={"top_k": 5},
        )
    assert bad.value.body["error"]["type"] == "invalid_request_error"
    assert "top_k" in bad.value.message
    with pytest.raises(anthropic.NotFoundError):
        client.messages.create(
            model="no-such-model", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )
    with pytest.raises(anthropic.AuthenticationError) as auth:
        sdk(base_url, api_key="not-a-key").messages.create(
            model="claude", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )
    assert auth.value.body["error"]["type"] == "authentication_error"
    with pytest.raises(anthropic.RateLimitError):
        client.messages.create(
            model="throttled", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )


def test_midstream_failure_raises_in_the_sdk(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.APIStatusError) as exc:
        with client.messages.stream(
            model="bedrock-broken-stream",
            max_tokens=50,
            messages=[{"role": "user", "content": "x y z w"}],
        ) as stream:
            for _ in stream:
                pass
    assert "api_error" in str(exc.value.body)


def test_images_over_bedrock_base64_only(
    client: anthropic.Anthropic, fake_bedrock: FakeBedrock
) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png}}
    client.messages.create(
        model="claude",
        max_tokens=20,
        messages=[{"role": "user", "content": [image, {"type": "text", "text": "what is it?"}]}],
    )
    sent = fake_bedrock.requests[-1]["body"]["messages"][0]["content"][0]["image"]
    assert sent["format"] == "png" and base64.b64decode(sent["source"]["bytes"]) == (
        b"\x89PNG\r\n\x1a\nfake"
    )
    remote = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    with pytest.raises(anthropic.BadRequestError) as exc:  # the gateway never fetches URLs
        client.messages.create(
            model="claude", max_tokens=20, messages=[{"role": "user", "content": [remote]}]
        )
    assert "base64" in exc.value.message


def test_stream_keeps_unicode_line_separators_inside_text(client: anthropic.Anthropic) -> None:
    text = "a\u2028b\x85c"
    with client.messages.stream(
        model="claude", max_tokens=50, messages=[{"role": "user", "content": text}]
    ) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == f"fake-bedrock says: {text}"
