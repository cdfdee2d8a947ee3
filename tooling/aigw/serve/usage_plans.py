"""Usage plans: per-key rate/burst throttling (token buckets) and quotas, as API Gateway does.

The plans are the sandbox's (``GetUsagePlans`` for this API stage, ``GetUsagePlanKeys``
per plan, ``GetApiKeys`` to know a key by its value — the authorizer's
``usageIdentifierKey``). For a key's plan:

- **throttling**: a token bucket per key holding ``burstLimit`` tokens, refilled at
  ``rateLimit`` per second; a request takes one token or is ``THROTTLED`` (429). A
  per-method throttle (``apiStages[].throttle`` keyed ``/path/METHOD``) is a second bucket
  per key and method: a request to that method must pass both;
- **quota**: ``limit`` requests per ``DAY``/``WEEK``/``MONTH`` (UTC periods; ``offset``
  moves the start: for ``WEEK`` 0 is Sunday, for ``MONTH`` days after the 1st), counted
  per key; one over is ``QUOTA_EXCEEDED`` (429). Throttled requests are not counted.

A key the stage's plans do not hold is ``INVALID_API_KEY`` (403), as on API Gateway.
The clock is injectable (``clock``: epoch seconds) so tests need no sleeps.
"""

from __future__ import annotations

import calendar
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]


