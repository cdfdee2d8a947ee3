"""The token-quota rules of llm_gateway/quotas.py against an in-process DynamoDB: which
limit applies, the reservation boundary, the item written, refunds, and failing closed.
Expected values are written out (periods, epoch seconds, keys), not computed by the code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aigw_shared import errors
from ddb_inprocess import Table, dynamodb_table
from llm_gateway.config import QuotaConfig
from llm_gateway.quotas import QuotaStore, Reservation, period_id

NOW = 1795843200.0  # 2026-11-28T05:20:00Z
NOV_29 = 1795910400  # 2026-11-29T00:00:00Z
NOVEMBER_ENDS = 1796083200  # 2026-12-01T00:00:00Z
DAY = 86400


@pytest.fixture
def table() -> Iterator[Table]:
    with dynamodb_table("aigw-usage") as t:
        yield t


def store(table: Table, now: float = NOW, **kw) -> QuotaStore:
    return QuotaStore(
        QuotaConfig(enabled=True, table_name=table.name, **kw), table.client, clock=lambda: now
    )


@pytest.mark.parametrize(
    ("period", "now", "expected"),
    [
        ("month", NOW, ("2026-11", NOVEMBER_ENDS)),
        ("month", NOVEMBER_ENDS - 1, ("2026-11", NOVEMBER_ENDS)),  # last second of November
        ("month", NOVEMBER_ENDS, ("2026-12", 1798761600)),  # 2027-01-01: the year rolls over
        ("month", 1798761600 - 1, ("2026-12", 1798761600)),
        ("month", 1798761600, ("2027-01", 1801440000)),  # 2027-02-01
        ("month", 1801440000, ("2027-02", 1803859200)),  # February 2027 has 28 days
        ("day", NOW, ("2026-11-28", NOV_29)),
        ("day", NOV_29 - 1, ("2026-11-28", NOV_29)),
        ("day", NOV_29, ("2026-11-29", NOV_29 + DAY)),
        ("day", 1798761599, ("2026-12-31", 1798761600)),
    ],
)
def test_period_ids(period: str, now: float, expected: tuple[str, int]) -> None:
    assert period_id(period, now) == expected


def test_limit_is_the_tenant_override_then_the_tier_then_the_default(table: Table) -> None:
    s = store(table, tiers={"gold": 500, "free": 0}, tenants={"vip": 9}, default_tokens=1)
    assert s.limit_for("vip", "gold") == 9
    assert s.limit_for("vip", None) == 9
    assert s.limit_for("x", "gold") == 500
    assert s.limit_for("x", "free") == 0
    assert s.limit_for("x", "bronze") == 1
    assert s.limit_for("x", None) == 1
    assert s.limit_for("x", "") == 1
    assert store(table).limit_for("x", "gold") is None


def test_unlimited_tenants_reserve_nothing(table: Table) -> None:
    s = QuotaStore(QuotaConfig(enabled=True, table_name=table.name), client=object())
    assert s.reserve("t", None, 10**9) is None  # the client is never touched


def test_reserve_writes_the_period_item_with_its_expiry(table: Table) -> None:
    res = store(table, default_tokens=1000).reserve("acme", None, 300)
    assert res == Reservation("quota#acme#2026-11", 300)
    assert table.item("quota#acme#2026-11") == {
        "pk": {"S": "quota#acme#2026-11"},
        "used": {"N": "300"},
        "expires_at": {"N": str(NOVEMBER_ENDS + 35 * DAY)},
    }


def test_expiry_is_set_once_per_period(table: Table) -> None:
    store(table, default_tokens=1000).reserve("acme", None, 100)
    store(table, now=NOW + DAY, default_tokens=1000).reserve("acme", None, 100)
    item = table.item("quota#acme#2026-11")
    assert item["used"] == {"N": "200"}
    assert item["expires_at"] == {"N": str(NOVEMBER_ENDS + 35 * DAY)}


def test_a_reservation_may_use_the_budget_to_the_last_token(table: Table) -> None:
    s = store(table, default_tokens=250)
    s.reserve("t", None, 100)
    s.reserve("t", None, 150)  # used == limit: allowed
    with pytest.raises(errors.ApiError) as exc:
        s.reserve("t", None, 1)
    assert s.used("t") == 250
    assert exc.value.status == 429
    assert exc.value.type == errors.INSUFFICIENT_QUOTA
    assert exc.value.code == "insufficient_quota"
    assert exc.value.message == (
        "Tenant 't' has exhausted its token budget for the current period."
    )


def test_a_request_larger_than_the_whole_budget_is_rejected_before_dynamodb(
    table: Table,
) -> None:
    # object() has no update_item: any DynamoDB call would raise AttributeError.
    s = QuotaStore(QuotaConfig(enabled=True, table_name="t", default_tokens=100), client=object())
    with pytest.raises(errors.ApiError) as exc:
        s.reserve("big", None, 101)
    assert exc.value.status == 429 and "'big'" in exc.value.message
    assert store(table, default_tokens=100).reserve("big", None, 100) is not None  # equal: fits


def test_periods_and_tenants_have_separate_budgets(table: Table) -> None:
    store(table, default_tokens=100).reserve("a", None, 100)
    store(table, default_tokens=100).reserve("b", None, 100)
    store(table, now=NOVEMBER_ENDS, default_tokens=100).reserve("a", None, 100)
    assert table.item("quota#a#2026-12")["used"] == {"N": "100"}
    assert store(table, default_tokens=100).used("a") == 100


@pytest.mark.parametrize(("actual", "used"), [(120, 120), (300, 300), (450, 450), (0, 0)])
def test_reconcile_replaces_the_reservation_by_the_real_usage(
    table: Table, actual: int, used: int
) -> None:
    s = store(table, default_tokens=1000)
    res = s.reserve("t", None, 300)
    s.reconcile(res, actual)
    assert s.used("t") == used


def test_reconcile_without_a_difference_makes_no_call() -> None:
    class NoCalls:
        def update_item(self, **_: object) -> None:
            raise AssertionError("no call expected")

    s = QuotaStore(QuotaConfig(enabled=True, table_name="t"), client=NoCalls())
    s.reconcile(Reservation("quota#t#2026-11", 300), 300)


def test_used_is_zero_before_any_reservation(table: Table) -> None:
    assert store(table, default_tokens=5).used("nobody") == 0


class FailingClient:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def update_item(self, **_: object) -> None:
        raise self.exc


def _client_error(code: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": "m"}}, "UpdateItem")


@pytest.mark.parametrize(
    "exc",
    [
        pytest.param("ProvisionedThroughputExceededException", id="throttled"),
        pytest.param("ResourceNotFoundException", id="no-table"),
        pytest.param("endpoint", id="unreachable"),
    ],
)
def test_an_unavailable_quota_table_fails_closed_with_503(exc: str) -> None:
    from botocore.exceptions import EndpointConnectionError

    error = (
        EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
        if exc == "endpoint"
        else _client_error(exc)
    )
    s = QuotaStore(
        QuotaConfig(enabled=True, table_name="t", default_tokens=100), FailingClient(error)
    )
    with pytest.raises(errors.ApiError) as caught:
        s.reserve("t", None, 10)
    assert caught.value.status == 503
    assert caught.value.type == errors.SERVER
    assert caught.value.code == "quota_unavailable"
    assert caught.value.message == "The token quota service is unavailable."


def test_the_default_client_has_short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    from aigw_shared import aws

    made: list[tuple[str, dict]] = []
    monkeypatch.setattr(aws, "client", lambda service, **kw: made.append((service, kw)) or "c")
    s = QuotaStore(QuotaConfig(enabled=True, table_name="t"))
    assert s.client == "c" and s.client == "c"
    assert made == [("dynamodb", {"read_timeout": 2, "attempts": 2})]


def test_reserve_applies_the_tenant_override_and_the_tier(table: Table) -> None:
    s = store(table, tiers={"gold": 50}, tenants={"vip": 5}, default_tokens=1000)
    with pytest.raises(errors.ApiError):
        s.reserve("vip", "gold", 6)  # the override (5), not the tier or the default
    with pytest.raises(errors.ApiError):
        s.reserve("x", "gold", 51)  # the tier (50), not the default
    assert s.reserve("x", "gold", 50) == Reservation("quota#x#2026-11", 50)


def test_a_daily_budget_uses_the_day_as_its_period(table: Table) -> None:
    s = store(table, period="day", default_tokens=100)
    assert s.reserve("t", None, 40) == Reservation("quota#t#2026-11-28", 40)
    assert table.item("quota#t#2026-11-28")["expires_at"] == {"N": str(NOV_29 + 35 * DAY)}
    assert s.used("t") == 40


def test_a_client_error_without_an_error_member_is_still_503() -> None:
    from botocore.exceptions import ClientError

    s = QuotaStore(
        QuotaConfig(enabled=True, table_name="t", default_tokens=100),
        FailingClient(ClientError({}, "UpdateItem")),
    )
    with pytest.raises(errors.ApiError) as caught:
        s.reserve("t", None, 10)
    assert (caught.value.status, caught.value.code) == (503, "quota_unavailable")


def test_usage_is_read_strongly_consistent() -> None:
    """DynamoDB reads are eventually consistent unless asked (GetItem ConsistentRead)."""
    calls: list[dict] = []

    class Recorder:
        def get_item(self, **kw: object) -> dict:
            calls.append(kw)
            return {"Item": {"used": {"N": "7"}}}

    s = QuotaStore(QuotaConfig(enabled=True, table_name="t"), Recorder(), clock=lambda: NOW)
    assert s.used("acme") == 7
    assert calls == [
        {"TableName": "t", "Key": {"pk": {"S": "quota#acme#2026-11"}}, "ConsistentRead": True}
    ]
