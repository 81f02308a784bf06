"""Injected time.

Every duration in a session comes from ``Clock.monotonic()`` differences; wall-clock
time (``Clock.now()``) is only for display and records. Tests use ``FakeClock`` so a
ninety-minute session runs in milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock: CLOCK_MONOTONIC for durations, local aware time for records."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone()


@dataclass
class FakeClock:
    """A clock that only moves when told to; both readings move together."""

    mono: float = 1000.0
    wall: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 10, 0, tzinfo=UTC))

    def monotonic(self) -> float:
        return self.mono

    def now(self) -> datetime:
        return self.wall

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not run backwards")
        self.mono += seconds
        self.wall += timedelta(seconds=seconds)
