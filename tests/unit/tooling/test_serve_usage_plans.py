"""Usage plans in serve: token buckets, quotas by period, per-method throttles (fake clock)."""

from __future__ import annotations

import calendar
import json
from typing import Any

import pytest

from aigw import serve
from aigw.serve.usage_plans import (
    Plan,
    Quota,
    Throttle,
    TokenBucket,
    UsagePlans,
    load_usage_plans,
    period_start,
    plans_for_stage,
)


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_allows_the_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.advance(0.4)  # 0.8 token
    assert bucket.take() is False
    clock.advance(0.1)  # 0.8 + 0.2 = 1 token
    assert bucket.take() is True
    clock.advance(100)  # refills to the burst, not beyond
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_a_zero_burst_bucket_never_admits() -> None:
    assert TokenBucket(rate=100, burst=0, clock=Clock()).take() is False


def utc(*parts: int) -> float:
    return float(calendar.timegm((*parts, 0, 0, 0)[:6]))


@pytest.mark.parametrize(
    ("period", "offset", "now", "start"),
    [
        ("DAY", 0, utc(2026, 11, 30, 15, 4, 5), utc(2026, 11, 30)),
        # 2026-11-30 is a Monday: offset 0 (Sunday) -> the 29th, offset 1 (Monday) -> the 30th
        ("WEEK", 0, utc(2026, 11, 30, 15), utc(2026, 11, 29)),
        ("WEEK", 1, utc(2026, 11, 30, 15), utc(2026, 11, 30)),
        ("WEEK", 2, utc(2026, 11, 30, 15), utc(2026, 11, 24)),
        ("MONTH", 0, utc(2026, 11, 30, 15), utc(2026, 11, 1)),
        ("MONTH", 4, utc(2026, 11, 3, 15), utc(2026, 10, 5)),
        ("MONTH", 4, utc(2026, 1, 3, 15), utc(2025, 12, 5)),
    ],
)
def test_quota_periods_start_in_utc_with_the_offset(period, offset, now, start) -> None:
    assert period_start(period, offset, now) == start


def test_quota_counts_per_period_and_resets_on_the_next() -> None:
    clock = Clock(utc(2026, 11, 30, 23, 59, 0))
    quota = Quota(2, "DAY", 0, clock)
    for _ in range(2):
        assert not quota.exhausted()
        quota.count()
    assert quota.exhausted()
    clock.advance(60)  # midnight UTC: a new day
    assert not quota.exhausted()


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="DAY, WEEK or MONTH"):
        Quota(1, "YEAR", 0, Clock())


def test_plans_for_stage_keep_method_throttles_of_this_stage_only() -> None:
    raw = [
        {
            "id": "p1",
            "name": "basic",
            "apiStages": [
                {"apiId": "other", "stage": "v1"},
                {
                    "apiId": "api123",
                    "stage": "v1",
                    "throttle": {"/v1/chat/completions/POST": {"rateLimit": 1, "burstLimit": 1}},
                },
            ],
            "throttle": {"rateLimit": 10.0, "burstLimit": 5},
            "quota": {"limit": 100, "period": "DAY", "offset": 0},
        },
        {"id": "p2", "apiStages": [{"apiId": "api123", "stage": "prod"}]},
    ]
    (plan,) = plans_for_stage(raw, "api123", "v1")
    assert plan.throttle == Throttle(10.0, 5)
    assert plan.methods == {"/v1/chat/completions/POST": Throttle(1.0, 1)}
    assert plan.quota == {"limit": 100, "period": "DAY", "offset": 0}


def plans(clock: Clock) -> UsagePlans:
    plan = Plan(
        "p1",
        "basic",
        Throttle(rate=1, burst=2),
        {"limit": 5, "period": "DAY", "offset": 0},
        {"/v1/embeddings/POST": Throttle(rate=0.5, burst=1)},
    )
    return UsagePlans([plan], {"key-a": "p1", "key-b": "p1"}, clock=clock)


def test_throttling_is_per_key_and_quota_does_not_count_throttled_requests() -> None:
    clock = Clock()
    up = plans(clock)
    kinds = [up.check("key-a", "POST", "/v1/chat/completions").kind for _ in range(3)]
    assert kinds == ["", "", "THROTTLED"]
    assert up.check("key-b", "POST", "/v1/chat/completions").kind == ""  # its own bucket
    clock.advance(1)
    assert up.check("key-a", "POST", "/v1/chat/completions").kind == ""
    # 3 admitted for key-a so far; two more fill the quota of 5, the sixth is over it.
    clock.advance(10)
    assert up.check("key-a", "POST", "/v1/chat/completions").kind == ""
    assert up.check("key-a", "POST", "/v1/chat/completions").kind == ""
    clock.advance(10)
    verdict = up.check("key-a", "POST", "/v1/chat/completions")
    assert (verdict.kind, verdict.message) == ("QUOTA_EXCEEDED", "Limit Exceeded")


def test_a_method_throttle_applies_to_its_method_on_top_of_the_plan() -> None:
    clock = Clock()
    up = plans(clock)
    assert up.check("key-a", "POST", "/v1/embeddings").kind == ""
    assert up.check("key-a", "POST", "/v1/embeddings").kind == "THROTTLED"  # burst 1
    assert up.check("key-a", "POST", "/v1/chat/completions").kind == ""  # plan bucket left
    clock.advance(2)
    assert up.check("key-a", "POST", "/v1/embeddings").kind == ""


