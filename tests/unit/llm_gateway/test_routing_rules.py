"""Routing rules written out: the weighted draw at its edges, the attempts a request
records, the exact errors it answers, the deadline boundary and the breaker's cooldown."""

from __future__ import annotations

import pytest

from aigw_shared import errors
from llm_gateway.config import ModelConfig, Target
from llm_gateway.providers.base import ProviderError
from llm_gateway.routing import AllTargetsFailed, Attempt, CircuitBreaker, Router, plan

A, B, C = Target("p", "a", weight=1), Target("p", "b", weight=3), Target("q", "c", weight=0)


def weighted(*targets: Target) -> ModelConfig:
    return ModelConfig("m", "chat", tuple(targets), "weighted")


@pytest.mark.parametrize(
    ("draw", "first"),
    [
        (0.0, A),  # pick 0 < 1
        (0.2499, A),  # pick 0.9996 < 1
        (0.25, B),  # pick 1.0: not < 1, then 0.0 < 3
        (0.9999, B),
    ],
)
def test_weighted_draw_edges(draw: float, first: Target) -> None:
    order = plan(weighted(A, B), lambda: draw)
    assert order[0] is first and sorted(t.model for t in order) == ["a", "b"]


def test_zero_weight_targets_are_never_drawn_but_stay_as_fallbacks() -> None:
    assert plan(weighted(C, A, B), lambda: 0.0) == [A, C, B]
    assert plan(weighted(A, C, B), lambda: 0.5) == [B, A, C]  # pick 2: past a, skip c


def test_the_draw_walks_the_cumulative_weights() -> None:
    x, y = Target("p", "x", weight=2), Target("p", "y", weight=1)
    assert plan(weighted(A, x, y), lambda: 0.9)[0] is y  # pick 3.6: past a (1) and x (3)
    assert plan(weighted(A, x, y), lambda: 0.7)[0] is x  # pick 2.8


def test_a_draw_of_exactly_the_total_falls_back_to_the_last_target() -> None:
    assert plan(weighted(A, B, C), lambda: 1.0) == [C, A, B]


def fail(status: int, code: str, retryable: bool) -> ProviderError:
    return ProviderError(status, f"{code} happened", code, retryable)


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_attempts_record_every_target_and_the_answer() -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=60, clock=Clock())
    breaker.failure("p/a")
    outcomes = {"b": fail(503, "upstream_unavailable", True), "c": "answer"}

    budgets: dict[str, float] = {}

    def call(target: Target, left: float) -> str:
        budgets[target.model] = left
        outcome = outcomes[target.model]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    model = ModelConfig("m", "chat", (A, B, C))
    result = Router(breaker, clock=Clock(100.0)).run(model, call, deadline=105.0)
    assert result.value == "answer" and result.target is C
    assert result.attempts == [
        Attempt("p/a", "skipped_open_circuit"),
        Attempt("p/b", "upstream_unavailable", 503),
        Attempt("q/c", "ok", 200),
    ]
    # Each attempt gets an equal share of the time left among the targets still to try
    # (the open circuit is not one of them): b shares 5 s with c, c has the rest.
    assert budgets == {"b": 2.5, "c": 5.0}


def test_every_target_failing_answers_the_last_error_with_all_attempts() -> None:
    model = ModelConfig("m", "chat", (A, B))

    def call(target: Target, left: float) -> str:
        raise fail(502 if target is A else 429, f"{target.model}_failed", True)

    with pytest.raises(AllTargetsFailed) as exc:
        Router(CircuitBreaker(5, 60), clock=Clock()).run(model, call, deadline=200.0)
    assert exc.value.attempts == [Attempt("p/a", "a_failed", 502), Attempt("p/b", "b_failed", 429)]
    assert (exc.value.error.status, exc.value.error.code) == (429, "b_failed")
    assert str(exc.value) == "b_failed happened"


def test_open_circuits_everywhere_answer_503_targets_unavailable() -> None:
    breaker = CircuitBreaker(threshold=1, cooldown_s=60, clock=Clock())
    breaker.failure("p/a")
    with pytest.raises(AllTargetsFailed) as exc:
        Router(breaker, clock=Clock()).run(ModelConfig("gpt", "chat", (A,)), None, 200.0)
    err = exc.value.error
    assert (err.status, err.type, err.code) == (503, errors.UPSTREAM, "targets_unavailable")
    assert err.message == "All targets of model 'gpt' are temporarily unavailable."
    assert str(exc.value) == err.message
    assert exc.value.attempts == [Attempt("p/a", "skipped_open_circuit")]


@pytest.mark.parametrize(("now", "passed"), [(105.0, True), (104.5, False), (106.0, True)])
def test_the_deadline_is_passed_when_no_time_is_left(now: float, passed: bool) -> None:
    calls: list[float] = []

    def call(target: Target, left: float) -> str:
        calls.append(left)
        return "ok"

    run = Router(CircuitBreaker(5, 60), clock=Clock(now)).run
    if not passed:
        assert run(ModelConfig("m", "chat", (A,)), call, 105.0).value == "ok"
        assert calls == [0.5]
        return
    with pytest.raises(AllTargetsFailed) as exc:
        run(ModelConfig("m", "chat", (A,)), call, 105.0)
    err = exc.value.error
    assert (err.status, err.type, err.code) == (504, errors.TIMEOUT, "deadline_exceeded")
    assert err.message == "The request deadline passed before a provider answered."
    assert calls == [] and exc.value.attempts == []


def test_the_router_draws_with_its_own_rng() -> None:
    seen: list[str] = []

    def call(target: Target, left: float) -> str:
        seen.append(target.model)
        return "ok"

    heavy = Target("p", "heavy", weight=10**9)  # what a random draw would pick
    Router(CircuitBreaker(5, 60), clock=Clock(), rng=lambda: 0.0).run(
        weighted(A, heavy), call, 200.0
    )
    assert seen == ["a"]


def test_a_breaker_half_opens_after_the_cooldown_and_closes_on_success() -> None:
    clock = Clock(0.0)
    breaker = CircuitBreaker(threshold=2, cooldown_s=10, clock=clock)
    breaker.failure("k")
    assert breaker.allow("k") and not breaker.is_open("k")
    breaker.failure("k")
    assert breaker.is_open("k") and not breaker.allow("k")
    clock.now = 9.9
    assert not breaker.allow("k")
    clock.now = 10.0
    assert breaker.allow("k")  # the one trial call
    assert not breaker.allow("k")  # a second caller waits for the trial
    breaker.success("k")
    assert breaker.allow("k") and not breaker.is_open("k")
    breaker.failure("k")
    breaker.failure("k")
    clock.now = 15.0  # opened again at 10.0
    assert not breaker.allow("k")
