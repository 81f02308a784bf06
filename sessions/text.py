"""Typed or pasted text made plain: no terminal escape sequences or control characters.

Notes are written in a terminal and pasted from anywhere; what a person could not see on
screen (colour codes, bells, direction overrides that disguise text) must not travel on
into a note, an export or a name match.
"""

from __future__ import annotations

import re

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks, clipboard
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b.?"  # any other escape
    r"|[\x00-\x08\x0e-\x1f\x7f-\x9f]"  # C0 (but tab and newline) and C1 controls
    r"|[\u202a-\u202e\u2066-\u2069]"  # direction overrides and isolates (they can disguise text)
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What either substitution would change. Tab and newline are left out: neither changes
# them, and nearly every note holds a newline, so with them in, a note of 100 KB went
# through both substitutions at every key (8 ms a key; 98 ms at 1 MB).
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def clean_text(text: str) -> str:
    """Text with line endings made "\\n" and escape sequences and control characters gone."""
    if not _NEEDS_CLEANING.search(text):
        return text
    text = _CONTROL.sub("", _NEWLINES.sub("\n", text))
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate made U+FFFD. A lone surrogate (half of a UTF-16
    pair, from a broken paste or a caller of the API) cannot be written as UTF-8: one in a
    note made every later save of the session fail."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def terminal_safe(text: str) -> str:
    """``text`` with escape sequences and control characters gone but its line breaks and
    carriage returns kept as they are: for writing user text (a format's name, a path) to
    a terminal, where an escape sequence could clear the screen or set the clipboard."""
    if not _NEEDS_CLEANING.search(text):
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))
