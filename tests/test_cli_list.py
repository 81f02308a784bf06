"""``peercircle list`` writes its rows in one go (issue 14: 10,000 sessions), and says
exactly what printing row by row said: each row made terminal-safe on its own."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.library.formats import Format
from peercircle.tui import cli as cli_module
from tests.commands import cli
from tests.test_cli import record

# What an escape sequence needs to run on (or stop): OSC and DCS strings run to the next BEL
# or ESC, so cleaning the rows as one text would let one swallow the rows after it.
HOSTILE = (
    "\x1b]0;",
    "\x1bP",
    "\x1b[31m",
    "\x1b",
    "\x07",
    "\x9b",
    "\x00",
    "\u202e",
    "\ud800",
    "\r",
    "\t",
    "\n",
)
row_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=5)), max_size=8).map("".join)


def printed_row_by_row(rows: list[str]) -> str:
    """What ``list`` wrote before: one print per row, through the terminal-safe stream."""
    out = io.StringIO()
    safe = cli_module._SafeStream(out)
    for row in rows:
        print(row, file=safe)
    return out.getvalue()


def written_at_once(rows: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr("sys.stdout", cli_module._SafeStream(out))
        cli_module._write_rows(rows)
    return out.getvalue()


@settings(max_examples=300)
@given(st.lists(row_text, min_size=1, max_size=6))
def test_rows_written_at_once_read_as_printed_one_by_one(rows: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert written_at_once(rows, monkeypatch) == printed_row_by_row(rows)


def test_an_escape_sequence_in_one_row_never_swallows_the_next(
    data_dir: cli_module.Path, als: Format, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = ["first \x1b]0;unterminated title", "second", "third \x1bPdcs", "fourth"]
    assert written_at_once(rows, monkeypatch) == "first \nsecond\nthird \nfourth\n"


def test_list_of_sessions_with_a_hostile_format_name(data_dir: cli_module.Path, als: Format) -> None:
    clock = FakeClock()
    ids = []
    for name in ("Plain", "Evil\x1b]0;set the title", "After"):
        clock.advance(timedelta(days=1).total_seconds())
        ids.append(record(data_dir, dataclasses.replace(als, name=name), clock).meta.id)
    result = cli("list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:]] == ids[::-1]  # newest first, none swallowed
    assert "\x1b" not in result.stdout
    evil = next(line for line in lines if line.startswith(ids[1]))
    assert "Evil" in evil and "title" not in evil
