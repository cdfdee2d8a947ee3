"""Routing: target order, weights, fallback rules, deadline and circuit breakers."""

from __future__ import annotations

import pytest

from llm_gateway.config import ModelConfig, Target
from llm_gateway.providers import base
from llm_gateway.retry import RetryPolicy
from llm_gateway.routing import AllTargetsFailed, CircuitBreaker, Router, plan

A, B, C = Target("p", "a"), Target("p", "b", weight=3), Target("p", "c", weight=0)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def model(*targets: Target, strategy: str = "ordered") -> ModelConfig:
    return ModelConfig("m", "chat", tuple(targets), strategy)


def scripted(outcomes: dict[str, list]):
    calls: list[str] = []

    def call(target: Target, left: float) -> str:
        calls.append(target.model)
        outcome = outcomes[target.model].pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return call, calls


def router(
    clock: Clock | None = None,
    threshold: int = 2,
    cooldown: float = 10,
    rng=lambda: 0.0,
    sleeps: list[float] | None = None,
) -> Router:
    clock = clock or Clock()

    def sleep(seconds: float) -> None:  # no real sleeping: the fake clock moves
        if sleeps is not None:
            sleeps.append(seconds)
        clock.now += seconds

    return Router(CircuitBreaker(threshold, cooldown, clock), clock, rng, sleep)


def test_ordered_plan_keeps_configured_order() -> None:
    assert plan(model(A, B, C)) == [A, B, C]


def test_weighted_plan_picks_primary_by_weight_then_falls_back_in_order() -> None:
    m = model(A, B, C, strategy="weighted")  # weights 1, 3, 0
    assert plan(m, lambda: 0.0) == [A, B, C]
    assert plan(m, lambda: 0.5) == [B, A, C]  # 0.5 * 4 = 2.0 falls in B's share
    assert plan(m, lambda: 0.999) == [B, A, C]


def test_weighted_distribution_follows_weights() -> None:
    import random

    rng = random.Random(7)
    m = model(A, B, strategy="weighted")
    firsts = [plan(m, rng.random)[0] for _ in range(4000)]
    share_b = firsts.count(B) / len(firsts)
    assert 0.7 < share_b < 0.8  # expected 0.75


@pytest.mark.parametrize(
    ("error", "tries_on_a"),
    [(base.rate_limited(), 2), (base.upstream_unavailable(), 1), (base.upstream_timeout(), 1)],
)
def test_retryable_errors_fall_back_to_next_target(
    error: base.ProviderError, tries_on_a: int
) -> None:
    """Only throttling is retried in place (default: two tries), the rest falls back."""
    call, calls = scripted({"a": [error] * tries_on_a, "b": ["ok-b"]})
    result = router().run(model(A, B), call, deadline=1e9)
    assert result.value == "ok-b" and result.target == B and calls == ["a"] * tries_on_a + ["b"]


def test_client_errors_never_fall_back() -> None:
    call, calls = scripted({"a": [base.bad_request("nope")], "b": ["ok-b"]})
    with pytest.raises(AllTargetsFailed) as exc:
        router().run(model(A, B), call, deadline=1e9)
    assert exc.value.error.status == 400 and calls == ["a"]


def test_last_error_is_answered_when_every_target_fails() -> None:
    call, _ = scripted({"a": [base.upstream_unavailable()], "b": [base.rate_limited()] * 2})
    with pytest.raises(AllTargetsFailed) as exc:
        router().run(model(A, B), call, deadline=1e9)
    assert exc.value.error.status == 429


def test_deadline_stops_fallback() -> None:
    clock = Clock()
    r = router(clock)

    def call(target: Target, left: float) -> str:
        clock.now += 5  # each attempt burns 5 s
        raise base.upstream_timeout()

    with pytest.raises(AllTargetsFailed) as exc:
        r.run(model(A, B, C), call, deadline=clock.now + 4)
    assert exc.value.error.status == 504 and exc.value.error.code == "deadline_exceeded"
    assert len(exc.value.attempts) == 1


def test_seconds_left_are_passed_to_the_call() -> None:
    clock = Clock()
    seen: list[float] = []
    router(clock).run(model(A), lambda t, left: seen.append(left), deadline=clock.now + 3)
    assert seen == [3]


def test_breaker_opens_after_threshold_and_skips_target() -> None:
    clock = Clock()
    r = router(clock, threshold=2, cooldown=10)
    call, calls = scripted({"a": [base.upstream_unavailable()] * 2, "b": ["ok"] * 3})
    for _ in range(3):
        r.run(model(A, B), call, deadline=1e9)
    assert calls == ["a", "b", "a", "b", "b"]
    assert r.breaker.is_open(A.key)


def test_breaker_half_opens_after_cooldown_and_closes_on_success() -> None:
    clock = Clock()
    r = router(clock, threshold=1, cooldown=10)
    call, _calls = scripted({"a": [base.upstream_unavailable(), "ok-a"], "b": ["ok-b"] * 2})
    r.run(model(A, B), call, deadline=1e9)
    assert r.run(model(A, B), call, deadline=1e9).value == "ok-b"  # a skipped
    clock.now += 10
    assert r.run(model(A, B), call, deadline=1e9).value == "ok-a"  # trial succeeds
    assert not r.breaker.is_open(A.key)


