"""Same-target retries of throttled calls, and the time each attempt may take.

A target that answers "throttled" (Bedrock ``ThrottlingException``, HTTP 429) is tried
again, up to ``attempts`` times in all, after a jittered exponential backoff ("full
jitter": a uniform draw in ``[0, min(max_delay, base_delay * 2**n))``), but only when
the delay ends before the request deadline; otherwise the router falls back at once.
"""

from __future__ import annotations

from aigw_shared.records import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

RETRY_FIELDS = ("attempts", "base_delay_ms", "max_delay_ms")
MAX_ATTEMPTS = 10
MAX_DELAY_MS = 60000


@record
class RetryPolicy:
    attempts: int = 2  # tries on one target in all; 1 = no same-target retry
    base_delay_ms: int = 200
    max_delay_ms: int = 2000


def throttled(status: int, code: str) -> bool:
    """Whether a provider failure is throttling (the only kind retried in place)."""
    return status == 429 and code == "rate_limit_exceeded"


def backoff_s(policy: RetryPolicy, retry: int, rng: Callable[[], float]) -> float:
    """The delay before retry number ``retry`` (0 for the first retry), in seconds."""
    ceiling = min(policy.max_delay_ms, policy.base_delay_ms * (2 ** min(retry, 30)))
    return rng() * ceiling / 1000


def attempt_timeout(configured_s: float, left_s: float) -> float:
    """The timeout one provider call may use: its configured value, capped by the
    time left for the attempt (never zero: sockets treat 0 as non-blocking)."""
    return max(0.001, min(configured_s, left_s))
