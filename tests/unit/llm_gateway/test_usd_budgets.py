"""USD budgets (ADR 0126): reserve the most a request can cost, reconcile to what it
cost, refuse with a 429 ``budget_exceeded``; against moto's DynamoDB in process."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_helpers import TENANT, base_config, make_gateway, post

from aigw_shared.errors import ApiError
from llm_gateway.config import QuotaConfig
from llm_gateway.quotas import QuotaStore, period_id, to_micro_usd

NOW = 1795843200.0  # 2026-11-28T00:00:00Z
PERIOD = period_id("month", NOW)[0]


@pytest.fixture(scope="module")
def ddb() -> Iterator[tuple[Any, str]]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client(
            "dynamodb",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_table(
            TableName="usage",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        yield client, "usage"


def store(ddb: tuple[Any, str], **usd: Any) -> QuotaStore:
    client, table = ddb
    cfg = QuotaConfig(enabled=True, table_name=table, **usd)
    return QuotaStore(cfg, client, clock=lambda: NOW)


def spent(ddb: tuple[Any, str], pk: str) -> int:
    client, table = ddb
    item = client.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True)
    return int(item["Item"]["used"]["N"]) if "Item" in item else 0


def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def test_micro_usd_rounds_up() -> None:
    assert to_micro_usd(1.5) == 1_500_000
    assert to_micro_usd(0.0000001) == 1  # a fraction of a micro-dollar is charged as one
    assert to_micro_usd(0) == 0


def test_limits_resolve_tenant_then_tier_then_default_plus_the_model(ddb) -> None:
    s = store(
        ddb,
        usd_tiers={"gold": 50},
        usd_tenants={"vip": 7},
        usd_default=1,
        usd_models={"vip": {"chat": 2}},
    )
    assert s.usd_limits("vip", "gold", "chat") == [("", 7_000_000), ("#chat", 2_000_000)]
    assert s.usd_limits("vip", "gold", "emb") == [("", 7_000_000)]
    assert s.usd_limits("x", "gold", "chat") == [("", 50_000_000)]
    assert s.usd_limits("x", "bronze", "chat") == [("", 1_000_000)]
    assert store(ddb).usd_limits("x", None, "chat") == []


def test_reserve_takes_from_the_tenant_and_the_model_budget(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_default=10, usd_models={t: {"chat": 5}})
    held = s.reserve_usd(t, None, "chat", 1_250_000)
    assert [r.pk for r in held] == [f"spend#{t}#{PERIOD}", f"spend#{t}#{PERIOD}#chat"]
    assert spent(ddb, f"spend#{t}#{PERIOD}") == 1_250_000
    assert spent(ddb, f"spend#{t}#{PERIOD}#chat") == 1_250_000


def test_reconcile_replaces_the_reservation_by_the_actual_cost(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_default=10)
    (held,) = s.reserve_usd(t, None, "chat", 900_000)
    s.reconcile(held, 120_000)
    assert spent(ddb, f"spend#{t}#{PERIOD}") == 120_000
    (again,) = s.reserve_usd(t, None, "chat", 50_000)
    s.reconcile(again, 0)  # a failed call refunds everything
    assert spent(ddb, f"spend#{t}#{PERIOD}") == 120_000


def test_refusal_is_a_429_budget_exceeded(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_default=1)
    s.reserve_usd(t, None, "chat", 600_000)
    with pytest.raises(ApiError) as exc:
        s.reserve_usd(t, None, "chat", 500_000)
    assert (exc.value.status, exc.value.code, exc.value.type) == (
        429,
        "budget_exceeded",
        "insufficient_quota",
    )
    assert "USD budget" in exc.value.message
    assert spent(ddb, f"spend#{t}#{PERIOD}") == 600_000


def test_a_refused_model_budget_refunds_the_tenant_budget(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_default=10, usd_models={t: {"chat": 1}})
    with pytest.raises(ApiError) as exc:
        s.reserve_usd(t, None, "chat", 2_000_000)
    assert exc.value.code == "budget_exceeded" and "model 'chat'" in exc.value.message
    s.reserve_usd(t, None, "chat", 800_000)
    with pytest.raises(ApiError):
        s.reserve_usd(t, None, "chat", 300_000)  # the model's budget is refused ...
    assert spent(ddb, f"spend#{t}#{PERIOD}") == 800_000  # ... and the tenant's refunded


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(0, 5_000),
    requests=st.lists(
        st.tuples(st.integers(0, 2_000), st.integers(0, 2_000)), min_size=1, max_size=12
    ),
)
def test_reconcile_keeps_spend_between_zero_and_limit_plus_one_request(
    ddb, limit: int, requests: list[tuple[int, int]]
) -> None:
    """Whatever the estimates and the actual costs, the stored spend is never negative and
    never above the limit by more than one request's actual cost."""
    t = tenant()
    s = store(ddb, usd_default=limit / 1_000_000)
    pk = f"spend#{t}#{PERIOD}"
    for reserve, actual in requests:
        try:
            (held,) = s.reserve_usd(t, None, "chat", reserve)
        except ApiError as exc:
            assert exc.code == "budget_exceeded"
            continue
        s.reconcile(held, actual)
        used = spent(ddb, pk)
        assert 0 <= used <= limit + actual
    assert 0 <= spent(ddb, pk) <= limit + max(a for _, a in requests)


