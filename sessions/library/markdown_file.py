"""What format files and deck files share: their problems, and the small text helpers both use."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FormatProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class FormatError(Exception):
    """A format file that cannot be used; carries every problem found."""

    def __init__(self, path: str, problems: list[FormatProblem]) -> None:
        self.path = path
        self.problems = problems
        first = problems[0] if problems else FormatProblem(1, "unknown problem")
        super().__init__(f"{path}: {first}")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "format"


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """Undo CommonMark backslash escapes, so a name written by ``render_format`` reads back as typed."""
    return _ESCAPED.sub(r"\1", text)
