"""The response-cache rules of llm_gateway/cache.py against an in-process DynamoDB: what is
eligible, what the key covers (an independent SHA-256 of the documented material), the
item written, and expiry checked on read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from ddb_inprocess import Table, dynamodb_table
from llm_gateway.cache import ResponseCache, cache_key, eligible
from llm_gateway.config import CacheConfig

REQ = {"model": "m", "temperature": 0, "messages": [{"role": "user", "content": "x"}]}


@pytest.fixture
def table() -> Iterator[Table]:
    with dynamodb_table("aigw-cache") as t:
        yield t


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({"temperature": 0}, True),
        ({"temperature": 0, "stream": False}, True),
        ({"temperature": 0.0, "stream": None}, True),
        ({"temperature": 0, "stream": True}, False),
        ({"temperature": 0.7}, False),
        ({"temperature": 1}, False),
        ({}, False),  # the provider's default temperature is not 0
    ],
)
def test_only_deterministic_non_streaming_requests_are_eligible(
    request_: dict, expected: bool
) -> None:
    assert eligible(request_) is expected


def test_the_key_is_sha256_of_tenant_alias_and_request_in_canonical_json() -> None:
    blob = (
        '["acme","chat",{"messages":[{"content":"x","role":"user"}],"model":"m","temperature":0}]'
    )
    assert cache_key("acme", "chat", REQ) == hashlib.sha256(blob.encode()).hexdigest()


def test_the_key_ignores_stream_settings_and_user_only() -> None:
    base = cache_key("a", "m", REQ)
    for extra in ({"user": "u1"}, {"stream": False}, {"stream_options": {"include_usage": 1}}):
        assert cache_key("a", "m", {**REQ, **extra}) == base
    assert cache_key("b", "m", REQ) != base
    assert cache_key("a", "other", REQ) != base
    assert cache_key("a", "m", {**REQ, "max_tokens": 5}) != base
    assert cache_key("a", "m", {**REQ, "seed": 1}) != base


def test_the_key_is_ascii_safe_for_any_text() -> None:
    req = {**REQ, "messages": [{"role": "user", "content": "héllo ✓ \ud83d"}]}
    assert len(cache_key("a", "m", req)) == 64


def test_put_writes_the_body_and_its_expiry(table: Table) -> None:
    cache = ResponseCache(CacheConfig(True, table.name, 60), table.client, clock=lambda: 1000.9)
    cache.put("abc", {"choices": [{"index": 0}], "usage": {"total_tokens": 3}})
    assert table.item("cache#abc") == {
        "pk": {"S": "cache#abc"},
        "body": {"S": '{"choices":[{"index":0}],"usage":{"total_tokens":3}}'},
        "expires_at": {"N": "1060"},
    }


def test_entries_are_served_until_they_expire(table: Table) -> None:
    now = [1000.0]
    cache = ResponseCache(CacheConfig(True, table.name, 60), table.client, clock=lambda: now[0])
    cache.put("k", {"choices": [], "usage": {}})
    now[0] = 1059.5
    assert cache.get("k") == {"choices": [], "usage": {}}
    now[0] = 1060.0  # expires_at itself is expired (TTL deletion is lazy)
    assert cache.get("k") is None
    assert cache.get("missing") is None


def test_a_cached_body_that_is_not_an_object_is_a_miss(table: Table) -> None:
    table.client.put_item(
        TableName=table.name,
        Item={"pk": {"S": "cache#k"}, "body": {"S": "[1, 2]"}, "expires_at": {"N": "9999"}},
    )
    cache = ResponseCache(CacheConfig(True, table.name, 60), table.client, clock=lambda: 1.0)
    assert cache.get("k") is None


def test_the_default_client_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    from aigw_shared import aws

    made: list[tuple[str, dict]] = []
    monkeypatch.setattr(aws, "client", lambda service, **kw: made.append((service, kw)) or "c")
    cache = ResponseCache(CacheConfig(True, "t", 60))
    assert cache.client == "c" and cache.client == "c"
    assert made == [("dynamodb", {"read_timeout": 1, "attempts": 1})]
