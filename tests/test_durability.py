"""Durable records: one writer, crash resume, damaged files, privacy, purge, and kills."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.events import EventKind
from peercircle.sessions.engine.session import SCHEMA_VERSION, Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.settings import Settings, parse_age
from peercircle.sessions.storage.store import DamagedSession, SessionStore
from tests.conftest import GROUP

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(data_dir: Path) -> SessionStore:
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    return store


def recorded(store: SessionStore, fmt: Format, clock: FakeClock, end: bool = True) -> Session:
    session = Session.new(fmt, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "A note worth keeping")
    clock.advance(120)
    if end:
        session.end()
    assert saver.close()
    return session


# -- one writer ----------------------------------------------------------------------------


HOLDER = """
import sys, time
from pathlib import Path
from peercircle.sessions.storage.lock import FolderLock
lock = FolderLock(Path(sys.argv[1]))
assert lock.acquire() is None
print("held", flush=True)
time.sleep(60)
"""


def hold_lock_in_child(data_dir: Path) -> subprocess.Popen[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_a_second_writer_is_told_which_process_holds_the_folder(data_dir: Path) -> None:
    child = hold_lock_in_child(data_dir)
    try:
        assert FolderLock(data_dir).acquire() == child.pid
    finally:
        child.kill()
        child.wait()


def test_a_lock_left_by_a_killed_process_is_taken_over(data_dir: Path) -> None:
    child = hold_lock_in_child(data_dir)
    child.send_signal(signal.SIGKILL)
    child.wait()
    lock = FolderLock(data_dir)
    assert lock.acquire() is None
    assert lock.took_over_from == child.pid
    lock.release()


def test_two_locks_in_one_process_exclude_each_other(data_dir: Path) -> None:
    data_dir.mkdir()
    first, second = FolderLock(data_dir), FolderLock(data_dir)
    assert first.acquire() is None
    assert second.acquire() == os.getpid()
    first.release()
    assert second.acquire() is None
    second.release()


def test_a_reader_never_writes(data_dir: Path, store: SessionStore, als: Format, clock: FakeClock) -> None:
    recorded(store, als, clock)
    store.index_path.unlink()
    reader = SessionStore(data_dir, writer=False)
    assert len(reader.list_sessions()) == 1
    assert not reader.index_path.exists()  # it rebuilt the list in memory only


# -- damaged files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b'{"meta": {"1": {"id": "x", "format"',  # truncated
        b"\x00\x00\x00garbage",  # not JSON
        b'{"meta": {"1": {"id": "x"}}, "events": {}}',  # JSON, wrong shape
        b"[1, 2, 3]",  # JSON, not an object
    ],
)
def test_a_damaged_session_is_quarantined_and_the_rest_opens(
    store: SessionStore, als: Format, clock: FakeClock, content: bytes
) -> None:
    good = recorded(store, als, clock)
    bad = store.path_for("20261120-0900-dead")
    bad.write_bytes(content)
    entries = store.list_sessions()
    assert [e.id for e in entries] == [good.meta.id]
    assert not bad.exists()
    moved = list(store.quarantine_dir.iterdir())
    assert len(moved) == 1 and moved[0].read_bytes() == content
    assert any("20261120-0900-dead.json" in m and "quarantine" in m for m in store.quarantined)


def test_a_file_from_a_newer_peercircle_is_left_alone(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = recorded(store, als, clock)
    path = store.path_for(session.meta.id)
    raw = json.loads(path.read_text())
    raw["meta"]["1"]["schema"] = 99
    path.write_text(json.dumps(raw))
    with pytest.raises(DamagedSession, match="newer peercircle"):
        store.load(session.meta.id)
    assert path.exists()


def test_a_version_1_file_is_migrated(store: SessionStore, als: Format, clock: FakeClock) -> None:
    session = recorded(store, als, clock)
    path = store.path_for(session.meta.id)
    raw = json.loads(path.read_text())
    meta = raw["meta"]["1"]
    meta["schema"] = 1
    meta["presenter"] = meta.pop("presenters")[0]
    del meta["seed"]
    path.write_text(json.dumps(raw))
    loaded = store.load(session.meta.id)
    assert loaded.meta.presenters == ("Aisha",)
    assert loaded.meta.schema == SCHEMA_VERSION


# -- privacy and purging -------------------------------------------------------------------


def test_start_repairs_permissions(
    store: SessionStore, als: Format, clock: FakeClock, data_dir: Path
) -> None:
    session = recorded(store, als, clock)
    path = store.path_for(session.meta.id)
    os.chmod(path, 0o644)
    os.chmod(data_dir / "sessions", 0o755)
    store.prepare()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((data_dir / "sessions").stat().st_mode) == 0o700


def test_purge_removes_old_sessions_everywhere(store: SessionStore, als: Format, data_dir: Path) -> None:
    old_clock = FakeClock()
    old = recorded(store, als, old_clock)
    new_clock = FakeClock(wall=old_clock.wall + timedelta(days=100))
    new = recorded(store, als, new_clock)
    removed = store.purge(90, new_clock.now())
    assert [e.id for e in removed] == [old.meta.id]
    assert not store.path_for(old.meta.id).exists()
    assert [e.id for e in store.list_sessions()] == [new.meta.id]
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert old.meta.id not in path.read_text(errors="replace"), path


def test_delete_removes_the_file_and_the_index_line(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = recorded(store, als, clock)
    store.delete(session.meta.id)
    assert not store.path_for(session.meta.id).exists()
    assert store.list_sessions() == []
    assert session.meta.id not in store.index_path.read_text()


def test_retention_setting_round_trips(data_dir: Path) -> None:
    data_dir.mkdir()
    assert Settings.load(data_dir).retention_days is None
    Settings(retention_days=parse_age("12w")).save(data_dir)
    assert Settings.load(data_dir).retention_days == 84
    assert stat.S_IMODE((data_dir / "settings.json").stat().st_mode) == 0o600
    with pytest.raises(ValueError):
        parse_age("soon")


# -- crash resume --------------------------------------------------------------------------


def test_reopen_restores_the_time_at_the_kill_paused(store: SessionStore, als: Format) -> None:
    clock = FakeClock()
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    clock.advance(400)
    session.next_phase()  # clarifying questions, Ben asks
    session.next_speaker()  # Ciara
    clock.advance(95)
    saver.close()  # stands in for the process dying; then its last heartbeat, written by hand:
    store.write_alive(session.meta.id, clock.monotonic_ns(), clock.now().isoformat())
    # The process dies here. Ten minutes later the facilitator starts peercircle again.
    clock.advance(600)
    back = store.load(session.meta.id, clock=clock)
    back.live = True
    event = back.reopen(*store.read_alive(session.meta.id))
    assert event is not None and event.kind is EventKind.REOPEN
    view = back.view()
    assert view.paused
    assert view.step_index == 1 and view.speaker == "Ciara"
    assert view.remaining == pytest.approx(600 - 95)
    clock.advance(30)
    assert back.view().remaining == pytest.approx(600 - 95)  # paused until the facilitator resumes
    back.resume()
    clock.advance(5)
    assert back.view().remaining == pytest.approx(600 - 100)


# -- killed at random moments --------------------------------------------------------------


def write_until_killed(data_dir: Path, sid: str, ready: int) -> None:
    """The child's whole life: pick up the session, then record and type as fast as it can."""
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    clock = FakeClock()
    if store.path_for(sid).exists():
        session = store.load(sid, clock=clock)
        session.live = True
    else:
        fmt = load_library().get("check-in-round")
        session = Session.new(fmt, ("A", "B", "C"), None, clock=clock)
        session.meta = dataclasses.replace(session.meta, id=sid)
    saver = Autosaver(store, session).start()
    if not session.started:
        session.start()
    os.write(ready, b"r")
    note = session.note_for(0).text if session.note_for(0) else ""
    while True:
        clock.advance(1)
        session.toggle_pause()
        note += "x"
        session.write_note(0, note)
        saver.flush()


