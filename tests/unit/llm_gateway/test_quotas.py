"""Token quotas in DynamoDB (the local sandbox): reserve, reject, reconcile, concurrency."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import pytest
from llm_helpers import TENANT, base_config, make_gateway, post

from aigw_shared.errors import ApiError
from llm_gateway.config import QuotaConfig
from llm_gateway.quotas import QuotaStore, period_id

pytestmark = pytest.mark.sandbox


@pytest.fixture
def table(aws_env: str) -> str:
    import boto3

    name = f"aigw-usage-{uuid.uuid4().hex[:10]}"
    ddb = boto3.client("dynamodb")
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    yield name
    ddb.delete_table(TableName=name)


def store(table: str, **kw: Any) -> QuotaStore:
    cfg = QuotaConfig(enabled=True, table_name=table, **kw)
    return QuotaStore(cfg)


def test_period_ids() -> None:
    assert period_id("month", 1795843200) == ("2026-11", 1796083200)  # 2026-12-01T00:00Z
    assert period_id("day", 1795843200) == ("2026-11-28", 1795910400)  # next midnight
    assert period_id("month", 1796083200)[0] == "2026-12"


def test_limits_resolve_tenant_then_tier_then_default(table: str) -> None:
    s = store(table, tiers={"gold": 500}, tenants={"vip": 9}, default_tokens=1)
    assert s.limit_for("vip", "gold") == 9
    assert s.limit_for("x", "gold") == 500
    assert s.limit_for("x", "bronze") == 1
    assert store(table).limit_for("x", None) is None


def test_reserve_until_exhausted_then_429(table: str) -> None:
    s = store(table, default_tokens=250)
    s.reserve("t1", None, 100)
    s.reserve("t1", None, 100)
    with pytest.raises(Exception) as exc:
        s.reserve("t1", None, 100)
    assert exc.value.status == 429 and exc.value.code == "insufficient_quota"
    assert s.used("t1") == 200


def test_reconcile_adjusts_to_real_usage(table: str) -> None:
    s = store(table, default_tokens=1000)
    res = s.reserve("t2", None, 300)
    s.reconcile(res, 120)
    assert s.used("t2") == 120


def test_concurrent_reservations_never_overspend(table: str) -> None:
    import boto3
    from botocore.config import Config

    # generous timeouts and a pool per thread: this test is about atomicity, not speed
    client = boto3.client(
        "dynamodb",
        config=Config(read_timeout=60, max_pool_connections=40, retries={"total_max_attempts": 1}),
    )
    s = QuotaStore(QuotaConfig(enabled=True, table_name=table, default_tokens=1000), client)
    ok, rejected, errors = [], [], []
    barrier = threading.Barrier(40)

    def worker() -> None:
        barrier.wait(timeout=30)
        try:
            s.reserve("busy", None, 100)
            ok.append(1)
        except Exception as exc:  # noqa: BLE001
            (rejected if getattr(exc, "code", None) == "insufficient_quota" else errors).append(exc)

    threads = [threading.Thread(target=worker) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(ok) == 10 and len(rejected) == 30
    assert s.used("busy") == 1000


def test_gateway_rejects_before_calling_provider_and_reconciles(table: str) -> None:
    doc = base_config(
        quotas={
            "enabled": True,
            "table_name": table,
            "tiers": {"standard": 60},
            "reserve_output_tokens": 10,
        }
    )
    gw, cap = make_gateway(doc)
    req = {"model": "chat", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    first = post(gw, "/v1/chat/completions", req)
    assert first.status == 200
    used = json.loads(first.body)["usage"]["total_tokens"]
    assert QuotaStore(gw.quota_store(gw._config()).config).used("acme") == used
    for _ in range(20):
        last = post(gw, "/v1/chat/completions", req)
        if last.status != 200:
            break
    assert last.status == 429
    assert json.loads(last.body)["error"]["type"] == "insufficient_quota"
    assert cap.metrics[-1]["QuotaRejections"] == 1
    assert cap.logs[-1]["attempts"] == []  # provider never called


def test_failed_call_refunds_reservation(table: str) -> None:
    doc = base_config(quotas={"enabled": True, "table_name": table, "default_tokens": 10_000})
    doc["models"]["broken"] = {"targets": [{"provider": "mock", "model": "fail-500"}]}
    gw, _ = make_gateway(doc)
    resp = post(
        gw,
        "/v1/chat/completions",
        {"model": "broken", "messages": [{"role": "user", "content": "hi"}]},
        {**TENANT, "tenant": "refund"},
    )
    assert resp.status == 502
    assert gw.quota_store(gw._config()).used("refund") == 0


def test_streaming_usage_is_reconciled_after_the_stream(table: str) -> None:
    doc = base_config(quotas={"enabled": True, "table_name": table, "default_tokens": 10_000})
    gw, _ = make_gateway(doc)
    resp = post(
        gw,
        "/v1/chat/completions",
        {
            "model": "chat",
            "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "hi"}],
        },
        {**TENANT, "tenant": "streamer"},
    )
    chunks = [
        json.loads(b[6:]) for b in resp.read_all().decode().split("\n\n") if b.startswith("data: {")
    ]
    assert gw.quota_store(gw._config()).used("streamer") == chunks[-1]["usage"]["total_tokens"]


def test_quota_table_unreachable_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    gw, _ = make_gateway(
        base_config(quotas={"enabled": True, "table_name": "t", "default_tokens": 5000})
    )
    resp = post(
        gw,
        "/v1/chat/completions",
        {"model": "chat", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert resp.status == 503
    assert json.loads(resp.body)["error"]["code"] == "quota_unavailable"


# -- the documented rules (docs/llm-gateway.md, "quotas"), boundaries included ----------


@pytest.mark.parametrize(
    ("now", "period", "expected"),
    [
        (1796083199, "month", ("2026-11", 1796083200)),  # 2026-11-30T23:59:59Z
        (1796083200, "month", ("2026-12", 1798761600)),  # 2026-12-01T00:00:00Z
        (1798761599, "month", ("2026-12", 1798761600)),  # 2026-12-31T23:59:59Z
        (1798761600, "month", ("2027-01", 1801440000)),  # the year rolls over
        (1796083199, "day", ("2026-11-30", 1796083200)),
        (1796083200, "day", ("2026-12-01", 1796169600)),
    ],
)
def test_periods_are_utc_days_and_months_to_the_second(
    now: int, period: str, expected: tuple[str, int]
) -> None:
    assert period_id(period, now) == expected


class RecordingDynamo:
    """A DynamoDB client that accepts every update and records it."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def update_item(self, **kw: Any) -> dict[str, Any]:
        self.updates.append(kw)
        return {}


