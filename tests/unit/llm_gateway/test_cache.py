"""The optional exact-match response cache (DynamoDB in the local sandbox)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from llm_helpers import TENANT, base_config, make_gateway, post

from llm_gateway.cache import cache_key, eligible

pytestmark = pytest.mark.sandbox
CHAT = "/v1/chat/completions"
DETERMINISTIC = {
    "model": "chat",
    "temperature": 0,
    "messages": [{"role": "user", "content": "cache me"}],
}


@pytest.fixture
def table(aws_env: str) -> Iterator[str]:
    import boto3

    name = f"aigw-cache-{uuid.uuid4().hex[:10]}"
    ddb = boto3.client("dynamodb")
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    yield name
    ddb.delete_table(TableName=name)


def test_only_deterministic_non_streaming_requests_are_eligible() -> None:
    assert eligible({"temperature": 0, "stream": False})
    assert not eligible({"temperature": 0, "stream": True})
    assert not eligible({"temperature": 0.7, "stream": False})
    assert not eligible({"stream": False})


def test_key_depends_on_tenant_and_request_but_not_user() -> None:
    req = {"model": "m", "temperature": 0, "messages": [{"role": "user", "content": "x"}]}
    assert cache_key("a", "m", req) != cache_key("b", "m", req)
    assert cache_key("a", "m", req) == cache_key("a", "m", {**req, "user": "u1"})
    assert cache_key("a", "m", req) != cache_key("a", "m", {**req, "max_tokens": 5})


def test_second_identical_request_is_served_from_cache(table: str) -> None:
    gw, cap = make_gateway(base_config(cache={"enabled": True, "table_name": table}))
    first = post(gw, CHAT, DETERMINISTIC)
    second = post(gw, CHAT, DETERMINISTIC)
    assert first.headers["x-aigw-cache"] == "miss" and second.headers["x-aigw-cache"] == "hit"
    assert json.loads(first.body)["choices"] == json.loads(second.body)["choices"]
    assert cap.logs[-1]["attempts"] == []  # no provider call
    assert cap.metrics[-1]["InputTokens"] == 0


def test_tenants_do_not_share_cached_answers(table: str) -> None:
    gw, _ = make_gateway(base_config(cache={"enabled": True, "table_name": table}))
    post(gw, CHAT, DETERMINISTIC)
    other = post(gw, CHAT, DETERMINISTIC, {**TENANT, "tenant": "other"})
    assert other.headers["x-aigw-cache"] == "miss"


def test_non_deterministic_requests_bypass_the_cache(table: str) -> None:
    gw, _ = make_gateway(base_config(cache={"enabled": True, "table_name": table}))
    req = {**DETERMINISTIC, "temperature": 0.5}
    post(gw, CHAT, req)
    assert "x-aigw-cache" not in post(gw, CHAT, req).headers


def test_expired_entries_are_not_served(table: str) -> None:
    from llm_gateway.cache import ResponseCache
    from llm_gateway.config import CacheConfig

    now = [1000.0]
    cache = ResponseCache(CacheConfig(True, table, 60), clock=lambda: now[0])
    cache.put("k", {"choices": [], "usage": {}})
    assert cache.get("k") == {"choices": [], "usage": {}}
    now[0] += 61
    assert cache.get("k") is None


def test_cache_outage_does_not_fail_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    gw, cap = make_gateway(base_config(cache={"enabled": True, "table_name": "t"}))
    assert post(gw, CHAT, DETERMINISTIC).status == 200
    assert any(line.get("msg") == "cache_get_failed" for line in cap.logs)