def test_random_kills_never_leave_an_unreadable_or_reordered_file(data_dir: Path, request) -> None:
    """Forked children (no interpreter start-up each time) write events and notes in a loop
    and are SIGKILLed at random moments; every file must load and hold a prefix."""
    kills = int(request.config.getoption("--kills"))
    sid = "20261126-1000-fau1"
    rng = random.Random(20261126)
    store = SessionStore(data_dir, writer=False)
    previous_events, previous_note = 0, 0
    for _ in range(kills):
        ready_read, ready_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(ready_read)
                write_until_killed(data_dir, sid, ready_write)
            finally:
                os._exit(1)
        os.close(ready_write)
        assert os.read(ready_read, 1) == b"r"
        os.close(ready_read)
        time.sleep(rng.uniform(0, 0.02))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        session = store.load(sid)  # must always parse
        seqs = [e.seq for e in session.events]
        assert seqs == list(range(1, len(seqs) + 1))  # a prefix: nothing missing in between
        assert len(seqs) >= previous_events  # and nothing written before was lost
        note = session.note_for(0).text if session.note_for(0) else ""
        assert note == "x" * len(note) and len(note) >= previous_note
        previous_events, previous_note = len(seqs), len(note)
    assert previous_events > kills // 2  # the children did get work done between kills
