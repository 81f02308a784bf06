"""Invariants of time and turns, for any sequence of controls at any times."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.engine.timeline import Timeline
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.records.summary import summarise

LIBRARY = load_library()
GROUPS = {
    "action-learning-set": (("Ann", "Bob", "Cat", "Dee", "Eve"), ("Cat", "Ann")),
    "check-in-round": (("Ann", "Bob", "Cat"), None),
    "solution-circle": (("Ann", "Bob", "Cat", "Dee", "Eve", "Fay"), "Ann"),
    "troika-consulting": (("Ann", "Bob", "Cat"), ("Bob", "Cat", "Ann")),
    "balint-group": (("Ann", "Bob", "Cat", "Dee", "Eve", "Fay"), "Fay"),
}
ADVANCES = ["next_speaker", "pass_turn", "previous_speaker", "jump", "next_phase"]
CONTROLS = [
    *ADVANCES,
    "pause",
    "resume",
    "toggle_pause",
    "extend_phase",
    "extend_turn",
    "add_person",
    "remove_person",
    "quietest_first",
    "undo",
    "end",
]

step = st.tuples(
    st.floats(min_value=0, max_value=900, allow_nan=False, allow_infinity=False),
    st.sampled_from(CONTROLS),
    st.integers(min_value=-2, max_value=8),
)
plans = st.lists(step, max_size=50)


def control(session: Session, name: str, arg: int) -> None:
    if name == "jump":
        session.jump_to_number(arg)
    elif name in ("extend_phase", "extend_turn"):
        getattr(session, name)(arg or 1)
    elif name == "add_person":
        session.add_person(f"Late{arg}")
    elif name == "remove_person":
        members = session.view().members
        if members:
            session.remove_person(members[arg % len(members)])
    elif name == "quietest_first":
        session.set_quietest_first(arg % 2 == 0)
    else:
        getattr(session, name)()


def new_session(format_id: str, clock: FakeClock) -> Session:
    fmt = LIBRARY.get(format_id)
    assert fmt is not None
    people, presenters = GROUPS[format_id]
    session = Session.new(fmt, people, presenters, clock=clock)
    session.start()
    return session


def run(format_id: str, plan: list[tuple[float, str, int]]) -> tuple[Session, FakeClock, float]:
    clock = FakeClock()
    session = new_session(format_id, clock)
    elapsed = 0.0  # measured independently of the engine: time until the end command
    for seconds, name, arg in plan:
        clock.advance(seconds)
        if not session.ended:
            elapsed += seconds
        control(session, name, arg)
    clock.advance(7)
    if not session.ended:
        elapsed += 7
    return session, clock, elapsed


@settings(max_examples=200, deadline=None)
@given(format_id=st.sampled_from(sorted(GROUPS)), plan=plans)
def test_durations_add_up_to_elapsed_minus_paused(format_id: str, plan: list[tuple[float, str, int]]) -> None:
    session, _clock, elapsed = run(format_id, plan)
    summary = summarise(session)
    assert summary.elapsed == pytest.approx(elapsed, abs=1e-6)
    phase_total = sum(p.actual for p in summary.phases)
    assert phase_total == pytest.approx(elapsed - summary.paused, abs=1e-6)
    for phase in summary.phases:
        assert phase.actual >= -1e-9
        # Nobody holds the floor at the same time as anyone else, so it fits in the phase.
        assert sum(phase.airtime.values()) <= phase.actual + 1e-6


@settings(max_examples=200, deadline=None)
@given(format_id=st.sampled_from(sorted(GROUPS)), plan=plans)
def test_no_airtime_is_negative_or_longer_than_the_session(
    format_id: str, plan: list[tuple[float, str, int]]
) -> None:
    session, _clock, elapsed = run(format_id, plan)
    summary = summarise(session)
    for seconds in summary.airtime.values():
        assert -1e-9 <= seconds <= elapsed + 1e-6
    assert sum(summary.airtime.values()) <= elapsed + 1e-6
    for phase in summary.phases:
        for turn in phase.turns:
            assert -1e-9 <= turn.seconds <= elapsed + 1e-6


@settings(max_examples=200, deadline=None)
@given(format_id=st.sampled_from(sorted(GROUPS)), plan=plans)
def test_replaying_the_events_gives_the_live_state(
    format_id: str, plan: list[tuple[float, str, int]]
) -> None:
    session, clock, _elapsed = run(format_id, plan)
    meta = session.meta
    replayed = Timeline.replay(meta.format, meta.rotation, meta.presenter_order, session.events)
    assert replayed == session.timeline
    again = Session(session.meta, session.events, session.notes, clock=clock)
    assert again.view() == session.view()
    assert summarise(again) == summarise(session)


@settings(max_examples=200, deadline=None)
@given(
    format_id=st.sampled_from(sorted(GROUPS)),
    plan=plans,
    advance=st.sampled_from(ADVANCES),
    arg=st.integers(min_value=1, max_value=6),
    later=st.floats(min_value=0, max_value=300, allow_nan=False),
)
def test_undo_then_again_at_the_same_instant_is_the_same_as_once(
    format_id: str, plan: list[tuple[float, str, int]], advance: str, arg: int, later: float
) -> None:
    once, clock_once, _ = run(format_id, plan)
    twice, clock_twice, _ = run(format_id, plan)
    control(once, advance, arg)
    before = len(twice.events)
    control(twice, advance, arg)
    if len(twice.events) > before:  # the control applied, so there is something to undo
        assert twice.undo() is not None
        control(twice, advance, arg)
    clock_once.advance(later)
    clock_twice.advance(later)
    assert twice.timeline == once.timeline
    assert twice.view() == once.view()
