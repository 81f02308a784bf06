"""Records leaving the app as files: one place that writes them and says where they went.

When the app runs in a web browser (``textual serve``), the folder it writes to is on the
computer that serves it, which the facilitator may not be sitting at: the record is then
also offered to the browser as a download.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from textual.app import App

from peercircle.sessions.files import atomic_write_text, ensure_export_dir, free_name


def save_record(app: App, filename: str, text: str, what: str = "Saved") -> Path | None:
    """Write ``text`` to ``filename`` in the app's export folder; a toast gives the path
    (or the reason it failed). Returns the path when the file was written."""
    path: Path = app.export_dir / filename  # type: ignore[attr-defined]
    try:
        ensure_export_dir(path.parent)
        path = _own_path(path, text)
        atomic_write_text(path, text)
    except OSError as exc:
        if app.is_web:
            _download(app, path.name, text)
            app.notify(
                f"Could not write {path} on the computer running peercircle ({exc.strerror or exc}); "
                "your browser downloads it instead.",
                title=what,
                severity="warning",
                markup=False,
            )
            return None
        app.notify(
            f"Could not write {path}: {exc.strerror or exc}. Copy (c) still works.",
            title="Not saved",
            severity="error",
            markup=False,
        )
        return None
    if app.is_web:
        _download(app, path.name, text)
        app.notify(
            f"Saved to {path} on the computer running peercircle; your browser downloads a copy.",
            title=what,
            timeout=8,
            markup=False,
        )
        return path
    app.notify(f"Saved to {path}", title=what, timeout=8, markup=False)
    return path


def _download(app: App, name: str, text: str) -> None:
    """Offer ``text`` to the browser as the file ``name`` (a Markdown download)."""
    app.deliver_text(io.StringIO(text), save_filename=name, mime_type="text/markdown", encoding="utf-8")


_SESSION_LINE = re.compile(r'^session: ".*"$', re.MULTILINE)


def _own_path(path: Path, text: str) -> Path:
    """``path``, unless it holds another session's record: then "name (2).md" and so on.

    Saving the same session again replaces its own file; two sessions of one format on
    one day never overwrite each other.
    """
    mine = _SESSION_LINE.search(text)

    def same_session(candidate: Path) -> bool:
        try:
            theirs = _SESSION_LINE.search(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return False
        return bool(mine and theirs and mine.group(0) == theirs.group(0))

    return free_name(path, same_session)
