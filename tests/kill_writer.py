"""The writer that ``test_random_kills_...`` SIGKILLs: run as ``python -m tests.kill_writer
DATA_DIR SESSION_ID``.

It imports everything, then waits for a line on stdin before it touches the folder, so
the test can start the next writer while the current one is still running (and killed)
without two writers ever sharing the folder. Then it picks the session up where the
last writer died and, as fast as it can, records an event and types a character into a
note. After each save it prints what is now acknowledged as on disk: "<events> <note
length>", one line per save, so the test knows the least the disk must hold.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore


def main(data_dir: Path, sid: str) -> None:
    fmt = load_library().get("check-in-round")
    assert fmt is not None
    if not sys.stdin.readline():  # the test let go of this writer without starting it
        return
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    clock = FakeClock()
    if store.path_for(sid).exists():
        session = store.load(sid, clock=clock)
        session.live = True
    else:
        session = Session.new(fmt, ("A", "B", "C"), None, clock=clock)
        session.meta = dataclasses.replace(session.meta, id=sid)
    saver = Autosaver(store, session).start()
    if not session.started:
        session.start()
    note = session.note_for(0).text if session.note_for(0) else ""
    while True:
        clock.advance(1)
        session.toggle_pause()
        note += "x"
        session.write_note(0, note)
        if saver.flush():
            # One short write to a pipe: the line arrives whole or not at all.
            print(len(session.events), len(note), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
