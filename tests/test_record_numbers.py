"""The record's numbers: airtime shares that add up to 100%, one rule for a passed turn's
seconds, and the whole plan (with each step's changes) after a session ends early."""

from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.export import render_learning_record, render_markdown
from peercircle.sessions.records.summary import airtime_shares, summarise
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.screens.summary import SummaryScreen
from tests.conftest import GROUP
from tests.past_sessions import make_app, past_session


def airtime_rows(markdown: str) -> dict[str, tuple[str, int]]:
    """The airtime table: person -> (time as shown, share as shown)."""
    part = markdown[markdown.index("## Airtime") :]
    rows = re.findall(r"^\| (.+?) \| (\d\d:\d\d) \| (\d+)% \|", part, re.MULTILINE)
    return {person: (time, int(share)) for person, time, share in rows}


def seconds_of(text: str) -> int:
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


# -- shares that add up ------------------------------------------------------------------------


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=5),
        st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=13,
    ).filter(lambda airtime: sum(airtime.values()) > 0)
)
def test_shares_add_to_100_and_each_is_within_1_of_its_exact_value(airtime: dict[str, float]) -> None:
    shares = airtime_shares(airtime)
    assert set(shares) == set(airtime)
    assert sum(shares.values()) == 100
    total = sum(Fraction(v) for v in airtime.values())
    for person, seconds in airtime.items():
        exact = Fraction(seconds) * 100 / total
        assert abs(shares[person] - exact) < 1
        assert isinstance(shares[person], int)


def test_no_airtime_gives_no_shares() -> None:
    assert airtime_shares({"Ann": 0.0, "Bob": 0.0}) == {"Ann": 0, "Bob": 0}


def three_equal_turns(library: Library, clock: FakeClock) -> Session:
    """Three turns of 20 s each: 33.3% each, which rounded on its own makes 99%."""
    fmt = library.get("check-in-round")
    assert fmt is not None
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), None, clock=clock)
    session.start()
    for _ in range(3):
        clock.advance(20)
        session.next_speaker()
    session.end()
    return session


def test_the_airtime_table_adds_to_100(library: Library, clock: FakeClock) -> None:
    rows = airtime_rows(render_markdown(summarise(three_equal_turns(library, clock))))
    assert sorted(share for _, share in rows.values()) == [33, 33, 34]


def test_shares_of_81_9_3_3_3_add_to_100(als_session: Session, clock: FakeClock) -> None:
    """Before: 81% + 9% + 3% + 3% + 3% + 0% = 99% for this session."""
    clock.advance(180)
    for _ in range(4):
        als_session.next_phase()  # into the resources round
    for seconds in (7, 7, 7):
        clock.advance(seconds)
        als_session.next_speaker()
    clock.advance(20)
    als_session.end()
    rows = airtime_rows(render_markdown(summarise(als_session)))
    assert sum(share for _, share in rows.values()) == 100


def test_the_learning_record_shows_the_share_the_table_shows(library: Library, clock: FakeClock) -> None:
    summary = summarise(three_equal_turns(library, clock))
    rows = airtime_rows(render_markdown(summary))
    for person in ("Ann", "Bob", "Cat"):
        mine = re.search(r"(\d+)% of the time anyone held the floor", render_learning_record(summary, person))
        assert mine is not None and int(mine[1]) == rows[person][1], person


def test_the_balance_of_proctors_functions_adds_to_100(als_session: Session, clock: FakeClock) -> None:
    als_session.write_note(0, "a #normative\nb #formative\nc #restorative", "shared")
    clock.advance(60)
    als_session.end()
    part = render_markdown(summarise(als_session)).split("## Proctor's functions")[1]
    shares = [int(s) for s in re.findall(r"\| (\d+)% \|", part)]
    assert sorted(shares) == [33, 33, 34]


# -- a passed turn's seconds -------------------------------------------------------------------


def go_round_with_a_pass(library: Library, clock: FakeClock) -> Session:
    fmt = library.get("check-in-round")
    assert fmt is not None
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), None, clock=clock)
    session.start()
    clock.advance(30)
    session.next_speaker()  # Ann spoke 30 s
    clock.advance(12)
    session.pass_turn()  # Bob held the floor 12 s, then passed
    clock.advance(20)
    session.next_speaker()  # Cat spoke 20 s; Bob is offered the floor again
    clock.advance(5)
    session.pass_turn()  # and passes again after 5 s
    session.end()
    return session


def test_a_passed_turn_shows_its_seconds_in_the_turns_line(library: Library, clock: FakeClock) -> None:
    """Before: 'Bob (passed)' in the turns line, while his 17 s counted in the airtime table."""
    markdown = render_markdown(summarise(go_round_with_a_pass(library, clock)))
    assert "Turns: Ann 00:30, Bob 00:12 (passed), Cat 00:20, Bob 00:05 (passed)" in markdown
    assert airtime_rows(markdown)["Bob"][0] == "00:17"


def test_the_export_states_the_airtime_rule_under_the_table(library: Library, clock: FakeClock) -> None:
    markdown = render_markdown(summarise(go_round_with_a_pass(library, clock)))
    after_table = markdown[markdown.index("## Airtime") :].split("\n\n")[2]
    assert after_table == (
        "Airtime counts every second each person held the floor: presenting, speaking and turns, "
        "including turns they passed."
    )