@pytest.mark.parametrize(
    ("content", "limits", "reserve_out", "expected"),
    [
        ("abcd", {}, 10, 1 + 10),  # 4 characters are 1 token; no max_tokens: the reserve
        ("abcde", {}, 10, 2 + 10),  # 5 characters round up to 2
        ("abcde", {"max_tokens": 7}, 10, 2 + 7),  # max_tokens below the reserve
        ("abcde", {"max_tokens": 10}, 10, 2 + 10),
        ("abcde", {"max_tokens": 11}, 10, 2 + 10),  # above the reserve: the reserve
        ("abcde", {"max_completion_tokens": 3}, 10, 2 + 3),
        ("", {"max_tokens": 4}, 1024, 0 + 4),
    ],
)
def test_a_request_reserves_prompt_chars_over_4_plus_its_output_allowance(
    content: str, limits: dict[str, int], reserve_out: int, expected: int
) -> None:
    fake = RecordingDynamo()
    quotas = {
        "enabled": True,
        "table_name": "usage",
        "default_tokens": 10_000,
        "reserve_output_tokens": reserve_out,
    }
    gw, _ = make_gateway(base_config(quotas=quotas), quota_client=fake)
    resp = post(
        gw,
        "/v1/chat/completions",
        {"model": "chat", "messages": [{"role": "user", "content": content}], **limits},
    )
    assert resp.status == 200, resp.body
    values = fake.updates[0]["ExpressionAttributeValues"]
    assert values[":n"] == {"N": str(expected)}
    assert values[":max"] == {"N": str(10_000 - expected)}
    assert fake.updates[0]["ConditionExpression"] == ("attribute_not_exists(used) OR used <= :max")


def test_an_unlimited_tier_reserves_nothing() -> None:
    fake = RecordingDynamo()
    s = QuotaStore(
        QuotaConfig(enabled=True, table_name="usage", tiers={"gold": 5}, default_tokens=None),
        fake,
    )
    assert s.reserve("acme", "standard", 10**9) is None
    assert fake.updates == []
    with pytest.raises(ApiError) as exc:
        s.reserve("acme", "gold", 6)
    assert (exc.value.status, exc.value.code) == (429, "insufficient_quota")


def test_the_last_token_of_the_budget_can_be_reserved_but_not_one_more(table: str) -> None:
    s = store(table, default_tokens=250)
    s.reserve("edge", None, 249)
    s.reserve("edge", None, 1)
    assert s.used("edge") == 250
    with pytest.raises(ApiError) as exc:
        s.reserve("edge", None, 1)
    assert (exc.value.status, exc.value.code, exc.value.type) == (
        429,
        "insufficient_quota",
        "insufficient_quota",
    )
    assert "edge" in exc.value.message
    assert s.used("edge") == 250, "a rejected reservation adds nothing"


def test_a_request_larger_than_the_whole_budget_is_rejected_up_front(table: str) -> None:
    s = store(table, default_tokens=100)
    with pytest.raises(ApiError) as exc:
        s.reserve("big", None, 101)
    assert exc.value.code == "insufficient_quota"
    assert s.used("big") == 0
    s.reserve("big", None, 100)
    assert s.used("big") == 100


def test_usage_is_one_item_per_tenant_and_period_that_outlives_the_period(table: str) -> None:
    import boto3

    now = [1795843200.0]  # 2026-11-28
    s = QuotaStore(
        QuotaConfig(enabled=True, table_name=table, default_tokens=1000), clock=lambda: now[0]
    )
    s.reserve("acme", None, 40)
    now[0] = 1796083199.0  # the last second of November: the same item
    s.reserve("acme", None, 2)
    ddb = boto3.client("dynamodb")
    item = ddb.get_item(
        TableName=table, Key={"pk": {"S": "quota#acme#2026-11"}}, ConsistentRead=True
    )["Item"]
    assert item["used"] == {"N": "42"}
    expires = int(item["expires_at"]["N"])
    assert expires > 1796083200, "the TTL must not drop the item before its period ends"
    now[0] = 1796083200.0  # December: a fresh budget in a new item
    s.reserve("acme", None, 1000)
    assert s.used("acme") == 1000
    again = ddb.get_item(
        TableName=table, Key={"pk": {"S": "quota#acme#2026-11"}}, ConsistentRead=True
    )["Item"]
    assert again["used"] == {"N": "42"} and int(again["expires_at"]["N"]) == expires