def test_half_open_allows_a_single_trial() -> None:
    clock = Clock()
    br = CircuitBreaker(1, 10, clock)
    br.failure("k")
    clock.now += 10
    assert br.allow("k") is True
    assert br.allow("k") is False


def test_all_targets_open_answers_503() -> None:
    clock = Clock()
    r = router(clock, threshold=1)
    call, _ = scripted({"a": [base.upstream_unavailable()]})
    with pytest.raises(AllTargetsFailed):
        r.run(model(A), call, deadline=1e9)
    with pytest.raises(AllTargetsFailed) as exc:
        r.run(model(A), call, deadline=1e9)
    assert exc.value.error.status == 503
    assert exc.value.attempts[0].outcome == "skipped_open_circuit"


def test_client_errors_do_not_trip_the_breaker() -> None:
    r = router(threshold=1)
    call, _ = scripted({"a": [base.bad_request("x"), "ok"]})
    with pytest.raises(AllTargetsFailed):
        r.run(model(A), call, deadline=1e9)
    assert r.run(model(A), call, deadline=1e9).value == "ok"


# --------------------------------------------------------------------------- throttling


def throttled_target(name: str, attempts: int = 3, base_ms: int = 100, cap_ms: int = 250) -> Target:
    return Target("p", name, retry=RetryPolicy(attempts, base_ms, cap_ms))


def test_throttled_target_is_retried_with_capped_jittered_backoff_then_succeeds() -> None:
    t = throttled_target("a", attempts=4, base_ms=100, cap_ms=250)
    call, calls = scripted({"a": [base.rate_limited()] * 3 + ["ok-a"]})
    sleeps: list[float] = []
    draws = iter([0.5, 1.0, 0.25])
    result = router(rng=lambda: next(draws), sleeps=sleeps).run(model(t), call, deadline=1e9)
    assert result.value == "ok-a" and calls == ["a"] * 4
    # full jitter: draw * min(cap, base * 2**n) = 0.5*100 ms, 1.0*200 ms, 0.25*250 ms
    assert sleeps == pytest.approx([0.05, 0.2, 0.0625])
    assert [a.outcome for a in result.attempts] == ["rate_limit_exceeded"] * 3 + ["ok"]


def test_throttling_retries_are_bounded_then_fall_back() -> None:
    t = throttled_target("a", attempts=3)
    call, calls = scripted({"a": [base.rate_limited()] * 3, "b": ["ok-b"]})
    sleeps: list[float] = []
    result = router(rng=lambda: 1.0, sleeps=sleeps).run(model(t, B), call, deadline=1e9)
    assert calls == ["a", "a", "a", "b"] and result.target == B
    assert len(sleeps) == 2


def test_no_backoff_that_would_end_after_the_deadline() -> None:
    clock = Clock()
    t = throttled_target("a", attempts=5, base_ms=1000, cap_ms=1000)
    call, calls = scripted({"a": [base.rate_limited()], "b": ["ok-b"]})
    sleeps: list[float] = []
    r = router(clock, rng=lambda: 1.0, sleeps=sleeps)
    result = r.run(model(t, B), call, deadline=clock.now + 0.5)
    assert calls == ["a", "b"] and sleeps == [] and result.target == B


def test_other_failures_are_not_retried_in_place() -> None:
    t = throttled_target("a", attempts=5)
    for error in (base.upstream_unavailable(), base.upstream_timeout()):
        call, calls = scripted({"a": [error], "b": ["ok-b"]})
        router().run(model(t, B), call, deadline=1e9)
        assert calls == ["a", "b"]


def test_a_target_that_stays_throttled_counts_once_against_its_breaker() -> None:
    t = throttled_target("a", attempts=3)
    r = router(threshold=2)
    call, _ = scripted({"a": [base.rate_limited()] * 3, "b": ["ok-b"]})
    r.run(model(t, B), call, deadline=1e9)
    assert not r.breaker.is_open(t.key)


# --------------------------------------------------------------------------- attempt budget


def test_each_attempt_gets_an_equal_share_of_the_time_left() -> None:
    clock = Clock()
    seen: list[tuple[str, float]] = []

    def call(target: Target, budget: float) -> str:
        seen.append((target.model, budget))
        clock.now += budget  # the attempt uses its whole budget, then fails
        raise base.upstream_timeout()

    with pytest.raises(AllTargetsFailed):
        router(clock).run(model(A, B, C), call, deadline=clock.now + 9)
    assert seen == [("a", 3.0), ("b", 3.0), ("c", 3.0)]


def test_attempt_timeout_caps_every_attempt() -> None:
    clock = Clock()
    r = Router(CircuitBreaker(5, 10, clock), clock, lambda: 0.0, lambda s: None, 2.0)
    seen: list[float] = []
    r.run(model(A, B), lambda t, budget: seen.append(budget), deadline=clock.now + 9)
    assert seen == [2.0]
    assert r.budget(1.5, 3) == 1.5  # never more than the time left
