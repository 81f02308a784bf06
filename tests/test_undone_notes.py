"""Notes typed in a step whose move was then undone (f, type, u) are on disk: every record
holds them, under the step they were typed in, once, and private ones only when asked for.

Before: the summary built its steps from the timeline alone, and an undo takes the step out
of the timeline, so the notes typed there were saved but missing from the summary, the
export, the copied text and the learning record.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.actions import action_lines
from peercircle.sessions.records.anonymise import make_anonymiser
from peercircle.sessions.records.export import render_learning_record, render_markdown
from peercircle.sessions.records.summary import SessionSummary, summarise
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.screens.summary import SummaryScreen
from tests.commands import cli
from tests.conftest import GROUP
from tests.past_sessions import make_app

LIBRARY = load_library()

SHARED = "Ben: the undone step taught me to slow down"
ACTION = "Ben to ring the duty team by Friday"
PRIVATE = "worried the undo lost this"


def undone_step(als: Format, clock: FakeClock, sink: Autosaver | None = None) -> Session:
    """Step 2 entered (f), all three kinds of note typed there, then the move undone (u)
    and the session ended without going back to it."""
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    if sink is not None:
        session.sink = sink
    session.start()
    clock.advance(60)
    session.next_phase()
    clock.advance(20)
    session.write_note(1, SHARED)
    session.write_note(1, ACTION, "action")
    session.write_note(1, PRIVATE, "private")
    session.undo()
    clock.advance(30)
    session.end()
    return session


def section(markdown: str, number: int) -> str:
    """The text of the step section headed '## {number}. ...', up to the next heading."""
    found = re.search(rf"^## {number}\. .*?(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    assert found, f"no section for step {number} in:\n{markdown}"
    return found.group(0)


def test_notes_of_an_undone_step_are_in_the_summary_under_that_step(als: Format, clock: FakeClock) -> None:
    summary = summarise(undone_step(als, clock))
    (step,) = [p for p in summary.phases if p.index == 1]
    assert step.undone
    assert (step.notes, step.actions, step.private) == (SHARED, (ACTION,), PRIVATE)
    # The step reached stays the only one with time: the undone one has none of its own.
    assert [p.index for p in summary.phases if not p.undone] == [0]
    assert step.actual == 0 and not step.turns


def test_notes_of_an_undone_step_are_in_the_export_marked_undone(als: Format, clock: FakeClock) -> None:
    summary = summarise(undone_step(als, clock))
    shared = render_markdown(summary)
    step = section(shared, 2)
    assert "Ben: the undone step taught me to slow down" in step
    assert "undone" in step
    assert "- [ ] Ben to ring the duty team — Ben — by Friday" in shared
    assert PRIVATE not in shared
    assert PRIVATE in section(render_markdown(summary, include_private=True), 2)
    anonymised = render_markdown(summary, anonymiser=make_anonymiser(GROUP, {}, ()))
    assert "B.: the undone step taught me to slow down" in section(anonymised, 2)
    assert "Ben" not in anonymised


def test_a_re_entered_step_shows_its_notes_once(als: Format, clock: FakeClock) -> None:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    session.start()
    session.next_phase()
    session.write_note(1, SHARED)
    session.undo()
    clock.advance(10)
    session.next_phase()  # back into the step the notes were typed in
    clock.advance(10)
    session.end()
    summary = summarise(session)
    assert [(p.index, p.undone) for p in summary.phases] == [(0, False), (1, False)]
    assert render_markdown(summary).count("undone step taught me") == 1


def test_the_learning_record_holds_lines_from_an_undone_step(als: Format, clock: FakeClock) -> None:
    record = render_learning_record(summarise(undone_step(als, clock)), "Ben")
    assert "- the undone step taught me to slow down" in record
    assert "- [ ] Ben to ring the duty team — by Friday" in record


def test_export_one_and_all_from_the_command_line_hold_the_undone_notes(
    data_dir: Path, als: Format, clock: FakeClock, tmp_path: Path
) -> None:
    store = SessionStore(data_dir)
    store.prepare()
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.next_phase()
    session.write_note(1, SHARED)
    session.write_note(1, ACTION, "action")
    session.undo()
    clock.advance(30)
    session.end()
    saver.close()
    one = cli("export", session.meta.id, data_dir=data_dir)
    assert one.returncode == 0, one.stderr
    assert SHARED in one.stdout and "Ben to ring the duty team" in one.stdout
    out = tmp_path / "all"
    every = cli("export", "--all", "-o", str(out), data_dir=data_dir)
    assert every.returncode == 0, every.stderr
    (written,) = out.iterdir()
    text = written.read_text(encoding="utf-8")
    assert SHARED in section(text, 2) and "Ben to ring the duty team" in text


async def test_copy_on_the_summary_screen_holds_the_undone_notes(
    data_dir: Path, als: Format, tmp_path: Path
) -> None:
    clock = FakeClock(wall=datetime(2026, 11, 3, 14, 0).astimezone())
    store = SessionStore(data_dir)
    store.prepare()
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.next_phase()
    session.write_note(1, SHARED)
    session.undo()
    session.end()
    saver.close()
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.open_past_session(session.meta.id)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("c")
        await pilot.pause()
        assert SHARED in app.clipboard
        assert SHARED in section(app.clipboard, 2)


# -- any sequence of controls ----------------------------------------------------------------

GROUPS = {
    "action-learning-set": (("Ann", "Bob", "Cat", "Dee"), ("Ann",)),
    "troika-consulting": (("Ann", "Bob", "Cat"), ("Bob", "Cat")),
    "what-so-what-now-what": (("Ann", "Bob", "Cat"), ()),
    "check-in-round": (("Ann", "Bob"), ()),
}
KINDS = ("shared", "action", "private")
CONTROLS = ["next_speaker", "pass_turn", "next_phase", "undo", "pause", "resume", "extend", "end", "note"]
# Each note is a marker no other note contains ("shared7z", never a prefix of "shared71z"),
# then letters that make no name, date or Markdown, so a record shows it exactly as typed.
steps = st.lists(
    st.tuples(
        st.sampled_from(CONTROLS),
        st.sampled_from(KINDS),
        st.text(alphabet="ghkqwxz", max_size=6),
        st.integers(min_value=0, max_value=400),
        st.booleans(),
    ),
    max_size=30,
)


def notes_by_kind(session: Session, kind: str) -> list[tuple[int, str]]:
    return [(n.phase_index, n.text) for n in session.notes if n.kind == kind and n.text.strip()]


def run_sequence(format_id: str, plan: list[tuple[str, str, str, int, bool]]) -> Session:
    fmt = LIBRARY.get(format_id)
    assert fmt is not None
    clock = FakeClock()
    people, presenters = GROUPS[format_id]
    session = Session.new(fmt, people, presenters, clock=clock)
    session.start()
    for number, (name, kind, words, gap, clear) in enumerate(plan):
        clock.advance(gap)
        if name == "note":
            text = "" if clear else f"{kind}{number}z {words}".strip()
            session.write_note(session.timeline.step_index, text, kind)
        elif name == "extend":
            session.extend_phase(1 if clear else -1)
        else:
            getattr(session, name)()
    return session


@given(format_id=st.sampled_from(sorted(GROUPS)), plan=steps)
def test_every_note_on_the_session_is_in_every_record_of_its_kind(
    format_id: str, plan: list[tuple[str, str, str, int, bool]]
) -> None:
    session = run_sequence(format_id, plan)
    summary: SessionSummary = summarise(session)
    by_step = {p.index: p for p in summary.phases}
    shared = render_markdown(summary)
    private = render_markdown(summary, include_private=True)
    actions_part = shared[shared.index("\n## Actions\n") :]
    for step, text in notes_by_kind(session, "shared"):
        assert by_step[step].notes == text
        assert text in section(shared, step + 1) and text in section(private, step + 1)
    for step, text in notes_by_kind(session, "action"):
        assert by_step[step].actions == tuple(action_lines(text))
        assert text in actions_part
    for step, text in notes_by_kind(session, "private"):
        assert by_step[step].private == text
        assert text not in shared
        assert text in section(private, step + 1)
    # Each step appears once, whether it was reached, undone or both.
    numbers = re.findall(r"^## (\d+)\. ", private, re.MULTILINE)
    assert len(numbers) == len(set(numbers))
