"""The session engine with a fake clock: phases, pauses, overtime, turns and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import NS_PER_SECOND, FakeClock
from peercircle.sessions.engine.session import SCHEMA_VERSION, GroupError, Session, clean_names
from peercircle.sessions.engine.timefmt import countdown_text
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.summary import SessionSummary, summarise
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore


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


# -- exact time and files from before it ---------------------------------------------------


def test_time_is_kept_in_whole_nanoseconds(als_session: Session, clock: FakeClock) -> None:
    # Three tenths of a second, three times: float seconds would make 0.30000000000000004.
    for _ in range(3):
        clock.advance(0.1)
    assert als_session.timeline.active_ns_at(clock.monotonic_ns()) == 300_000_000
    als_session.pause()
    assert als_session.events[-1].mono_ns == clock.monotonic_ns()
    assert isinstance(als_session.events[-1].to_dict()["mono_ns"], int)
    assert als_session.view().elapsed == 0.3
    with pytest.raises(ValueError):
        clock.advance(-0.1)


def as_schema_2(raw: dict) -> dict:
    """A session file as peercircle wrote it before schema 3: float seconds."""
    for meta in raw["meta"].values():
        meta["schema"] = 2
    for event in raw["events"].values():
        event["mono"] = event.pop("mono_ns") / NS_PER_SECOND
        if event["kind"] == "reopen":
            data = event["data"]
            for name in ("active", "paused", "gap"):
                data[name] = round(data.pop(f"{name}_ns") / NS_PER_SECOND, 3)
    return raw


def durations(summary: SessionSummary) -> list[float]:
    return [
        summary.active,
        summary.paused,
        *(p.actual for p in summary.phases),
        *(t.seconds for p in summary.phases for t in p.turns),
        *(summary.airtime[name] for name in sorted(summary.airtime)),
    ]


def test_a_schema_2_file_with_float_seconds_loads_with_the_same_durations(
    data_dir: Path, als: Format
) -> None:
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    # A real monotonic clock a day after boot, and lengths that are not whole seconds.
    clock = FakeClock(mono_ns=86_400_123_456_789)
    session = Session.new(als, ("Ann", "Ben", "Cat", "Dev"), "Ann", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    for seconds, command in [(301.25, "next_phase"), (45.125, "next_speaker"), (12.5, "pause")]:
        clock.advance(seconds)
        getattr(session, command)()
    clock.advance(33.3)
    assert saver.close()
    # The process died while paused; it comes back 2.75 s later and records a reopen.
    store.write_alive(session.meta.id, clock.monotonic_ns(), clock.now().isoformat())
    clock.advance(2.75)
    back = store.load(session.meta.id, clock=clock)
    back.live = True
    saver = Autosaver(store, back).start()
    back.reopen(*store.read_alive(session.meta.id))
    clock.advance(60.6)
    back.resume()
    clock.advance(19.9)
    back.next_speaker()
    assert saver.close()
    path = store.path_for(session.meta.id)
    expected = durations(summarise(store.load(session.meta.id)))

    path.write_text(json.dumps(as_schema_2(json.loads(path.read_text()))))
    old = store.load(session.meta.id, clock=clock)
    assert durations(summarise(old)) == pytest.approx(expected, abs=1e-6)
    assert old.meta.schema == SCHEMA_VERSION
    assert not store.quarantined and path.exists()

    # Resumed by this peercircle: the file now holds old events and new ones under a
    # schema 3 meta, and still reads back with the old durations.
    old.live = True
    saver = Autosaver(store, old).start()
    clock.advance(5)
    old.end()
    assert saver.close()
    stored = json.loads(path.read_text())
    assert {m["schema"] for m in stored["meta"].values()} == {SCHEMA_VERSION}
    assert {"mono" in e for e in stored["events"].values()} == {True, False}
    mixed = summarise(store.load(session.meta.id))
    assert durations(mixed)[:2] == pytest.approx([expected[0] + 5, expected[1]], abs=1e-6)
    assert [p.actual for p in mixed.phases] == pytest.approx([expected[2], expected[3] + 5], abs=1e-6)
    assert not store.quarantined


def test_a_heartbeat_in_float_seconds_from_before_still_resumes(data_dir: Path) -> None:
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    store.alive_path("old").write_text(json.dumps({"mono": 86400.5, "wall": "2026-11-26T10:00:00+00:00"}))
    assert store.read_alive("old") == (86_400_500_000_000, "2026-11-26T10:00:00+00:00")
    store.write_alive("new", 86_400_500_000_001, "2026-11-26T10:00:00+00:00")
    assert store.read_alive("new") == (86_400_500_000_001, "2026-11-26T10:00:00+00:00")
