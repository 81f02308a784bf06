"""How long one refresh of the live screen's state takes, late in a long session.

12 people, 10 phases, 2,000 events. The live screen refreshes whenever the shown second
changes or the session does, so one ``Session.view()`` must stay well under 1 ms. The
baseline, measured in the same run and interleaved with it, is the same call at the start
of a session (no history), so the figure for a long session can be read against what
this machine does with none.

Run: python bench/live_view.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import figure, interleaved, machine  # noqa: E402

from peercircle.sessions.engine.clock import FakeClock  # noqa: E402
from peercircle.sessions.engine.session import Session  # noqa: E402
from peercircle.sessions.library.formats import Format, Phase, SpeakerMode  # noqa: E402

PEOPLE = tuple(f"Person {i:02d}" for i in range(1, 13))
FORMAT = Format(
    id="bench",
    name="Bench",
    phases=tuple(
        Phase(f"Round {i}", SpeakerMode.GO_ROUND, minutes=9, turn_minutes=1, repeat_rounds=True)
        for i in range(10)
    ),
    source="bench",
    needs_presenter=True,
    group_max=12,
)


def session_with(events: int) -> Session:
    clock = FakeClock()
    session = Session.new(FORMAT, PEOPLE, PEOPLE[0], clock=clock)
    session.start()
    per_phase = max(1, events // len(FORMAT.phases))
    while len(session.events) < events:
        clock.advance(7)
        n = len(session.events)
        if n % per_phase == 0 and not session.timeline.is_last_step:
            session.next_phase()
        elif n % 17 == 0:
            session.pass_turn()
        elif n % 29 == 0:
            session.toggle_pause()
        elif n % 31 == 0:
            session.extend_turn(1)
        else:
            session.next_speaker()
    return session


def per_call(session: Session, repeat: int = 500) -> float:
    """Seconds per ``view()``, from one batch of calls."""
    started = time.perf_counter()
    for _ in range(repeat):
        session.view()
    return (time.perf_counter() - started) / repeat


def main() -> None:
    print(machine())
    short, long = session_with(1), session_with(2000)
    stats = interleaved(15, {"start": lambda: per_call(short), "long": lambda: per_call(long)})
    base, cost = stats["start"], stats["long"]
    events = len(long.events)
    print("one view() (15 batches of 500 calls each, interleaved)")
    print(f"  baseline, 1 event:        {base.median * 1e6:8.1f} µs")
    print(f"  long session, {events} ev: {cost.median * 1e6:8.1f} µs  ({cost.median / base.median:.1f}x)")
    started = time.perf_counter()
    Session(long.meta, long.events, clock=long.clock)
    replay_ms = (time.perf_counter() - started) * 1e3
    print(f"replay of {events} events:  {replay_ms:8.1f} ms (crash recovery)")
    figure(
        f"live state refresh (Session.view) after {events} events",
        f"{cost.median * 1e6:.0f} µs",
        f"{base.median * 1e6:.0f} µs at 1 event",
        "under 1,000 µs",
        cost.median < 1e-3,
    )


if __name__ == "__main__":
    main()
