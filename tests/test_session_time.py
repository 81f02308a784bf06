"""The session engine with a fake clock: phases, pauses, overtime, turns and the summary."""

from __future__ import annotations

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import GroupError, Session, clean_names
from peercircle.sessions.engine.timefmt import countdown_text
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.summary import summarise


def test_phases_run_in_the_format_order(als_session: Session, als: Format) -> None:
    seen = [als_session.view().phase.name]
    while not als_session.view().is_last_phase:
        assert als_session.next_phase() is not None
        seen.append(als_session.view().phase.name)
    assert seen == [p.name for p in als.phases]
    assert als_session.next_phase() is None  # no phase after the last one
    assert als_session.end() is not None
    assert als_session.ended


def test_remaining_is_planned_minus_active_time(als_session: Session, clock: FakeClock) -> None:
    clock.advance(90)
    view = als_session.view()
    assert view.planned == 300
    assert view.remaining == pytest.approx(210)
    assert countdown_text(view.remaining) == "03:30"


def test_pause_stops_the_clock_and_resume_continues_exactly(als_session: Session, clock: FakeClock) -> None:
    clock.advance(100)
    als_session.pause()
    clock.advance(600)  # a long break
    assert als_session.view().remaining == pytest.approx(200)
    assert als_session.view().paused
    als_session.resume()
    clock.advance(50)
    assert als_session.view().remaining == pytest.approx(150)
    summary = summarise(als_session)
    assert summary.paused == pytest.approx(600)
    assert summary.active == pytest.approx(150)


def test_pausing_twice_records_one_pause(als_session: Session) -> None:
    assert als_session.pause() is not None
    assert als_session.pause() is None
    assert als_session.toggle_pause() is not None  # resumes
    assert not als_session.view().paused


def test_overtime_counts_up_past_zero(als_session: Session, clock: FakeClock) -> None:
    clock.advance(300)
    assert not als_session.view().overtime
    assert countdown_text(als_session.view().remaining) == "00:00"
    clock.advance(83)
    view = als_session.view()
    assert view.overtime
    assert countdown_text(view.remaining) == "+01:23"


def test_countdown_rounds_up_so_it_never_shows_zero_early() -> None:
    assert countdown_text(299.2) == "05:00"
    assert countdown_text(0.4) == "00:01"
    assert countdown_text(0) == "00:00"
    assert countdown_text(-0.5) == "+00:00"
    assert countdown_text(-3725) == "+1:02:05"


def test_presenter_phase_shows_the_presenter(als_session: Session) -> None:
    view = als_session.view()
    assert view.speaker == "Aisha"
    assert als_session.next_speaker() is None  # nobody takes turns while presenting


def test_questions_go_round_the_members_without_the_presenter(als_session: Session) -> None:
    als_session.next_phase()
    order = []
    for _ in range(6):
        order.append(als_session.view().speaker)
        als_session.next_speaker()
    # Repeat rounds: after Fraser the round starts again with Ben; Aisha never asks.
    assert order == ["Ben", "Ciara", "Dev", "Eilidh", "Fraser", "Ben"]
    assert als_session.view().round == 2


def test_upcoming_shows_the_next_two(als_session: Session) -> None:
    als_session.next_phase()
    assert als_session.view().upcoming == ("Ciara", "Dev")


def test_pass_is_recorded_and_moves_on(als_session: Session, clock: FakeClock) -> None:
    als_session.next_phase()
    clock.advance(5)
    als_session.pass_turn()
    assert als_session.view().speaker == "Ciara"
    turns = summarise(als_session).phases[1].turns
    assert turns[0].person == "Ben" and turns[0].passed
    assert not turns[1].passed


def test_a_round_without_repeat_completes(library: Library, clock: FakeClock) -> None:
    fmt = library.get("check-in-round")
    assert fmt is not None and not fmt.needs_presenter
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), None, clock=clock)
    session.start()
    assert session.view().planned == 180  # one minute each
    session.next_speaker()
    session.pass_turn()
    assert session.view().speaker == "Cat"
    assert session.view().upcoming == ("Bob",)  # who passed is offered the floor again
    session.next_speaker()
    assert session.view().speaker == "Bob"
    session.pass_turn()  # passing a second time closes the round
    view = session.view()
    assert view.round_complete and view.speaker is None
    assert session.next_speaker() is None


def test_summary_durations_add_up_to_elapsed_time(
    als_session: Session, als: Format, clock: FakeClock
) -> None:
    steps = [(320, "next_phase"), (30, "pause"), (120, "resume"), (400, "next_speaker"), (200, "pass_turn")]
    for seconds, command in steps:
        clock.advance(seconds)
        getattr(als_session, command)()
    for _ in range(len(als.phases) - 2):
        clock.advance(123)
        als_session.next_phase()
    clock.advance(45)
    als_session.end()
    clock.advance(999)  # time after the end does not count
    summary = summarise(als_session)
    total = sum(p.actual for p in summary.phases)
    assert total + summary.paused == pytest.approx(summary.elapsed)
    assert summary.elapsed == pytest.approx(320 + 30 + 120 + 400 + 200 + 123 * 5 + 45)
    assert summary.paused == pytest.approx(120)
    assert [p.name for p in summary.phases] == [p.name for p in als.phases]


def test_a_45_minute_session_runs_in_milliseconds(als_session: Session, clock: FakeClock) -> None:
    import time

    started = time.perf_counter()
    for _ in range(45 * 60):
        clock.advance(1)
        als_session.view()
    assert not als_session.ended
    assert time.perf_counter() - started < 5  # generous: this is about not sleeping, not speed


def test_ending_early_lists_the_phases_not_reached(als_session: Session, clock: FakeClock) -> None:
    clock.advance(60)
    als_session.next_phase()
    als_session.end()
    summary = summarise(als_session)
    assert len(summary.phases) == 2
    assert summary.skipped[0] == "Questions that open up the issue"
    assert als_session.next_phase() is None and als_session.pause() is None


@pytest.mark.parametrize(
    ("names", "presenter", "message"),
    [
        ("Ann", "Ann", "at least 2"),
        (",".join(f"P{i}" for i in range(13)), "P1", "up to 12"),
        ("Ann, ann, Bob", "Ann", "appears twice"),
        ("Ann, Bob", None, "Choose the presenter"),
        ("Ann, Bob", "Zed", "not in the group"),
    ],
)
def test_group_problems_are_explained(als: Format, names: str, presenter: str | None, message: str) -> None:
    with pytest.raises(GroupError, match=message):
        Session.new(als, clean_names(names), presenter)


def test_names_are_split_on_commas_semicolons_and_lines() -> None:
    assert clean_names(" Ann ,Bob;  Cat\nDee Smith ,, ") == ("Ann", "Bob", "Cat", "Dee Smith")


def test_notes_belong_to_a_phase(als_session: Session) -> None:
    assert als_session.write_note(0, "") is None  # an empty editor creates no note
    note = als_session.write_note(0, "first")
    als_session.next_phase()
    als_session.write_note(1, "second")
    assert note is not None and als_session.note_for(0).text == "first"
    assert summarise(als_session).phases[1].notes == "second"
