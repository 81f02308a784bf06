"""What format files and deck files share: their problems, and the small text helpers both use."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from peercircle.sessions.files import size_text

MAX_FILE_BYTES = 64 * 1024
"""The largest format or deck file read. The built-in ones are 1-3 KB, and one with 50 long
phases is under 40 KB, so a real file has room to spare. The chooser reads the files on the
UI thread and markdown-it is pure Python: 64 KB of the slowest Markdown measured (nested
quotes and lists) parses in half a second here; 256 KB took four. A bigger file is some other
file saved with a .md name, not a format someone wrote."""


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


def read_limited(path: Path, kind: str = "format") -> str:
    """The text of a format or deck file, refused with a FormatError when it is not a
    regular file or is larger than MAX_FILE_BYTES. Only that much is ever read: the size is
    checked before reading, and the read stops there too (the file may grow meanwhile).

    OSError and UnicodeDecodeError are left to the caller, which reports them already."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        # Opening a named pipe for reading waits for a writer: the app would never start.
        raise FormatError(str(path), [FormatProblem(1, f"not a regular file; a {kind} file is a text file")])
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
        size = max(info.st_size, os.fstat(handle.fileno()).st_size, len(data))
    if len(data) > MAX_FILE_BYTES:
        line = data[:MAX_FILE_BYTES].count(b"\n") + 1  # where the limit is passed
        raise FormatError(
            str(path),
            [
                FormatProblem(
                    line,
                    f"the file is larger than {size_text(MAX_FILE_BYTES)} (it is {size_text(size)}); "
                    f"a {kind} file is a few KB, so this is probably not one",
                )
            ],
        )
    # As Path.read_text would: any line ending becomes "\n".
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "format"


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """Undo CommonMark backslash escapes, so a name written by ``render_format`` reads back as typed."""
    return _ESCAPED.sub(r"\1", text)
