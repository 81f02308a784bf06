"""The group agreement read out at the start of a session.

The default ships in ``content/agreement.md``. When a facilitator edits it, their version
is kept as ``agreement.md`` in the data folder and used from then on; each session stores
the text it opened with, so a record always shows what the group agreed that day.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from peercircle.sessions.files import atomic_write_text, ensure_private_dir

FILE_NAME = "agreement.md"
"""The shipped default's name in ``content/``; the facilitator's copy is ``DataFolder.agreement``."""
MAX_CHARS = 20_000


def default_agreement() -> str:
    return resources.files("peercircle.content").joinpath(FILE_NAME).read_text(encoding="utf-8")


# These take the file's path (``DataFolder.agreement``): the library sits below storage and
# does not know the data folder's layout.


def load_agreement(path: Path) -> str:
    """The facilitator's own agreement if they have saved one, else the default."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return default_agreement()
    return text if text.strip() else default_agreement()


def save_agreement(path: Path, text: str) -> None:
    """Keep the edited agreement for next time (owner-only, written atomically)."""
    ensure_private_dir(path.parent)
    atomic_write_text(path, text[:MAX_CHARS].rstrip() + "\n")


def reset_agreement(path: Path) -> None:
    path.unlink(missing_ok=True)


def agreement_line(text: str) -> str:
    """The agreement in one line: its section headings joined, or its first line."""
    headings = [m.strip() for m in re.findall(r"^##\s+(.+?)\s*#*\s*$", text, flags=re.MULTILINE)]
    if headings:
        return "; ".join(headings)
    # Without headings every line is kept: the record's line is the only place the group's
    # own words appear, and "the first line" dropped the rest of what was agreed.
    out = ""
    for raw in text.splitlines():
        line = raw.strip().lstrip("#-*> ").strip()
        if not line:
            continue
        if out:
            listed = raw.lstrip()[:1] in "-*" or (line[:1].isupper() and out[-1] not in ".!?:;,")
            out += "; " if listed and out[-1] not in ".!?:;," else " "
        out += line
    return out
