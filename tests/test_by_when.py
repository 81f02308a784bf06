"""One reading of "who" and "by when" for an action line, in the live reminder and in the
export alike. The same table drives both paths, so they cannot drift apart again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.records.actions import due_date, nudge, parse_action, smart_gaps
from peercircle.sessions.records.export import render_markdown
from peercircle.sessions.records.summary import summarise
from tests.conftest import GROUP

# (line, due date as read, someone set to do it without falling back to the presenter)
LINES: list[tuple[str, str, bool]] = [
    # The three the live reminder and the export disagreed on.
    ("Ben to read up on attachment theory", "", True),  # "read up on" is no date
    ("Ciara may call the GP", "", True),  # "may" the verb, not the month
    ("Ben to phone the school next", "", True),  # "next" with no time after it
    # Due dates people write.
    ("Ben to call the GP by Friday", "by Friday", True),
    ("Ciara: book the room for next session", "for next session", True),
    ("Dev to email the team on 12 Dec", "on 12 Dec", True),
    ("Ben will ring the ward at 3pm", "at 3pm", True),
    ("Eilidh to check in on Dec 3", "on Dec 3", True),
    ("Fraser reads the report in May", "in May", True),
    ("Ben to sort the rota in 2 weeks", "in 2 weeks", True),
    ("Ben to sort the rota within two weeks", "within two weeks", True),
    ("Ciara to raise it next time", "next time", True),
    ("Dev: finish the letter by end of May", "by end of May", True),
    ("Eilidh to send the minutes tomorrow", "tomorrow", True),
    ("Fraser to draft the referral by end of month", "by end of month", True),
    ("Ben to chase the referral by 12/12", "by 12/12", True),
    ("Ciara to write to the school by the 12th", "by the 12th", True),
    ("Dev to find a new venue next week", "next week", True),
    ("Dev to phone the family asap", "asap", True),
    # Not due dates.
    ("Ben to meet them on the 3rd floor", "", True),
    ("Eilidh to re-read chapter 3.2 of the guidance", "", True),
    ("Ciara to think on it", "", True),
    # Who: the doer the line starts with, in the first person, or a separate part.
    ("I will read the policy before the next meeting", "before the next meeting", True),
    ("We all read chapter 3 by end of month", "by end of month", True),
    ("call the GP", "", False),
    ("Call Ben about the rota tomorrow", "tomorrow", False),  # Ben is called, not calling
    ("It will be done by the 12th", "by the 12th", False),  # "It" is not "I"
    ("book the room — Fraser — by Friday", "by Friday", True),
    ("chase the referral; Thursday", "Thursday", False),
]


def expected_gaps(when: str, has_who: bool) -> list[str]:
    return [gap for gap, missing in (("who", not has_who), ("by when", not when)) if missing]


@pytest.mark.parametrize(("line", "when", "has_who"), LINES)
def test_the_live_reminder_reads_the_line(line: str, when: str, has_who: bool) -> None:
    assert smart_gaps(line, GROUP) == expected_gaps(when, has_who)
    gaps = expected_gaps(when, has_who)
    assert nudge(line, GROUP) == (f"Action 1 has no {' and no '.join(gaps)} yet" if gaps else "")


@pytest.mark.parametrize(("line", "when", "has_who"), LINES)
def test_the_export_reads_the_line_the_same_way(line: str, when: str, has_who: bool) -> None:
    assert due_date(line) == when
    item = parse_action(line, "Aisha", GROUP)
    assert item.when == when
    # The export falls back to the step's presenter when nobody is set; the reminder does not.
    assert (parse_action(line, None, GROUP).who != "") == has_who
    assert item.who


def test_the_exported_record_shows_each_due_date_or_its_absence(als_session: Session) -> None:
    als_session.write_note(0, "\n".join(line for line, _, _ in LINES), "action")
    als_session.end()
    markdown = render_markdown(summarise(als_session))
    section = markdown.split("## Actions", 1)[1].split("\n## ", 1)[0]
    tasks = [line for line in section.splitlines() if line.startswith("- [ ] ")]
    assert len(tasks) == len(LINES)
    for task, (line, when, _) in zip(tasks, LINES, strict=True):
        assert task.endswith(f" — {when}" if when else " — by when: not set"), (line, task)


def test_we_all_is_the_whole_group_and_i_is_the_presenter() -> None:
    assert parse_action("We all read chapter 3", "Aisha", GROUP).owners == GROUP
    assert parse_action("I will write it up", "Aisha", GROUP).owners == ("Aisha",)
    assert parse_action("Ideas to be written up", "Aisha", GROUP).who == "Aisha"  # fallback


async def test_the_live_screen_reminds_as_the_table_says(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.tui.screens.live import LiveScreen
    from tests.test_app import make_app, start_session, text_of

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        await pilot.press("f2")  # action notes
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        notes = screen.query_one("#notes", TextArea)
        for line, when, has_who in LINES:
            notes.text = line
            screen.refresh_view()
            hint = text_of(app, "#notes-hint")
            gaps = expected_gaps(when, has_who)
            assert ("Action 1 has no" in hint) == bool(gaps), (line, hint)
            assert ("no by when" in hint) == (not when), (line, hint)
            assert ("no who" in hint) == (not has_who), (line, hint)
