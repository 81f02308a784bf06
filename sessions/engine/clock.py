"""Injected time, kept exact.

Every duration in a session comes from ``Clock.monotonic_ns()`` differences: whole
nanoseconds, so the engine only ever adds and subtracts integers and two ways of folding
the same events give the same totals to the nanosecond (float seconds summed in another
order need not). Seconds appear only at the edges, through ``ns_to_seconds``, for the
screen and the records. Wall-clock time (``Clock.now()``) is only for display and records.
Tests use ``FakeClock`` so a ninety-minute session runs in milliseconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

NS_PER_SECOND = 1_000_000_000


MAX_NS = 2**63
"""No clock reading or length is this large (292 years); a larger number is damage."""


def seconds_to_ns(seconds: float) -> int:
    """Whole nanoseconds for a length in seconds: the one place seconds come into the domain."""
    ns = seconds * NS_PER_SECOND
    # A finite number of seconds can still overflow (1e300 s); only a damaged file holds
    # one, and ValueError is what reading treats as damage.
    if not math.isfinite(ns) or abs(ns) >= MAX_NS:
        raise ValueError(f"not a length of time: {seconds!r}")
    return round(ns)


def ns_to_seconds(ns: int) -> float:
    """Seconds for display and records (true division of the exact integer: correctly rounded)."""
    return ns / NS_PER_SECOND


def ns_to_timedelta(ns: int) -> timedelta:
    """A wall-clock offset for a length in nanoseconds (timedelta holds microseconds)."""
    return timedelta(microseconds=ns // 1_000)


def timedelta_to_ns(delta: timedelta) -> int:
    """Exact: a timedelta is a whole number of microseconds."""
    return (delta // timedelta(microseconds=1)) * 1_000


class Clock(Protocol):
    def monotonic_ns(self) -> int: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock: CLOCK_MONOTONIC for durations, local aware time for records."""

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone()


@dataclass
class FakeClock:
    """A clock that only moves when told to; both readings move together."""

    mono_ns: int = 1000 * NS_PER_SECOND
    wall: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 10, 0, tzinfo=UTC))

    def monotonic_ns(self) -> int:
        return self.mono_ns

    def now(self) -> datetime:
        return self.wall

    def advance(self, seconds: float) -> None:
        """Move on by ``seconds`` (float for convenience), converted to nanoseconds once."""
        if seconds < 0:
            raise ValueError("time does not run backwards")
        self.advance_ns(seconds_to_ns(seconds))

    def advance_ns(self, ns: int) -> None:
        if ns < 0:
            raise ValueError("time does not run backwards")
        self.mono_ns += ns
        self.wall += ns_to_timedelta(ns)