def _gateway(ddb: tuple[Any, str], usd: dict[str, Any]) -> Any:
    client, table = ddb
    doc = base_config(
        quotas={
            "enabled": True,
            "table_name": table,
            "reserve_output_tokens": 100,
            "usd": usd,
        },
        prices={"echo": {"input_per_1m": 1000, "output_per_1m": 2000}},
    )
    gw, cap = make_gateway(doc, quota_client=client)
    gw.quota_store(gw._config()).clock = lambda: NOW  # periods and days of 2026-11-28
    return gw, cap


def test_gateway_settles_the_actual_cost_then_refuses_with_budget_exceeded(ddb) -> None:
    t = tenant()
    # The most a request can cost: (1 prompt token + 100 reserved output tokens) at the
    # dearest rate, 2,000 $/M = $0.202. An echo answer (1 in, 4 out) costs $0.009. With
    # $0.25 a reservation passes while the spend is at most $0.048: six answers, then 429.
    gw, cap = _gateway(ddb, {"tenants": {t: 0.25}})
    auth = {**TENANT, "tenant": t}
    req = {"model": "chat", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}
    first = post(gw, "/v1/chat/completions", req, auth)
    assert first.status == 200
    usage = json.loads(first.body)["usage"]
    expected = to_micro_usd(
        (usage["prompt_tokens"] * 1000 + usage["completion_tokens"] * 2000) / 1_000_000
    )
    assert spent(ddb, f"spend#{t}#{PERIOD}") == expected
    answered = 1
    for _ in range(20):
        last = post(gw, "/v1/chat/completions", req, auth)
        if last.status != 200:
            break
        answered += 1
    assert last.status == 429 and answered == 6
    err = json.loads(last.body)["error"]
    assert (err["type"], err["code"]) == ("insufficient_quota", "budget_exceeded")
    assert cap.metrics[-1]["QuotaRejections"] == 1
    assert cap.logs[-1]["attempts"] == []  # the provider was not called
    assert spent(ddb, f"spend#{t}#{PERIOD}") == 6 * expected  # the refusal held nothing


def test_unpriced_target_fails_closed_when_a_usd_budget_applies(ddb) -> None:
    client, table = ddb
    doc = base_config(
        providers={"mock": {"type": "mock"}, "oa": {"type": "openai", "base_url": "https://x"}},
        quotas={"enabled": True, "table_name": table, "usd": {"default": 1}},
    )
    doc["models"]["gpt"] = {"targets": [{"provider": "oa", "model": "gpt-x"}]}
    gw, _ = make_gateway(doc, quota_client=client, clock=lambda: NOW)
    resp = post(
        gw,
        "/v1/chat/completions",
        {"model": "gpt", "messages": [{"role": "user", "content": "hi"}]},
        {**TENANT, "tenant": tenant()},
    )
    assert resp.status == 500
    assert json.loads(resp.body)["error"]["code"] == "price_missing"


def test_every_answer_adds_to_the_chargeback_item_of_its_day_and_model(ddb) -> None:
    client, table = ddb
    t = tenant()
    gw, _ = _gateway(ddb, {})  # no USD budget: the cost is still recorded
    auth = {**TENANT, "tenant": t}
    req = {"model": "chat", "messages": [{"role": "user", "content": "hello there"}]}
    usages: list[dict[str, int]] = []
    for _ in range(3):
        usages.append(json.loads(post(gw, "/v1/chat/completions", req, auth).body)["usage"])
    item = client.get_item(
        TableName=table, Key={"pk": {"S": f"usage#{t}#2026-11-28#chat"}}, ConsistentRead=True
    )["Item"]
    prompt = sum(u["prompt_tokens"] for u in usages)
    completion = sum(u["completion_tokens"] for u in usages)
    assert item["tenant"]["S"] == t and item["day"]["S"] == "2026-11-28"
    assert item["model"]["S"] == "chat"
    assert int(item["requests"]["N"]) == 3
    assert int(item["input_tokens"]["N"]) == prompt
    assert int(item["output_tokens"]["N"]) == completion
    per_answer = [
        to_micro_usd((u["prompt_tokens"] * 1000 + u["completion_tokens"] * 2000) / 1e6)
        for u in usages
    ]
    assert int(item["cost_micro_usd"]["N"]) == sum(per_answer)


def test_fractions_below_a_millionth_of_a_micro_dollar_are_float_noise() -> None:
    # Prices times tokens carry binary-float noise; only what is left after rounding to a
    # millionth of a micro-dollar is charged (rounded up).
    assert to_micro_usd(2.0000001e-6) == 2
    assert to_micro_usd(0.1 + 0.2) == 300_000


def test_refusals_name_the_tenant_and_only_a_model_budget_names_the_model(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_default=1, usd_models={t: {"emb": 1}})
    s.reserve_usd(t, None, "chat", 900_000)
    with pytest.raises(ApiError) as exc:
        s.reserve_usd(t, None, "chat", 200_000)
    assert exc.value.message == (
        f"Tenant '{t}' has exhausted its USD budget for the current period."
    )


def test_a_tier_budget_applies_through_reserve(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_tiers={"gold": 1})
    s.reserve_usd(t, "gold", "chat", 600_000)
    with pytest.raises(ApiError) as exc:
        s.reserve_usd(t, "gold", "chat", 500_000)
    assert exc.value.code == "budget_exceeded"
    assert s.reserve_usd(t, "silver", "chat", 500_000) == []  # no budget for that tier


def test_daily_usd_budgets_key_the_spend_by_the_store_clocks_day(ddb) -> None:
    t = tenant()
    s = store(ddb, usd_default=10, period="day")
    (held,) = s.reserve_usd(t, None, "chat", 100)
    assert held.pk == f"spend#{t}#2026-11-28"
    assert spent(ddb, f"spend#{t}#2026-11-28") == 100
