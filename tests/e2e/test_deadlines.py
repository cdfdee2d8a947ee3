"""Every provider call keeps the request deadline, and throttled targets are retried in
place before the router falls back, against the fault-injection upstreams.

Late answers of the fakes carry their own text (``fake-openai slow says``), so a test
that gets the fallback's text knows the slow call was abandoned, not merely slow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import openai
import pytest
from aigw_fakes import FakeBedrock, FakeOpenAI, provider_configs

MSG = [{"role": "user", "content": "x"}]
DEADLINE_S = 3.0


def config(openai_url: str, bedrock_url: str, models: dict[str, Any]) -> dict[str, Any]:
    """Providers with their default timeouts (60 s reads, longer than the deadline)."""
    return {
        "version": 1,
        "providers": provider_configs(openai_url, bedrock_url),
        "models": models,
        "routing": {"deadline_ms": int(DEADLINE_S * 1000)},
    }


@pytest.fixture
def start(
    fake_openai: FakeOpenAI, fake_bedrock: FakeBedrock, gateway_for: Callable[[dict], str]
) -> Callable[[dict[str, Any]], openai.OpenAI]:
    fake_openai.slow_seconds = fake_bedrock.slow_seconds = DEADLINE_S + 2

    def client(models: dict[str, Any]) -> openai.OpenAI:
        url = gateway_for(config(fake_openai.url, fake_bedrock.url, models))
        return openai.OpenAI(base_url=url, api_key="sk-acme", max_retries=0, timeout=20)

    return client


def targets(*pairs: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {"targets": [{"provider": p, "model": m, **extra} for p, m in pairs]}


BEDROCK_CLAUDE = "us.anthropic.claude-3-5-haiku-20241022-v1:0"


def test_slow_bedrock_target_is_abandoned_in_time_for_the_fallback(
    start: Callable[..., openai.OpenAI], fake_bedrock: FakeBedrock
) -> None:
    client = start({"m": targets(("br", "slow-model"), ("oai", "ok"))})
    began = time.monotonic()
    resp = client.chat.completions.create(model="m", messages=MSG)
    elapsed = time.monotonic() - began
    assert resp.choices[0].message.content == "fake-openai says: x"
    assert fake_bedrock.calls("slow-model") == 1
    assert elapsed < DEADLINE_S


def test_slow_openai_target_is_abandoned_in_time_for_the_fallback(
    start: Callable[..., openai.OpenAI], fake_openai: FakeOpenAI
) -> None:
    client = start({"m": targets(("oai", "slow"), ("br", BEDROCK_CLAUDE))})
    began = time.monotonic()
    resp = client.chat.completions.create(model="m", messages=MSG)
    assert resp.choices[0].message.content == "fake-bedrock says: x"
    assert fake_openai.calls("slow") == 1
    assert time.monotonic() - began < DEADLINE_S


def test_stream_stalled_before_its_first_event_falls_back(
    start: Callable[..., openai.OpenAI], fake_openai: FakeOpenAI
) -> None:
    client = start({"m": targets(("oai", "stall"), ("oai", "ok"))})
    began = time.monotonic()
    chunks = list(client.chat.completions.create(model="m", messages=MSG, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "fake-openai says: x"
    assert fake_openai.calls("stall") == 1
    assert time.monotonic() - began < DEADLINE_S


def test_lone_slow_bedrock_target_answers_504_at_the_deadline(
    start: Callable[..., openai.OpenAI],
) -> None:
    client = start({"m": targets(("br", "slow-model"))})
    began = time.monotonic()
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="m", messages=MSG)
    assert info.value.status_code == 504
    assert info.value.body["code"] == "upstream_timeout"
    assert time.monotonic() - began < DEADLINE_S + 0.5


# --------------------------------------------------------------------------- throttling


def test_throttled_bedrock_target_is_retried_in_place_until_it_answers(
    start: Callable[..., openai.OpenAI],
    fake_bedrock: FakeBedrock,
    fake_openai: FakeOpenAI,
    backoff_sleeps: list[float],
) -> None:
    retry = {"attempts": 3, "base_delay_ms": 100, "max_delay_ms": 150}
    client = start({"m": targets(("br", "throttle-then-ok"), ("oai", "ok"), retry=retry)})
    resp = client.chat.completions.create(model="m", messages=MSG)
    assert resp.choices[0].message.content == "fake-bedrock says: x"
    assert fake_bedrock.calls("throttle-then-ok") == 3  # two throttled, one answered
    assert fake_openai.calls("ok") == 0
    assert len(backoff_sleeps) == 2
    assert 0 <= backoff_sleeps[0] <= 0.1 and 0 <= backoff_sleeps[1] <= 0.15


def test_bedrock_that_stays_throttled_falls_back_after_its_retries(
    start: Callable[..., openai.OpenAI],
    fake_bedrock: FakeBedrock,
    fake_openai: FakeOpenAI,
    backoff_sleeps: list[float],
) -> None:
    client = start(
        {
            "m": {
                "targets": [
                    {"provider": "br", "model": "throttle", "retry": {"attempts": 4}},
                    {"provider": "oai", "model": "ok"},
                ]
            }
        }
    )
    resp = client.chat.completions.create(model="m", messages=MSG)
    assert resp.choices[0].message.content == "fake-openai says: x"
    assert fake_bedrock.calls("throttle") == 4 and fake_openai.calls("ok") == 1
    assert len(backoff_sleeps) == 3


def test_default_policy_tries_a_throttled_target_twice(
    start: Callable[..., openai.OpenAI], fake_bedrock: FakeBedrock
) -> None:
    client = start({"m": targets(("br", "throttle"))})
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="m", messages=MSG)
    assert info.value.body["code"] == "rate_limit_exceeded"
    assert fake_bedrock.calls("throttle") == 2


def test_openai_compatible_429_is_retried_in_place(
    start: Callable[..., openai.OpenAI], fake_openai: FakeOpenAI, backoff_sleeps: list[float]
) -> None:
    client = start({"m": targets(("oai", "r429-then-ok"), retry={"attempts": 3})})
    resp = client.chat.completions.create(model="m", messages=MSG)
    assert resp.choices[0].message.content == "fake-openai says: x"
    assert fake_openai.calls("r429-then-ok") == 3 and len(backoff_sleeps) == 2


def test_throttled_stream_is_retried_before_its_first_byte(
    start: Callable[..., openai.OpenAI], fake_bedrock: FakeBedrock
) -> None:
    client = start({"m": targets(("br", "throttle-then-ok"), retry={"attempts": 3})})
    chunks = list(client.chat.completions.create(model="m", messages=MSG, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "fake-bedrock says: x"
    assert fake_bedrock.calls("throttle-then-ok") == 3


@pytest.mark.parametrize(
    ("provider", "before_the_stall"), [("oai", "fake-openai says:"), ("br", "fake-bedrock says:")]
)
def test_stream_stalled_after_its_first_event_ends_with_a_timeout_event(
    start: Callable[..., openai.OpenAI],
    fake_openai: FakeOpenAI,
    provider: str,
    before_the_stall: str,
) -> None:
    """After the first byte there is no fallback: the stall ends the stream with an
    upstream_timeout error event once a read has waited the attempt's time."""
    client = start({"m": targets((provider, "stall-mid"), ("oai", "ok"))})
    began = time.monotonic()
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "a b c d"}], stream=True
    )
    text = []
    with pytest.raises(openai.APIError) as info:
        for chunk in stream:
            text.extend(c.delta.content or "" for c in chunk.choices)
    assert "".join(text) == before_the_stall  # the events sent before the stall
    assert info.value.body["code"] == "upstream_timeout"
    assert fake_openai.calls("ok") == 0
    assert time.monotonic() - began < fake_openai.slow_seconds
