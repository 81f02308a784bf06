"""Rotation and time as facilitators run them: rounds, passes, late arrivals, undo, budget."""

from __future__ import annotations

from datetime import timedelta

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.engine.timeline import plan_steps
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.summary import summarise


def questions(session: Session) -> Session:
    session.next_phase()  # ALS phase 2: members ask in turn, Aisha presents
    return session


def test_passed_people_are_offered_again_at_the_end_of_the_round(als_session: Session) -> None:
    questions(als_session)
    als_session.pass_turn()  # Ben passes
    for _ in range(4):
        als_session.next_speaker()  # Ciara, Dev, Eilidh, Fraser
    assert als_session.view().speaker == "Ben"
    assert als_session.view().round == 1
    als_session.next_speaker()
    assert als_session.view().speaker == "Ben" and als_session.view().round == 2


def test_previous_speaker_gets_their_remaining_turn_time_back(library: Library, clock: FakeClock) -> None:
    fmt = library.get("check-in-round")
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), None, clock=clock)
    session.start()
    clock.advance(20)
    session.next_speaker()
    assert session.view().turn_remaining == pytest.approx(60)
    clock.advance(5)
    session.previous_speaker()
    view = session.view()
    assert view.speaker == "Ann"
    assert view.turn_remaining == pytest.approx(40)  # 60 s each, 20 s already used
    assert view.upcoming[0] == "Bob"
    assert session.previous_speaker() is None  # nobody before Ann this round


def test_jump_to_a_person_by_number(als_session: Session) -> None:
    questions(als_session)
    assert als_session.view().members[3] == "Dev"
    als_session.jump_to_number(4)
    assert als_session.view().speaker == "Dev"
    assert als_session.view().upcoming == ("Ciara", "Eilidh")
    assert als_session.jump_to_number(1) is None  # the presenter does not take question turns
    assert als_session.jump_to_number(42) is None


def test_marking_the_floor_in_an_open_phase_counts_airtime(library: Library, clock: FakeClock) -> None:
    fmt = library.get("balint-group")
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee", "Eve", "Fay"), "Ann", clock=clock)
    session.start()
    for _ in range(4):
        session.next_phase()  # the closing open discussion
    session.jump_to_number(3)
    clock.advance(40)
    session.jump_to_number(2)
    clock.advance(15)
    assert session.view().speaker == "Bob"
    session.jump_to_number(2)  # again: nobody in particular
    clock.advance(100)
    assert session.view().speaker is None
    airtime = summarise(session).phases[-1].airtime
    assert airtime == {"Cat": pytest.approx(40), "Bob": pytest.approx(15)}


def test_late_arrival_joins_from_the_next_round(als_session: Session) -> None:
    questions(als_session)
    assert als_session.add_person("Gus") is not None
    assert als_session.add_person("gus") is None  # already here
    names = [als_session.view().speaker]
    for _ in range(6):
        als_session.next_speaker()
        names.append(als_session.view().speaker)
    assert names[:5] == ["Ben", "Ciara", "Dev", "Eilidh", "Fraser"]  # round 1: no Gus
    assert names[5:] == ["Ben", "Ciara"]  # round 2 starts at the top of the seating order
    assert als_session.timeline.queue[-1] == "Gus"  # and Gus is in it, after everyone seated before


def test_someone_leaving_keeps_their_airtime(als_session: Session, clock: FakeClock) -> None:
    questions(als_session)
    clock.advance(30)
    als_session.next_speaker()  # Ben had 30 s
    als_session.remove_person("Ben")
    assert "Ben" not in als_session.view().members
    assert als_session.view().speaker == "Ciara"  # Ciara's turn carries on
    als_session.remove_person("Ciara")
    assert als_session.view().speaker == "Dev"  # the speaker left: next person
    assert summarise(als_session).airtime["Ben"] == pytest.approx(30)
    assert als_session.remove_person("Aisha") is None  # the presenter stays


def test_quietest_first_orders_next_up_by_least_airtime(library: Library, clock: FakeClock) -> None:
    fmt = library.get("check-in-round")
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee"), None, clock=clock)
    session.start()
    session.jump_to("Dee")
    clock.advance(50)
    session.jump_to("Ann")
    clock.advance(10)
    session.set_quietest_first(True)
    # Bob and Cat have said nothing yet; they come before anyone who has spoken.
    assert session.view().upcoming == ("Bob", "Cat")


def test_undo_restores_the_turn_as_if_the_advance_never_happened(
    als_session: Session, clock: FakeClock
) -> None:
    questions(als_session)
    clock.advance(30)
    als_session.next_speaker()
    clock.advance(10)
    before = als_session.view()
    assert before.speaker == "Ciara"
    als_session.undo()
    view = als_session.view()
    assert view.speaker == "Ben"
    # Ben's turn and the phase both include the ten seconds since the mistaken advance.
    assert summarise(als_session).phases[-1].turns[-1].seconds == pytest.approx(40)
    assert view.elapsed == pytest.approx(40)


