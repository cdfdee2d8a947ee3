"""``aigw release watch``: poll the canary's alarms, bounded in count and time, and roll
back when one fires."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_POLLS = 1000


@dataclass(frozen=True)
class WatchResult:
    fired: tuple[str, ...]  # alarms in ALARM when the watch stopped (empty: none fired)
    polls: int
    elapsed_seconds: float


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``10m``, ``1h`` -> seconds (positive)."""
    units = {"s": 1, "m": 60, "h": 3600}
    raw = text.strip().lower()
    scale = units.get(raw[-1:], None)
    number = raw[:-1] if scale else raw
    try:
        value = float(number) * (scale or 1)
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 10m, 1h)") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a duration must be positive: {text!r}")
    return value


def max_polls(duration_s: float, interval_s: float) -> int:
    """Polls at 0, interval, 2 x interval, ... up to the duration; never above MAX_POLLS."""
    if interval_s <= 0:
        raise ValueError("the poll interval must be positive")
    return min(MAX_POLLS, int(duration_s // interval_s) + 1)


def watch(
    alarm_states: Callable[[Sequence[str]], dict[str, str]],
    alarm_names: Sequence[str],
    duration_s: float,
    interval_s: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    report: Callable[[str], None] = lambda _line: None,
) -> WatchResult:
    """Poll ``alarm_states`` (name -> StateValue) until an alarm is in ALARM, the duration
    has passed, or ``max_polls`` polls were made. Never sleeps past the deadline."""
    if not alarm_names:
        raise ValueError("no alarms to watch")
    start = clock()
    deadline = start + duration_s
    limit = max_polls(duration_s, interval_s)
    polls = 0
    while polls < limit:
        states = alarm_states(alarm_names)
        polls += 1
        missing = sorted(set(alarm_names) - set(states))
        if missing:
            raise LookupError(f"alarm(s) not found: {', '.join(missing)}")
        fired = tuple(sorted(n for n, s in states.items() if s == "ALARM"))
        report(f"poll {polls}/{limit}: " + ", ".join(f"{n}={states[n]}" for n in sorted(states)))
        if fired:
            return WatchResult(fired, polls, clock() - start)
        remaining = deadline - clock()
        if remaining <= 0 or polls >= limit:
            break
        sleep(min(interval_s, remaining))
    return WatchResult((), polls, clock() - start)
