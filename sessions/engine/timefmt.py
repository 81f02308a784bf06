"""How durations read on screen and in records."""

from __future__ import annotations

import math
from datetime import datetime

NS_PER_SECOND = 1_000_000_000
"""``clock.NS_PER_SECOND``, not imported from the clock: that would import dataclasses into
``peercircle list``, which needs only ``minutes_text`` from here."""


def clock_text(seconds: float) -> str:
    """'MM:SS' (or 'H:MM:SS') of a length, rounded to the nearest second."""
    total = int(round(abs(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def signed_clock_text(seconds: float) -> str:
    """'+01:05' or '-00:30'; '00:00' when the difference rounds to nothing."""
    text = clock_text(seconds)
    if int(round(abs(seconds))) == 0:
        return text
    return ("+" if seconds > 0 else "-") + text


def countdown_text(remaining: float) -> str:
    """The big countdown: whole seconds rounded up, so it reads 00:00 exactly at zero;
    in overtime '+MM:SS' counting up."""
    if remaining >= 0:
        return clock_text(math.ceil(remaining - 1e-9))
    return "+" + clock_text(math.floor(-remaining + 1e-9))


def until_next_second(remaining_ns: int) -> int:
    """Nanoseconds until a countdown at ``remaining_ns`` shows another second.

    ``countdown_text`` rounds up above zero (5.3 s left reads 00:06, until 5 s left) and
    counts whole seconds up in overtime, so the text changes each time ``remaining_ns``
    crosses a whole second, and from zero on it counts overtime up."""
    if remaining_ns > 0:
        return remaining_ns % NS_PER_SECOND or NS_PER_SECOND
    if remaining_ns == 0:
        return 1  # 00:00 is shown at zero itself; just after it, overtime ("+00:00")
    return NS_PER_SECOND - (-remaining_ns) % NS_PER_SECOND


def until_next_minute(moment: datetime) -> int:
    """Nanoseconds until a wall time moving with the clock shows another minute ('HH:MM')."""
    into = moment.second * NS_PER_SECOND + moment.microsecond * 1_000
    return 60 * NS_PER_SECOND - into


def minutes_text(seconds: float) -> str:
    """A human length: '45 min', '1 h 05 min', or '40 s' under a minute."""
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes = int(round(seconds / 60))
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes} min"


def wall_time(iso: str) -> str:
    """'14:05' from an ISO timestamp; '' when there is none."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%H:%M")


def wall_date(iso: str) -> str:
    """'Thursday 26 November 2026' from an ISO timestamp."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"
