"""Model alias → ordered targets, fallback on retryable failures, circuit breakers.

A target is tried only while the request deadline has time left and its breaker is
closed (or half-open after the cooldown: one trial call). A throttled target is tried
again after a jittered backoff (its ``retry`` policy, :mod:`llm_gateway.retry`) while the
deadline allows. Client errors (4xx other than 429) are answered at once and never fall
back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from aigw_shared import errors
from aigw_shared.records import Factory, record
from llm_gateway.config import ModelConfig, Target
from llm_gateway.providers.base import ProviderError
from llm_gateway.retry import backoff_s, throttled

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")


class CircuitBreaker:
    """Per-target consecutive-failure breaker (state lives in the warm Lambda instance)."""

    def __init__(
        self, threshold: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._opened: dict[str, float] = {}

    def allow(self, key: str) -> bool:
        with self._lock:
            if self._failures.get(key, 0) < self.threshold:
                return True
            now = self.clock()
            if now - self._opened.get(key, now) >= self.cooldown_s:
                self._opened[key] = now  # half-open: this caller is the one trial
                return True
            return False

    def is_open(self, key: str) -> bool:
        with self._lock:
            return self._failures.get(key, 0) >= self.threshold

    def success(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._opened.pop(key, None)

    def failure(self, key: str) -> None:
        with self._lock:
            n = self._failures.get(key, 0) + 1
            self._failures[key] = n
            if n >= self.threshold:
                self._opened[key] = self.clock()


@record
class Attempt:
    target: str
    outcome: str  # "ok", "skipped_open_circuit", or an error code
    status: int | None = None


@record
class RouteResult:
    value: Any
    target: Target
    attempts: list[Attempt] = Factory(list)


class AllTargetsFailed(Exception):
    def __init__(self, error: errors.ApiError, attempts: list[Attempt]) -> None:
        super().__init__(error.message)
        self.error = error
        self.attempts = attempts


def _random() -> float:
    import random  # lazy: only weighted aliases draw

    return random.random()  # noqa: S311 - load spreading, not security


def plan(model: ModelConfig, rng: Callable[[], float] = _random) -> list[Target]:
    """The order in which targets are tried for one request."""
    targets = list(model.targets)
    if model.strategy != "weighted":
        return targets
    total = sum(t.weight for t in targets)
    pick = rng() * total
    chosen = targets[-1]
    for t in targets:
        if t.weight <= 0:
            continue
        if pick < t.weight:
            chosen = t
            break
        pick -= t.weight
    return [chosen] + [t for t in targets if t is not chosen]


class Router:
    def __init__(
        self,
        breaker: CircuitBreaker,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = _random,
        sleep: Callable[[float], None] = time.sleep,
        attempt_timeout_s: float | None = None,
    ) -> None:
        self.breaker = breaker
        self.clock = clock
        self.rng = rng
        self.sleep = sleep
        self.attempt_timeout_s = attempt_timeout_s

    def budget(self, left: float, targets_left: int) -> float:
        """The time one attempt may take: ``attempt_timeout_s`` or, unset, an equal share
        of the time left among the targets still to try, so a hung target leaves time
        for its fallbacks. Never more than the time left."""
        if self.attempt_timeout_s is not None:
            return min(left, self.attempt_timeout_s)
        return left / max(1, targets_left)

    def run(
        self, model: ModelConfig, call: Callable[[Target, float], T], deadline: float
    ) -> RouteResult:
        """``call(target, seconds)`` on each planned target until one succeeds; ``seconds``
        is the attempt's budget (:meth:`budget`).

        Raises :class:`AllTargetsFailed` with the error to answer.
        """
        attempts: list[Attempt] = []
        last: ProviderError | None = None
        targets = plan(model, self.rng)
        for i, target in enumerate(targets):
            if deadline - self.clock() <= 0:
                raise AllTargetsFailed(_deadline_exceeded(), attempts)
            if not self.breaker.allow(target.key):
                attempts.append(Attempt(target.key, "skipped_open_circuit"))
                continue
            try:
                value = self._try(target, call, deadline, attempts, len(targets) - i)
            except ProviderError as exc:
                if not exc.retryable:
                    raise AllTargetsFailed(exc.to_api_error(), attempts) from None
                self.breaker.failure(target.key)
                last = exc
                continue
            self.breaker.success(target.key)
            return RouteResult(value, target, attempts)
        if last is None:
            err = errors.ApiError(
                503,
                f"All targets of model '{model.alias}' are temporarily unavailable.",
                errors.UPSTREAM,
                "targets_unavailable",
            )
            raise AllTargetsFailed(err, attempts)
        raise AllTargetsFailed(last.to_api_error(), attempts)

    def _try(
        self,
        target: Target,
        call: Callable[[Target, float], T],
        deadline: float,
        attempts: list[Attempt],
        targets_left: int,
    ) -> T:
        """``call`` on one target, again after a backoff while it is throttled."""
        policy = target.retry
        for n in range(policy.attempts):
            left = deadline - self.clock()
            if left <= 0:
                raise _deadline_exceeded_error()
            try:
                value = call(target, self.budget(left, targets_left))
            except ProviderError as exc:
                attempts.append(Attempt(target.key, exc.code, exc.status))
                if n + 1 >= policy.attempts or not throttled(exc.status, exc.code):
                    raise
                delay = backoff_s(policy, n, self.rng)
                if self.clock() + delay >= deadline:
                    raise  # no time to wait: fall back now
                self.sleep(delay)
                continue
            attempts.append(Attempt(target.key, "ok", 200))
            return value
        raise _deadline_exceeded_error()  # pragma: no cover - the loop returns or raises


def _deadline_exceeded() -> errors.ApiError:
    return errors.ApiError(
        504,
        "The request deadline passed before a provider answered.",
        errors.TIMEOUT,
        "deadline_exceeded",
    )


def _deadline_exceeded_error() -> ProviderError:
    err = _deadline_exceeded()
    return ProviderError(err.status, err.message, err.code, True, err.type)
