"""How long one refresh of the live screen's state takes, late in a long session.

12 people, 10 phases, 2,000 events. The live screen refreshes 4 times a second, so one
``Session.view()`` must stay well under 1 ms. The baseline, measured in the same run, is
the same call at the start of a session (no history), so the figure for a long session
can be read against what this machine does with none.

Run: python bench/live_view.py
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def per_call(session: Session, repeat: int = 2000) -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            session.view()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def main() -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}, {platform.system()}")
    base = per_call(session_with(1))
    long = session_with(2000)
    cost = per_call(long)
    events = len(long.events)
    print(f"baseline (1 event):     {base * 1e6:8.1f} µs per view()")
    print(f"long session ({events} ev): {cost * 1e6:8.1f} µs per view()  ({cost / base:.1f}x baseline)")
    started = time.perf_counter()
    Session(long.meta, long.events, clock=long.clock)
    replay_ms = (time.perf_counter() - started) * 1e3
    print(f"replay of {events} events:  {replay_ms:8.1f} ms (crash recovery)")
    print("goal: under 1000 µs per view() —", "met" if cost < 1e-3 else "NOT met")


if __name__ == "__main__":
    main()
