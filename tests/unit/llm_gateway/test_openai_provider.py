"""The OpenAI-compatible provider against a fake upstream on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aigw_fakes import FakeExtension, FakeOpenAI

from llm_gateway.config import ProviderConfig, Target
from llm_gateway.providers import base
from llm_gateway.providers.openai_compat import OpenAIProvider

REQ = {"model": "alias", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def upstream() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as srv:
        yield srv


def provider(srv: FakeOpenAI, **kw: object) -> OpenAIProvider:
    return OpenAIProvider(ProviderConfig(name="oai", type="openai", base_url=srv.url + "/v1", **kw))


def test_chat_replaces_model_and_returns_choices_and_usage(upstream: FakeOpenAI) -> None:
    out = provider(upstream).chat(Target("oai", "ok"), REQ, 5)
    assert out["choices"][0]["message"]["content"] == "fake-openai says: hi"
    assert out["usage"]["prompt_tokens_details"] == {"cached_tokens": 4}
    assert upstream.requests[-1]["body"]["model"] == "ok"
    assert upstream.requests[-1]["path"] == "/v1/chat/completions"


def test_connections_are_kept_alive(upstream: FakeOpenAI) -> None:
    p = provider(upstream)
    for _ in range(5):
        p.chat(Target("oai", "ok"), REQ, 5)
    assert upstream.connections == 1


@pytest.mark.parametrize(
    ("model", "status", "retryable"),
    [
        ("r429", 429, True),
        ("r500", 502, True),
        ("r400", 400, False),
        ("r401", 502, True),
        ("malformed", 502, True),
        ("reset", 502, True),
    ],
)
def test_upstream_failures_are_mapped(
    upstream: FakeOpenAI, model: str, status: int, retryable: bool
) -> None:
    with pytest.raises(base.ProviderError) as exc:
        provider(upstream).chat(Target("oai", model), REQ, 5)
    assert (exc.value.status, exc.value.retryable) == (status, retryable)


def test_upstream_messages_do_not_leak_for_server_errors(upstream: FakeOpenAI) -> None:
    with pytest.raises(base.ProviderError) as exc:
        provider(upstream).chat(Target("oai", "r500"), REQ, 5)
    assert "host-12" not in exc.value.message
    with pytest.raises(base.ProviderError) as exc:
        provider(upstream).chat(Target("oai", "r401"), REQ, 5)
    assert "sk-123" not in exc.value.message


def test_client_error_message_is_passed_on(upstream: FakeOpenAI) -> None:
    with pytest.raises(base.ProviderError) as exc:
        provider(upstream).chat(Target("oai", "r400"), REQ, 5)
    assert exc.value.message == "bad temperature"


def test_read_timeout_is_capped_by_the_deadline(upstream: FakeOpenAI) -> None:
    upstream.slow_seconds = 2.0
    with pytest.raises(base.ProviderError) as exc:
        provider(upstream).chat(Target("oai", "slow"), REQ, 0.2)
    assert exc.value.status == 504 and exc.value.retryable


def test_connection_refused_is_retryable() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = OpenAIProvider(
        ProviderConfig(name="x", type="openai", base_url=f"http://127.0.0.1:{port}/v1")
    )
    with pytest.raises(base.ProviderError) as exc:
        p.chat(Target("x", "ok"), REQ, 2)
    assert exc.value.status == 502 and exc.value.retryable


def test_streaming_yields_chunks_and_usage(upstream: FakeOpenAI) -> None:
    chunks = list(provider(upstream).chat_stream(Target("oai", "ok"), REQ, 5))
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "fake-openai says: hi"
    assert chunks[-1]["usage"]["total_tokens"] > 0
    assert upstream.requests[-1]["body"]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize("model", ["midstream", "nodone"])
def test_broken_stream_raises_after_partial_output(upstream: FakeOpenAI, model: str) -> None:
    it = provider(upstream).chat_stream(Target("oai", model), REQ, 5)
    first = next(it)
    assert first["choices"][0]["delta"]["role"] == "assistant"
    with pytest.raises(base.ProviderError):
        list(it)


def test_api_key_comes_from_secret_via_extension(
    upstream: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeExtension(token="tok") as ext:
        monkeypatch.setenv("AIGW_EXTENSION_ENDPOINT", ext.url)
        monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
        ext.secrets["arn:s"] = json.dumps({"api_key": "sk-from-secret"})
        p = provider(upstream, api_key_secret_arn="arn:s")
        p.chat(Target("oai", "ok"), REQ, 5)
        p.chat(Target("oai", "ok"), REQ, 5)
        assert upstream.requests[-1]["headers"]["authorization"] == "Bearer sk-from-secret"
        assert len(ext.requests) == 1  # cached


def test_azure_style_api_key_header_and_query(
    upstream: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeExtension(token="tok") as ext:
        monkeypatch.setenv("AIGW_EXTENSION_ENDPOINT", ext.url)
        monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
        ext.secrets["arn:az"] = "plain-azure-key"
        p = provider(
            upstream,
            api_key_secret_arn="arn:az",
            auth_header="api-key",
            query={"api-version": "2024-10-21"},
        )
        p.chat(Target("oai", "ok"), REQ, 5)
    sent = upstream.requests[-1]
    assert sent["headers"]["api-key"] == "plain-azure-key"
    assert "authorization" not in {k.lower() for k in sent["headers"]}
    assert sent["path"] == "/v1/chat/completions?api-version=2024-10-21"


def test_unreadable_secret_is_a_502_without_details(
    upstream: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeExtension(token="tok") as ext:
        monkeypatch.setenv("AIGW_EXTENSION_ENDPOINT", ext.url)
        monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
        with pytest.raises(base.ProviderError) as exc:
            provider(upstream, api_key_secret_arn="arn:missing").chat(Target("oai", "ok"), REQ, 5)
    assert exc.value.status == 502 and "arn:missing" not in exc.value.message


def test_embeddings(upstream: FakeOpenAI) -> None:
    vectors, tokens = provider(upstream).embed(Target("oai", "e"), ["a", "b"], 3, 5)
    assert vectors == [[0.5, -0.25, 0.0], [0.5, -0.25, 1.0]] and tokens == 7
    assert upstream.requests[-1]["body"]["dimensions"] == 3
