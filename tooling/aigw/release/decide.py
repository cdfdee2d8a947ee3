"""Canary versus base: the side-by-side numbers and the verdict ``status`` prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One side (base or canary) over the window."""

    requests: float
    errors: float
    p99_ms: float | None

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.requests if self.requests > 0 else None


@dataclass(frozen=True)
class Thresholds:
    min_requests: int = 50
    max_error_rate: float = 0.05
    # The canary may be worse than the base by this much before it counts as failing.
    max_error_rate_increase: float = 0.01
    max_p99_ratio: float = 1.5


@dataclass(frozen=True)
class Verdict:
    state: str  # "healthy" | "failing" | "insufficient-data"
    reasons: tuple[str, ...]


def decide(base: Sample, canary: Sample, t: Thresholds = Thresholds()) -> Verdict:
    """Whether the canary does worse than the base (and the absolute limits)."""
    if canary.requests < t.min_requests:
        return Verdict(
            "insufficient-data",
            (f"the canary served {canary.requests:.0f} requests, fewer than {t.min_requests}",),
        )
    reasons = []
    rate = canary.error_rate or 0.0
    base_rate = base.error_rate or 0.0
    if rate > t.max_error_rate:
        reasons.append(f"canary error rate {rate:.2%} above the limit {t.max_error_rate:.2%}")
    if rate > base_rate + t.max_error_rate_increase:
        reasons.append(
            f"canary error rate {rate:.2%} exceeds the base's {base_rate:.2%} by more than "
            f"{t.max_error_rate_increase:.2%}"
        )
    if canary.p99_ms is not None and base.p99_ms:
        if canary.p99_ms > base.p99_ms * t.max_p99_ratio:
            reasons.append(
                f"canary p99 {canary.p99_ms:.0f} ms above {t.max_p99_ratio}x the base's "
                f"{base.p99_ms:.0f} ms"
            )
    return Verdict("failing" if reasons else "healthy", tuple(reasons))