@pytest.mark.parametrize("format_id", ["check-in-round", "what-so-what-now-what"])
def test_turns_lines_and_the_airtime_table_agree(library: Library, clock: FakeClock, format_id: str) -> None:
    """Every second of airtime is in a turns line, passed turns included, in a session of
    go-rounds only; and the summary's own numbers agree the same way."""
    fmt = library.get(format_id)
    assert fmt is not None
    session = Session.new(fmt, ("Ann", "Bob", "Cat"), None, clock=clock)
    session.start()
    for number, seconds in enumerate((13, 4, 9, 21, 2, 8, 30, 6)):
        clock.advance(seconds)
        if not session.timeline.takes_turns:
            session.next_phase()
        elif number % 3 == 1:
            session.pass_turn()
        else:
            session.next_speaker()
    session.end()
    summary = summarise(session)
    markdown = render_markdown(summary)
    from_turns: dict[str, int] = {}
    for line in re.findall(r"^Turns: (.*)$", markdown, re.MULTILINE):
        for person, time in re.findall(r"(\w+) (\d\d:\d\d)", line):
            from_turns[person] = from_turns.get(person, 0) + seconds_of(time)
    table = {person: seconds_of(time) for person, (time, _) in airtime_rows(markdown).items()}
    assert {p: s for p, s in table.items() if s} == from_turns
    for person, seconds in summary.airtime.items():
        in_turns = sum(t.seconds for p in summary.phases for t in p.turns if t.person == person)
        assert in_turns == pytest.approx(seconds)


# -- the whole plan, and each step's changes ---------------------------------------------------


def ended_after_two(als: Format, clock: FakeClock) -> Session:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    session.start()
    clock.advance(120)
    session.next_phase()
    clock.advance(60)
    session.end()
    return session


def test_ending_early_keeps_the_whole_plan(als: Format, clock: FakeClock) -> None:
    """Before: 'Length: 3 min (planned 15 min)': only the two steps reached were counted."""
    summary = summarise(ended_after_two(als, clock))
    assert summary.planned == 45 * 60  # the Action Learning Set's 45 minutes for six people
    assert [s.planned for s in summary.not_reached] == [15 * 60, 3 * 60, 5 * 60, 2 * 60, 5 * 60]
    markdown = render_markdown(summary)
    assert "- **Length:** 3 min (planned 45 min)" in markdown
    assert "- **Steps:** 2 of 7 run; the session ended before the other 5" in markdown
    assert "planned_minutes: 45" in markdown


def test_steps_never_reached_are_in_the_timing_table_with_their_plan(als: Format, clock: FakeClock) -> None:
    markdown = render_markdown(summarise(ended_after_two(als, clock)))
    rows = [
        tuple(cell.strip() for cell in line.strip("|").split("|"))
        for line in re.findall(r"^\| \d+ \|.*$", markdown, re.MULTILINE)
    ]
    assert rows == [
        ("1", "Present the issue", "05:00", "", "02:00", "-03:00"),
        ("2", "Clarifying questions", "10:00", "", "01:00", "-09:00"),
        ("3", "Questions that open up the issue", "15:00", "", "not reached", ""),
        ("4", "Presenter's summary", "03:00", "", "not reached", ""),
        ("5", "Resources round", "05:00", "", "not reached", ""),
        ("6", "Action", "02:00", "", "not reached", ""),
        ("7", "Process review", "05:00", "", "not reached", ""),
    ]


def test_a_step_shows_its_plan_and_each_change(als: Format, clock: FakeClock) -> None:
    """Before: 'Planned 06:00' only, the plan after +2 and -1 minutes, with no sign of either."""
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    session.start()
    clock.advance(60)
    session.extend_phase(1)
    session.extend_phase(1)  # + pressed twice: one change of 2 minutes in the record
    clock.advance(60)
    session.extend_phase(-1)
    clock.advance(300)
    session.end()
    summary = summarise(session)
    (step,) = summary.phases
    assert (step.first_planned, step.changes, step.planned) == (300, (60, 60, -60), 360)
    assert summary.planned == 45 * 60 and summary.planned_with_changes == 46 * 60
    markdown = render_markdown(summary)
    assert "Planned 05:00, +2 min, -1 min (06:00 after the changes) · actual 07:00" in markdown
    assert "| 1 | Present the issue | 05:00 | +2 min, -1 min | 07:00 | +01:00 |" in markdown
    assert "- **Length:** 7 min (planned 45 min, 46 min with the changes made)" in markdown


def test_a_trim_past_zero_shows_what_it_took_off(als: Format, clock: FakeClock) -> None:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    session.start()
    session.extend_phase(-4)
    session.extend_phase(-4)  # only one minute was left to take off
    session.extend_phase(-1)  # nothing left: no change
    clock.advance(30)
    session.end()
    (step,) = summarise(session).phases
    assert (step.first_planned, step.changes, step.planned) == (300, (-240, -60), 0)


async def test_the_summary_screen_shows_the_whole_plan_and_the_steps_not_reached(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """A 45-minute Action Learning Set ended after 10 minutes of its first step."""
    store = SessionStore(data_dir, writer=True)
    session = past_session(store, datetime(2026, 11, 3, 14, 0), "action-learning-set", GROUP)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.open_past_session(session.meta.id)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = app.screen.query_one("#summary").source
        assert "- **Length:** 10 min (planned 45 min)" in shown
        assert "| 7 | Process review | 05:00 | | not reached | |" in shown
        assert "| 1 | Present the issue | 05:00 | | 10:00 | +05:00 |" in shown
