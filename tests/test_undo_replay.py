"""Undo returns to a kept mark instead of replaying the session from its start.

Before, each undo replayed every event in force but the undone one: a session with
hundreds of undos took seconds to read back (5,000 events, 536 undos: 8.8 s). The marks
must give exactly what that replay gave, for any sequence of controls.
"""

from __future__ import annotations

import random
from dataclasses import fields

import pytest
from hypothesis import given, settings

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.events import Event, EventKind
from peercircle.sessions.engine.session import Session
from peercircle.sessions.engine.timeline import Timeline
from peercircle.sessions.library.format_file import load_library
from tests.test_session_properties import advance, control, formats, new_session, plans, run


class ReplayingTimeline(Timeline):
    """The timeline as it undid before marks: a fresh replay of the events in force."""

    def _undo(self, event: Event) -> None:
        target = self.undoable()
        kept = [e for e in self.effective if e is not target]
        rebuilt = Timeline(self.fmt, self.people, self.presenters)
        for e in kept:
            rebuilt.apply(e)
        rebuilt._advance(event.mono_ns)
        self.__dict__.update(rebuilt.__dict__)
        if target is not None and target.kind is EventKind.NEXT_PHASE and target.data.get("auto"):
            self.auto_held = True


def replayed(session: Session) -> Timeline:
    meta = session.meta
    return ReplayingTimeline.replay(meta.format, meta.rotation, meta.presenter_order, session.events)


def state(timeline: Timeline) -> dict[str, object]:
    """Every field, the events in force included (the classes differ, so not ``==``); not
    the private ones: the undo marks, and the airtime sum that checks itself when read."""
    return {f.name: getattr(timeline, f.name) for f in fields(Timeline) if not f.name.startswith("_")}


def same(a: Timeline, b: Timeline) -> bool:
    return state(a) == state(b)


# 200 examples, not the suite's 1,000: each replays whole sessions twice (23 s at 1,000).
@settings(max_examples=200)
@given(format_id=formats, plan=plans)
def test_undo_by_marks_is_a_replay_from_the_start(
    format_id: str, plan: list[tuple[float | int, str, int]]
) -> None:
    session, _, _ = run(format_id, plan)
    assert same(session.timeline, replayed(session))
    # And read back, a session is what it was live.
    meta = session.meta
    assert same(
        Timeline.replay(meta.format, meta.rotation, meta.presenter_order, session.events), session.timeline
    )


def test_undo_after_undo_and_an_automatic_phase_change() -> None:
    """Several undos in a row, each returning to an earlier mark, with events that are
    not undone (pauses, extensions, a late arrival) between and after them."""
    fmt = load_library().get("check-in-round")
    assert fmt is not None
    clock = FakeClock()
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee"), None, clock=clock)
    session.start()
    rng = random.Random(14)
    for _ in range(400):
        clock.advance(rng.uniform(0, 40))
        choice = rng.random()
        if choice < 0.35:
            session.next_speaker()
        elif choice < 0.55:
            session.undo()
        elif choice < 0.65:
            session.toggle_pause()
        elif choice < 0.7:
            session.extend_turn(1)
        elif choice < 0.72:
            session.add_person(f"Late{rng.randint(0, 99)}")
        elif choice < 0.8:
            session.set_quietest_first(rng.random() < 0.5)
        else:
            session.jump_to_number(rng.randint(1, 4))
    undos = sum(e.kind is EventKind.UNDO for e in session.events)
    assert undos > 50
    assert same(session.timeline, replayed(session))


def test_reading_back_applies_each_event_about_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """No replay from the start per undo: reading back 400 controls with a hundred undos
    applied events 20,000 times before (counted, not timed)."""
    fmt = load_library().get("check-in-round")
    assert fmt is not None
    clock = FakeClock()
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee"), None, clock=clock)
    session.start()
    for i in range(400):
        clock.advance(30)
        session.undo() if i % 4 == 3 else session.next_speaker()
    applied = 0
    real_apply = Timeline.apply

    def counting(self: Timeline, event: Event) -> None:
        nonlocal applied
        applied += 1
        real_apply(self, event)

    monkeypatch.setattr(Timeline, "apply", counting)
    meta = session.meta
    Timeline.replay(meta.format, meta.rotation, meta.presenter_order, session.events)
    assert applied <= 2 * len(session.events)


@settings(max_examples=200)  # each step checks every segment again
@given(format_id=formats, plan=plans)
def test_the_summed_airtime_is_the_airtime_of_every_segment(
    format_id: str, plan: list[tuple[float | int, str, int]]
) -> None:
    # The live screen asks for airtime at every refresh; it is summed once per ended
    # segment, and must stay what summing every segment gives after every control, undos
    # and all (asked after each one, so the sum is carried across them).
    clock = FakeClock()
    session = new_session(format_id, clock)
    for gap, name, arg in plan:
        advance(clock, gap)
        control(session, name, arg)
        timeline = session.timeline
        now = timeline.active_ns
        plain = {p: 0 for p in timeline.roster}
        for seg in timeline.segments:
            plain[seg.person] = plain.get(seg.person, 0) + seg.length_ns(now)
        assert timeline.airtime_ns(now) == plain
        for person in timeline.roster:
            assert timeline.turn_used_ns(person, now) == sum(
                s.length_ns(now)
                for s in timeline.segments
                if s.step == timeline.step_index
                and s.round == timeline.round
                and s.person == person
                and s.kind == "turn"
            )
