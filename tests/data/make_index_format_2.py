"""Makes ``tests/data/index-format-2/``: a data folder as the release before index format 3
left it (a format-2 index: one JSON document of rows, each with its file's version), for
``tests/test_list_index.py``'s migration tests.

It was run once with that release's code first on the path, from a checkout of commit
9441af8 (``git worktree add --detach DIR 9441af8``)::

    PYTHONPATH=DIR python tests/data/make_index_format_2.py tests/data/index-format-2

Run with this release's code it would write format 3, which is no fixture for a migration.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore


def run(
    store: SessionStore, fmt, people, presenter, when: datetime, sid: str, end: bool = True, **notes: str
):
    clock = FakeClock(wall=when)
    session = Session.new(fmt, people, presenter, clock=clock)
    session.meta = dataclasses.replace(session.meta, id=sid)  # fixed ids: the fixture is in git
    saver = Autosaver(store, session).start(background=False)
    session.start()
    for kind, text in notes.items():
        session.write_note(0, text, kind)
    clock.advance(95)
    session.next_speaker()
    clock.advance(330)
    session.add_person("Late Lou")
    session.next_phase()
    clock.advance(200)
    if end:
        session.end()
    assert saver.close()
    return session


def main(folder: Path) -> None:
    library = load_library()
    store = SessionStore(folder, writer=True)
    store.prepare()
    balint, check_in = library.get("balint-group"), library.get("check-in-round")
    named = dataclasses.replace(check_in, name="Peer review — “quick” ✓")
    run(
        store,
        check_in,
        ("Zoë", "Łukasz", "Ann"),
        None,
        datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        "20260302-0930-a1b2",
    )
    run(
        store,
        balint,
        ("Aisha", "Ben", "Ciara", "Dev"),
        "Ben",
        datetime(2026, 3, 9, 14, 0, tzinfo=UTC),
        "20260309-1400-c3d4",
        action="- [ ] Ben reads the policy\n- [x] Aisha calls the GP",
        shared="A #note",
    )
    # Two sessions started in the same minute: listed by id within it.
    run(store, named, ("Ann", "Bob"), None, datetime(2026, 3, 16, 10, 0, tzinfo=UTC), "20260316-1000-ffff")
    run(store, named, ("Ann", "Cat"), None, datetime(2026, 3, 16, 10, 0, tzinfo=UTC), "20260316-1000-0000")
    # Left running when the app was killed; the next run listed it as its file had it.
    run(
        store,
        balint,
        ("Dev", "Eilidh", "Fraser"),
        "Dev",
        datetime(2026, 3, 23, 18, 5, tzinfo=UTC),
        "20260323-1805-beef",
        end=False,
        action="- [ ] Fraser books the room",
    )
    store.rebuild_index()
    raw = json.loads(store.index_path.read_text(encoding="utf-8"))
    assert "rows" in raw and raw["fields"][-2:] == ["file_size", "file_mtime_ns"], "not format 2"
    for beat in folder.glob("sessions/*.alive"):
        beat.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
