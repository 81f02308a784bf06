"""Writers for ``test_random_kills_...`` to SIGKILL: ``python -m tests.kill_writer DATA_DIR
SESSION_ID`` starts a small fork server.

Starting a fresh interpreter per kill costs seconds on a loaded machine (imports, the
format library), so this process pays for them once and forks one writer per "go" line on
stdin. It has no threads when it forks (it never starts any), which is what makes forking
safe; the test process, which has threads, never forks.

Lines on stdout: "started PID" from the server; "ack EVENTS NOTE_LENGTH" from the writer
after each save it knows is on disk; "reaped PID" once the test has killed the writer
and asked for "reap PID". Everything the writer wrote to the pipe comes before "reaped".
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore


def say(*words: object) -> None:
    """One line in ONE write to the pipe, so it arrives whole or not at all. Not print():
    with PYTHONUNBUFFERED set (as it is on CI machines) print writes each word on its own,
    and a kill between two of them left "ack" glued to the server's next line."""
    os.write(sys.stdout.fileno(), (" ".join(str(w) for w in words) + "\n").encode())


def write_until_killed(data_dir: Path, sid: str, fmt: Format) -> None:
    """Pick the session up where the last writer died; then record an event and type a
    character into a note, as fast as possible, saying after each save what it holds."""
    store = SessionStore(data_dir, writer=True)
    store.prepare()  # clears the temp file a killed writer may have left
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
            say("ack", len(session.events), len(note))


def serve(data_dir: Path, sid: str) -> None:
    fmt = load_library().get("check-in-round")
    assert fmt is not None
    for line in iter(sys.stdin.readline, ""):
        command = line.split()
        if command == ["go"]:
            pid = os.fork()
            if pid == 0:
                try:
                    write_until_killed(data_dir, sid, fmt)
                except BaseException as exc:  # say why, or the test would wait for an ack forever
                    say("failed", f"{exc.__class__.__name__}: {exc}".replace("\n", " "))
                finally:
                    os._exit(1)  # a writer never returns into the server loop
            say("started", pid)
        elif command[:1] == ["reap"]:
            os.waitpid(int(command[1]), 0)
            say("reaped", command[1])


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2])
