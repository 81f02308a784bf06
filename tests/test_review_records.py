"""Regressions from reviewing the records and the library: each failed before its fix."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import FormatError, load_library, parse_format, render_format
from peercircle.sessions.records.anonymise import make_anonymiser
from peercircle.sessions.records.export import export_filename, render_learning_record, render_markdown
from peercircle.sessions.records.summary import summarise
from peercircle.sessions.storage.store import SessionStore
from tests.commands import cli
from tests.past_sessions import make_app, past_session
from tests.test_library_cli import MINE
from tests.waiting import wait_for

PEOPLE = ("Ann Smith", "Mary-Jane Brown", "Bob")


def summary_with(shared: str, actions: str = "", people: tuple[str, ...] = PEOPLE):
    fmt = load_library().get("balint-group")
    session = Session.new(fmt, people, people[0], clock=FakeClock())
    session.start()
    session.write_note(0, shared)
    if actions:
        session.write_note(0, actions, "action")
    return summarise(session)


def test_an_escape_sequence_against_a_name_does_not_hide_it_from_anonymising() -> None:
    summary = summary_with("\x1b[1mAnn\x1b[0m said it. B\x00ob\x07 too. \x1b[31mMary-Jane\x1b[0m agreed")
    anonymiser = make_anonymiser(PEOPLE)
    for text in (
        render_markdown(summary, anonymiser=anonymiser),
        render_learning_record(summary, "Bob", anonymiser),
    ):
        for name in ("Ann", "Bob", "Mary", "Jane"):
            assert name not in text, (name, text)


def test_each_part_of_a_hyphenated_name_is_hidden() -> None:
    summary = summary_with(
        "Mary said Ann's case was hard; Jane agreed", "Mary will draft the letter by Friday"
    )
    text = render_markdown(summary, anonymiser=make_anonymiser(PEOPLE))
    assert "Mary" not in text and "Jane" not in text
    assert "Mary" not in render_learning_record(summary, "Ann Smith", make_anonymiser(PEOPLE))


def test_an_anonymised_export_of_a_user_format_named_after_someone_hides_it(tmp_path: Path) -> None:
    (tmp_path / "ann-smiths-circle.md").write_text(
        MINE.replace("# Our 60-minute set 🌱", "# Ann Smith's circle")
    )
    fmt = load_library(tmp_path).get("ann-smiths-circle")
    session = Session.new(fmt, PEOPLE, "Ann Smith", clock=FakeClock())
    session.start()
    summary = summarise(session)
    anonymiser = make_anonymiser(PEOPLE)
    text = render_markdown(summary, anonymiser=anonymiser)
    assert "Ann" not in text and "ann-smiths" not in text
    assert "Ann" not in export_filename(summary, anonymised=True, anonymiser=anonymiser)


def test_a_file_with_private_notes_never_takes_the_shareable_files_name() -> None:
    summary = summary_with("shared words")
    assert export_filename(summary) != export_filename(summary, include_private=True)
    assert "private" in export_filename(summary, include_private=True)


def test_the_cli_refuses_a_pseudonym_that_is_someone_elses_name(data_dir: Path) -> None:
    store = SessionStore(data_dir)
    session = past_session(store, datetime(2026, 11, 3, 10, tzinfo=UTC), people=("Ann", "Bob", "Cat"))
    result = cli("export", session.meta.id, "--pseudonym", "Ann=Bob", data_dir=data_dir)
    assert result.returncode == 2
    assert "is the name of Bob" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_export_all_into_an_existing_folder_keeps_its_permissions(data_dir: Path, tmp_path: Path) -> None:
    past_session(SessionStore(data_dir), datetime(2026, 11, 3, 10, tzinfo=UTC))
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2775)
    result = cli("export", "--all", "-o", str(shared), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o2775
    (written,) = shared.iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "records"
    assert cli("export", "--all", "-o", str(fresh), data_dir=data_dir).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_minutes_that_are_not_finite_are_a_problem(value: str) -> None:
    with pytest.raises(FormatError, match="more than 0 and at most 600"):
        parse_format(MINE.replace("- Minutes: 5", f"- Minutes: {value}"), "x.md")


def test_a_file_saved_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    (tmp_path / "bom.md").write_bytes(MINE.encode("utf-8-sig"))
    assert load_library(tmp_path).get("bom") is not None


async def test_a_format_file_quoting_markup_never_stops_the_app(data_dir: Path, tmp_path: Path) -> None:
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    odd = "# Odd\n\n- Source: x\n- [/bold] oops\n\n## Talk\n- Minutes: 1\n- Mode: open\n"
    (folder / "odd [b].md").write_text(odd, encoding="utf-8")
    app = make_app(data_dir, FakeClock(), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        # Format problems join the home screen after the first frame.
        await wait_for(pilot, lambda: "odd [b].md" in str(app.screen.query_one("#problems").render()))
        problems = str(app.screen.query_one("#problems").render())
        assert "odd [b].md" in problems and "'[/bold] oops' is not 'Key: value'" in problems
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ChooseFormatScreen"


def test_render_format_never_writes_a_file_that_reads_differently() -> None:
    for fmt in load_library().formats:
        assert parse_format(render_format(fmt), fmt.path, fmt.origin) == fmt