def test_a_new_key_is_found_at_its_first_request_and_unknown_keys_are_forbidden() -> None:
    clock = Clock()
    calls: list[int] = []
    known: dict[str, str] = {}

    def reload() -> tuple[list[Plan], dict[str, str]]:
        calls.append(1)
        return [Plan("p1", "basic")], dict(known)

    up = UsagePlans([Plan("p1", "basic")], {}, clock=clock, reload=reload)
    known["key-1"] = "p1"
    assert up.check("key-1", "GET", "/v1/models").kind == ""
    known["key-2"] = "p1"  # created right after: found at once, not a second later
    assert up.check("key-2", "GET", "/v1/models").kind == ""
    assert len(calls) == 2
    assert up.check("nope", "GET", "/v1/models").kind == "INVALID_API_KEY"
    assert up.check("nope", "GET", "/v1/models").kind == "INVALID_API_KEY"
    assert len(calls) == 3  # the same unknown key re-reads the sandbox at most once a second
    clock.advance(1)
    assert up.check("nope", "GET", "/v1/models").kind == "INVALID_API_KEY"
    assert len(calls) == 4


class FakeApiGateway:
    def __init__(self) -> None:
        self.pages = {
            "get_usage_plans": [
                {
                    "items": [
                        {"id": "p1", "name": "basic", "apiStages": [{"apiId": "a", "stage": "v1"}]}
                    ]
                }
            ],
            "get_usage_plan_keys": [{"items": [{"id": "k1"}]}],
            "get_api_keys": [
                {
                    "items": [
                        {"id": "k1", "value": "secret-1", "enabled": True},
                        {"id": "k2", "value": "x"},
                    ]
                }
            ],
        }

    def get_paginator(self, name: str) -> Any:
        pages = self.pages[name]

        class P:
            def paginate(self, **_kw: Any) -> list[dict[str, Any]]:
                return pages

        return P()


def test_load_usage_plans_maps_key_values_to_plans() -> None:
    plans_, keys = load_usage_plans(FakeApiGateway(), "a", "v1")
    assert [p.id for p in plans_] == ["p1"] and keys == {"secret-1": "p1"}


def test_the_plane_answers_the_documents_throttled_and_quota_responses() -> None:
    doc: dict[str, Any] = {
        "openapi": "3.0.1",
        "x-amazon-apigateway-api-key-source": "HEADER",
        "components": {
            "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
        },
        "paths": {
            "/v1/ping": {
                "post": {
                    "security": [{"api_key": []}],
                    "x-amazon-apigateway-integration": {
                        "type": "mock",
                        "requestTemplates": {"application/json": '{"statusCode": 200}'},
                        "responses": {
                            "default": {
                                "statusCode": "200",
                                "responseTemplates": {"application/json": '{"pong": true}'},
                            }
                        },
                    },
                }
            }
        },
        "x-amazon-apigateway-gateway-responses": {
            kind: {
                "statusCode": "429",
                "responseTemplates": {
                    "application/json": '{"error": {"message": $context.error.messageString, '
                    f'"type": "rate_limit_error", "code": "{kind.lower()}", "param": null}}}}'
                },
            }
            for kind in ("THROTTLED", "QUOTA_EXCEEDED")
        },
    }
    routes = serve.routes_from_openapi(doc)
    bindings = [serve.integration_type("mock").bind(r, lambda a: None) for r in routes]  # type: ignore[arg-type,return-value]
    clock = Clock()
    up = UsagePlans(
        [Plan("p1", "x", Throttle(1, 1), {"limit": 2, "period": "DAY", "offset": 0})],
        {"k": "p1"},
        clock=clock,
    )
    plane = serve.DataPlane(doc, serve.Stage("a", "v1", "us-east-1", "1"), bindings, {}, up)

    def call() -> tuple[int, Any]:
        inc = serve.Incoming("POST", "/v1/ping", [], [("x-api-key", "k")], b"{}")
        r = plane.dispatch(inc)
        return r.status, json.loads(r.body)

    assert call() == (200, {"pong": True})  # admitted: the mock answers
    status, body = call()
    assert status == 429 and body["error"] == {
        "message": "Too Many Requests",
        "type": "rate_limit_error",
        "code": "throttled",
        "param": None,
    }
    clock.advance(1)
    assert call() == (200, {"pong": True})
    clock.advance(1)
    status, body = call()
    assert status == 429 and body["error"]["message"] == "Limit Exceeded"
    assert body["error"]["code"] == "quota_exceeded"


def test_an_unreachable_sandbox_while_re_reading_keys_is_an_unknown_key() -> None:
    def reload() -> tuple[list[Plan], dict[str, str]]:
        raise ConnectionError("sandbox down")

    up = UsagePlans([Plan("p1", "basic")], {"k": "p1"}, clock=Clock(), reload=reload)
    assert up.check("other", "GET", "/v1/models").kind == "INVALID_API_KEY"
    assert up.check("k", "GET", "/v1/models").kind == ""