def test_undo_of_a_phase_change_and_of_a_pass(als_session: Session, clock: FakeClock) -> None:
    clock.advance(100)
    als_session.next_phase()
    clock.advance(5)
    als_session.undo()
    view = als_session.view()
    assert view.step_index == 0 and view.elapsed == pytest.approx(105)
    als_session.next_phase()
    als_session.pass_turn()
    als_session.undo()
    assert als_session.view().speaker == "Ben"
    assert not als_session.timeline.passed
    assert als_session.undo() is not None  # and the phase change before it
    assert als_session.undo() is None  # nothing left to undo


def test_extend_and_trim_the_phase_moves_the_end_time(als_session: Session, clock: FakeClock) -> None:
    view = als_session.view()
    assert view.scheduled_end == clock.now() + timedelta(minutes=45)
    assert view.behind == 0
    als_session.extend_phase(1)
    als_session.extend_phase(1)
    als_session.extend_phase(-1)
    view = als_session.view()
    assert view.planned == 6 * 60
    assert view.behind == pytest.approx(60)
    clock.advance(6 * 60 + 90)  # 90 s into overtime
    assert als_session.view().behind == pytest.approx(150)


def test_running_short_puts_the_session_ahead(als_session: Session, clock: FakeClock) -> None:
    clock.advance(60)
    als_session.next_phase()
    assert als_session.view().behind == pytest.approx(-240)


def test_pause_puts_the_session_behind(als_session: Session, clock: FakeClock) -> None:
    als_session.pause()
    clock.advance(120)
    assert als_session.view().behind == pytest.approx(120)


def test_extend_a_turn(library: Library, clock: FakeClock) -> None:
    fmt = library.get("check-in-round")
    session = Session.new(fmt, ("Ann", "Bob"), None, clock=clock)
    session.start()
    session.extend_turn(1)
    assert session.view().turn_planned == 120
    session.extend_turn(-3)
    assert session.view().turn_planned == 0
    session.next_speaker()
    assert session.view().turn_planned == 60  # Bob's own turn is untouched


def test_protected_time_asks_before_an_early_advance(library: Library, clock: FakeClock) -> None:
    fmt = library.get("solution-circle")
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee", "Eve"), "Ann", clock=clock)
    session.start()
    assert session.advance_needs_confirmation()
    clock.advance(300)
    assert not session.advance_needs_confirmation()


def test_auto_advance_waits_for_zero_and_for_quiet_typing(als_session: Session, clock: FakeClock) -> None:
    clock.advance(300)
    assert als_session.auto_advance(None) is None  # off by default
    als_session.set_auto_advance(True)
    clock.advance(1)
    typed = clock.monotonic_ns()
    assert als_session.auto_advance(typed) is None
    clock.advance(4.9)
    assert als_session.auto_advance(typed) is None
    clock.advance(0.2)
    event = als_session.auto_advance(typed)
    assert event is not None and event.data == {"auto": True}
    assert als_session.view().step_index == 1
    assert als_session.auto_advance(None) is None  # the new phase has time left


def test_pause_stops_phase_turn_and_airtime(library: Library, clock: FakeClock) -> None:
    fmt = library.get("check-in-round")
    session = Session.new(fmt, ("Ann", "Bob"), None, clock=clock)
    session.start()
    clock.advance(10)
    session.pause()
    clock.advance(500)
    view = session.view()
    assert view.turn_remaining == pytest.approx(50)
    assert view.elapsed == pytest.approx(10)
    assert view.airtime["Ann"] == pytest.approx(10)


def test_shuffled_order_is_reproducible_from_the_seed(als: Format, clock: FakeClock) -> None:
    people = ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser")
    one = Session.new(als, people, "Aisha", clock=clock, seed=4821)
    two = Session.new(als, people, "Aisha", clock=clock, seed=4821)
    assert one.meta.rotation == two.meta.rotation
    assert sorted(one.meta.rotation) == sorted(people)
    assert one.meta.rotation != people or Session.new(als, people, "Aisha", seed=1).meta.rotation != people


def test_troika_cycles_through_every_presenter(library: Library, clock: FakeClock) -> None:
    fmt = library.get("troika-consulting")
    assert fmt.cycle_per_presenter
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), ("Ann", "Bob", "Cat"), clock=clock)
    session.start()
    seen = []
    while True:
        view = session.view()
        seen.append((view.cycle, view.presenter, view.phase.name))
        if view.is_last_step:
            break
        session.next_phase()
    assert len(seen) == 3 * len(fmt.phases)
    assert [p for c, p, name in seen if name == "The challenge"] == ["Ann", "Bob", "Cat"]
    assert len(plan_steps(fmt, ("Ann", "Bob", "Cat"))) == 12
    session.end()
    summary = summarise(session)
    assert summary.phases[4].name == "The challenge (Bob)"


def test_questions_in_a_troika_skip_that_rounds_client(library: Library, clock: FakeClock) -> None:
    fmt = library.get("troika-consulting")
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), ("Ann", "Bob", "Cat"), clock=clock)
    session.start()
    for _ in range(5):
        session.next_phase()  # Bob's cycle, clarifying questions
    view = session.view()
    assert view.presenter == "Bob"
    assert view.speaker == "Ann" and view.upcoming == ("Cat", "Ann")