class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second; :meth:`take` spends one."""

    def __init__(self, rate: float, burst: int, clock: Clock, now: float | None = None) -> None:
        self.rate = max(float(rate), 0.0)
        self.burst = max(int(burst), 0)
        self.clock = clock
        self.tokens = float(self.burst)
        self.at = clock() if now is None else now

    def available(self) -> bool:
        """Whether a token is there now (refills, spends nothing)."""
        now = self.clock()
        elapsed = max(now - self.at, 0.0)
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)
        self.at = now
        return self.tokens >= 1.0

    def take(self) -> bool:
        if self.available():
            self.tokens -= 1.0
            return True
        return False


def period_start(period: str, offset: int, now: float) -> float:
    """The start (epoch seconds, UTC) of the quota period holding ``now``."""
    t = time.gmtime(now)
    midnight = calendar.timegm((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0))
    day = 86400
    period = period.upper()
    if period == "DAY":
        return float(midnight)
    if period == "WEEK":
        weekday_from_sunday = (t.tm_wday + 1) % 7  # tm_wday: Monday is 0
        since = (weekday_from_sunday - offset) % 7
        return float(midnight - since * day)
    if period == "MONTH":
        start = calendar.timegm((t.tm_year, t.tm_mon, 1, 0, 0, 0)) + offset * day
        if start > now:  # before this month's offset day: the period began last month
            year, month = (t.tm_year, t.tm_mon - 1) if t.tm_mon > 1 else (t.tm_year - 1, 12)
            start = calendar.timegm((year, month, 1, 0, 0, 0)) + offset * day
        return float(start)
    raise ValueError(f"unknown quota period {period!r} (DAY, WEEK or MONTH)")


class Quota:
    """``limit`` requests per period."""

    def __init__(self, limit: int, period: str, offset: int, clock: Clock) -> None:
        period_start(period, offset, 0.0)  # reject an unknown period at once
        self.limit, self.period, self.offset, self.clock = int(limit), period, int(offset), clock
        self.window = -1.0
        self.used = 0

    def _roll(self) -> None:
        start = period_start(self.period, self.offset, self.clock())
        if start != self.window:
            self.window, self.used = start, 0

    def exhausted(self) -> bool:
        self._roll()
        return self.used >= self.limit

    def count(self) -> None:
        self._roll()
        self.used += 1


@dataclass
class Throttle:
    rate: float
    burst: int


@dataclass
class Plan:
    """One usage plan as it applies to this stage."""

    id: str
    name: str
    throttle: Throttle | None = None
    quota: Mapping[str, Any] | None = None  # limit, period, offset
    methods: dict[str, Throttle] = field(default_factory=dict)  # "/path/METHOD"


def _throttle(spec: Mapping[str, Any] | None) -> Throttle | None:
    if not spec or ("rateLimit" not in spec and "burstLimit" not in spec):
        return None
    return Throttle(float(spec.get("rateLimit", 0)), int(spec.get("burstLimit", 0)))


def plans_for_stage(raw_plans: list[Mapping[str, Any]], api_id: str, stage: str) -> list[Plan]:
    """The plans (``GetUsagePlans`` items) that apply to ``api_id``/``stage``."""
    out = []
    for p in raw_plans:
        for s in p.get("apiStages") or []:
            if s.get("apiId") == api_id and s.get("stage") == stage:
                methods = {
                    str(k): t for k, v in (s.get("throttle") or {}).items() if (t := _throttle(v))
                }
                quota = p.get("quota") if (p.get("quota") or {}).get("limit") else None
                out.append(
                    Plan(str(p["id"]), str(p.get("name", "")), _throttle(p.get("throttle")), quota)
                )
                out[-1].methods = methods
                break
    return out


@dataclass
class Verdict:
    kind: str  # "" (allowed) | THROTTLED | QUOTA_EXCEEDED | INVALID_API_KEY
    message: str = ""


ALLOWED = Verdict("")


class UsagePlans:
    """Throttling and quotas per API key value, for one stage."""

    def __init__(
        self,
        plans: list[Plan],
        key_plans: Mapping[str, str],
        clock: Clock = time.time,
        reload: Callable[[], tuple[list[Plan], dict[str, str]]] | None = None,
        reload_every: float = 1.0,
    ) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._reload = reload
        self._reload_every = reload_every
        self._misses: dict[str, float] = {}  # unknown key -> when the sandbox was last read
        self._set(plans, key_plans)
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._quotas: dict[str, Quota] = {}

    def _set(self, plans: list[Plan], key_plans: Mapping[str, str]) -> None:
        self.plans = {p.id: p for p in plans}
        self.key_plans = dict(key_plans)

    def plan_of(self, key: str) -> Plan | None:
        plan_id = self.key_plans.get(key)
        if plan_id is None and self._reload is not None:
            # A key created after start-up: read the sandbox again, at most once a
            # second per unknown key (so a new key is found at its first request).
            now = self.clock()
            last = self._misses.get(key)
            if last is None or now - last >= self._reload_every or now < last:
                if len(self._misses) > 1024:
                    self._misses.clear()
                self._misses[key] = now
                try:
                    self._set(*self._reload())
                except Exception:  # noqa: BLE001 - the sandbox is unreachable: keep what we had
                    return None
                plan_id = self.key_plans.get(key)
        return self.plans.get(plan_id) if plan_id else None

    def _bucket(self, key: str, scope: str, throttle: Throttle) -> TokenBucket:
        b = self._buckets.get((key, scope))
        if b is None or (b.rate, b.burst) != (throttle.rate, throttle.burst):
            b = self._buckets[(key, scope)] = TokenBucket(throttle.rate, throttle.burst, self.clock)
        return b

    def check(self, key: str, method: str, resource_path: str) -> Verdict:
        """Admit one request of ``key`` to ``method resource_path``, or say why not."""
        with self._lock:
            plan = self.plan_of(key)
            if plan is None:
                return Verdict("INVALID_API_KEY", "Forbidden")
            quota = None
            if plan.quota:
                quota = self._quotas.get(key)
                q = plan.quota
                if quota is None or (quota.limit, quota.period, quota.offset) != (
                    int(q["limit"]),
                    str(q.get("period", "DAY")),
                    int(q.get("offset", 0)),
                ):
                    quota = self._quotas[key] = Quota(
                        int(q["limit"]),
                        str(q.get("period", "DAY")),
                        int(q.get("offset", 0)),
                        self.clock,
                    )
                if quota.exhausted():
                    return Verdict("QUOTA_EXCEEDED", "Limit Exceeded")
            method_throttle = plan.methods.get(f"{resource_path}/{method.upper()}")
            checks = [(f"plan:{plan.id}", plan.throttle)]
            checks.append((f"method:{resource_path}/{method.upper()}", method_throttle))
            buckets = [self._bucket(key, s, t) for s, t in checks if t is not None]
            # Spend a token only when every bucket has one: a request the method throttle
            # refuses does not use up the plan's tokens.
            if not all(b.available() for b in buckets):
                return Verdict("THROTTLED", "Too Many Requests")
            for b in buckets:
                b.take()
            if quota is not None:
                quota.count()
            return ALLOWED


def load_usage_plans(apigateway: Any, api_id: str, stage: str) -> tuple[list[Plan], dict[str, str]]:
    """The stage's plans and ``{api key value: plan id}`` from the sandbox."""
    raw: list[Mapping[str, Any]] = []
    for page in apigateway.get_paginator("get_usage_plans").paginate():
        raw.extend(page.get("items") or [])
    plans = plans_for_stage(raw, api_id, stage)
    key_ids: dict[str, str] = {}
    for plan in plans:
        for page in apigateway.get_paginator("get_usage_plan_keys").paginate(usagePlanId=plan.id):
            for item in page.get("items") or []:
                key_ids.setdefault(str(item.get("id")), plan.id)
    values: dict[str, str] = {}
    if key_ids:
        for page in apigateway.get_paginator("get_api_keys").paginate(includeValues=True):
            for item in page.get("items") or []:
                if item.get("id") in key_ids and item.get("enabled", True) and item.get("value"):
                    values[str(item["value"])] = key_ids[str(item["id"])]
    return plans, values
