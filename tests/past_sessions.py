"""Past sessions on disk, as earlier runs of the app would have left them (for the history,
summary and clipboard tests)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.storage.store import IndexEntry, SessionStore
from peercircle.tui.app import PeerCircleApp

# The built-in formats, read once per process (formats are frozen; nothing here changes the library).
builtin_library = functools.cache(load_library)


def make_app(data_dir: Path, clock: FakeClock, tmp_path: Path) -> PeerCircleApp:
    return PeerCircleApp(
        data_dir=data_dir, clock=clock, export_dir=tmp_path / "exports", refresh_interval=3600
    )


def past_session(
    store: SessionStore,
    when: datetime,
    format_id: str = "balint-group",
    people: tuple[str, ...] = ("Aisha", "Ben", "Ciara"),
    shared: str = "",
    actions: str = "",
    private: str = "",
    end: bool = True,
) -> Session:
    """A session run at ``when`` with notes in its first step, saved and indexed."""
    fmt = builtin_library().get(format_id)
    assert fmt is not None
    clock = FakeClock(wall=when.replace(tzinfo=when.tzinfo or UTC))
    session = Session.new(fmt, people, people[0] if fmt.needs_presenter else None, clock=clock)
    session.start()
    for kind, text in (("shared", shared), ("action", actions), ("private", private)):
        if text:
            session.write_note(0, text, kind)
    clock.advance(600)
    if end:
        session.end()
    store.prepare()
    store.write_meta(session.meta)
    store.append_events(session.meta.id, session.events)
    store.write_notes(session.meta.id, session.notes)
    store.close(session.meta.id)
    store.update_index(IndexEntry.from_session(session))
    return session
