"""Invariants of time and turns, for any sequence of controls at any times."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessions.clock import FakeClock
from sessions.format_file import load_library
from sessions.session import Session
from sessions.summary import summarise
from sessions.timeline import Timeline

LIBRARY = load_library()
COMMANDS = ["pause", "resume", "toggle_pause", "next_speaker", "pass_turn", "next_phase", "end"]
GROUPS = {
    "action-learning-set": (("Ann", "Bob", "Cat", "Dee", "Eve"), "Cat"),
    "check-in-round": (("Ann", "Bob", "Cat"), None),
    "solution-circle": (("Ann", "Bob", "Cat", "Dee", "Eve", "Fay"), "Ann"),
    "troika-consulting": (("Ann", "Bob", "Cat"), "Bob"),
}

steps = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=900, allow_nan=False, allow_infinity=False),
        st.sampled_from(COMMANDS),
    ),
    max_size=60,
)


def run(format_id: str, plan: list[tuple[float, str]]) -> tuple[Session, FakeClock, float]:
    fmt = LIBRARY.get(format_id)
    assert fmt is not None
    people, presenter = GROUPS[format_id]
    clock = FakeClock()
    session = Session.new(fmt, people, presenter, clock=clock)
    session.start()
    elapsed = 0.0  # measured independently of the engine: time until the end command
    for seconds, command in plan:
        clock.advance(seconds)
        if not session.ended:
            elapsed += seconds
        getattr(session, command)()
    clock.advance(7)
    if not session.ended:
        elapsed += 7
    return session, clock, elapsed


@settings(max_examples=150, deadline=None)
@given(format_id=st.sampled_from(sorted(GROUPS)), plan=steps)
def test_durations_add_up_to_elapsed_minus_paused(format_id: str, plan: list[tuple[float, str]]) -> None:
    session, _clock, elapsed = run(format_id, plan)
    summary = summarise(session)
    assert summary.elapsed == pytest.approx(elapsed, abs=1e-6)
    phase_total = sum(p.actual for p in summary.phases)
    assert phase_total == pytest.approx(elapsed - summary.paused, abs=1e-6)
    for phase in summary.phases:
        assert phase.actual >= 0
        # Turns never overlap, so they fit inside their phase.
        assert sum(t.seconds for t in phase.turns) <= phase.actual + 1e-6


@settings(max_examples=150, deadline=None)
@given(format_id=st.sampled_from(sorted(GROUPS)), plan=steps)
def test_no_turn_is_negative_or_longer_than_the_session(
    format_id: str, plan: list[tuple[float, str]]
) -> None:
    session, _clock, elapsed = run(format_id, plan)
    for phase in summarise(session).phases:
        for turn in phase.turns:
            assert 0 <= turn.seconds <= elapsed + 1e-6


@settings(max_examples=150, deadline=None)
@given(format_id=st.sampled_from(sorted(GROUPS)), plan=steps)
def test_replaying_the_events_gives_the_live_state(format_id: str, plan: list[tuple[float, str]]) -> None:
    session, clock, _elapsed = run(format_id, plan)
    replayed = Timeline.replay(
        session.meta.format, session.meta.people, session.meta.presenter, session.events
    )
    assert replayed == session.timeline
    again = Session(session.meta, session.events, session.notes, clock=clock)
    assert again.view() == session.view()
