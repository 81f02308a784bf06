"""Cleaning text where it enters costs nothing for ordinary text, and cleans exactly as before."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercircle.sessions import text as text_module
from peercircle.sessions.text import clean_text, terminal_safe

HOSTILE = st.text(
    alphabet=st.sampled_from(
        list("ab é\t\n\r[]01;~")
        + ["\x1b", "\x07", "\x0b", "\x0c", "\x85", "\u2028", "\u202e", "\u2066", "\x9b", "\ud800"]
    ),
    max_size=60,
)


def plain_clean(value: str) -> str:
    """clean_text without its shortcut: both substitutions, always."""
    value = text_module._CONTROL.sub("", text_module._NEWLINES.sub("\n", value))
    return text_module._SURROGATE.sub("\ufffd", value)


@given(HOSTILE)
def test_the_shortcut_changes_nothing(value: str) -> None:
    assert clean_text(value) == plain_clean(value)
    assert terminal_safe(value) == text_module._SURROGATE.sub("\ufffd", text_module._CONTROL.sub("", value))


class _Counting:
    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls = pattern, 0

    def sub(self, repl: str, value: str) -> str:
        self.calls += 1
        return self.pattern.sub(repl, value)

    def search(self, value: str) -> re.Match[str] | None:
        return self.pattern.search(value)


def test_a_note_of_lines_and_tabs_is_not_run_through_the_substitutions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every key typed into a note cleans the whole note: with newlines counted as needing
    # cleaning, a 100 KB note went through both substitutions at every key (8 ms a key).
    control, newlines = _Counting(text_module._CONTROL), _Counting(text_module._NEWLINES)
    monkeypatch.setattr(text_module, "_CONTROL", control)
    monkeypatch.setattr(text_module, "_NEWLINES", newlines)
    note = "Ann: what helped\n\tthe duty team rang back\n" * 2000
    assert clean_text(note) is note
    assert terminal_safe(note) is note
    assert (control.calls, newlines.calls) == (0, 0)
    assert clean_text("bell\x07 and\r\nCRLF") == "bell and\nCRLF"
    assert control.calls == newlines.calls == 1
