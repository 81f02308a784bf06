"""Durable records: one writer, crash resume, damaged files, privacy, purge, and kills."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Literal

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.events import EventKind
from peercircle.sessions.engine.session import SCHEMA_VERSION, Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.settings import Settings, parse_age
from peercircle.sessions.storage.store import DamagedSession, IndexEntry, SessionStore
from tests.conftest import GROUP
from tests.test_index_stamps import index_lines

ROOT = Path(__file__).resolve().parent.parent


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
    os.chmod(store.index_path, 0o644)
    store = SessionStore(data_dir, writer=True)  # the next start
    store.prepare()
    assert stat.S_IMODE((data_dir / "sessions").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.index_path.stat().st_mode) == 0o600
    # The session files in the pass over them that the first listing makes anyway: at
    # start, prepare costs the same with 10,000 of them as with none.
    store.list_sessions()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


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


# -- a failure at every write ---------------------------------------------------------------


REAL_REPLACE = os.replace


class Stopped(BaseException):
    """The process stops here: not an error the autosaver can catch and retry."""


@dataclass
class Faults:
    """Wraps ``os.replace``, the step that makes every atomic write visible, for the files
    in one data folder: counts the writes and makes write number ``at`` fail ``how``.

    raise       an OSError instead of the replace (a full disk): the old file stays.
    stop        the process dies before the replace (mid-write of the temp file), leaving
                the temp file, as a kill does (the write's own clean-up never runs then).
    stop-after  the process dies right after the replace, before the write returns.
    """

    root: Path
    at: int = 0
    how: Literal["raise", "stop", "stop-after", ""] = ""
    count: int = 0
    fired: bool = False
    per_file: Counter[str] = field(default_factory=Counter)
    content: dict[Path, bytes] = field(default_factory=dict)
    """What the last counted write put in each file: a file that differs was written some
    other way, a way this test would not cover."""

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def replace(src: str | Path, dst: str | Path) -> None:
            target = Path(dst)
            if not target.is_relative_to(self.root):
                REAL_REPLACE(src, dst)
                return
            self.count += 1
            self.per_file[target.name] += 1
            if self.count == self.at and self.how != "stop-after":
                self.fired = True
                if self.how == "raise":
                    raise OSError(errno.ENOSPC, "No space left on device")
                shutil.copy(src, Path(src).with_name(".tmp-left-by-a-kill"))
                raise Stopped
            REAL_REPLACE(src, dst)
            self.content[target] = target.read_bytes()
            if self.count == self.at:
                self.fired = True
                raise Stopped

        monkeypatch.setattr(os, "replace", replace)
        # Kills are simulated, not power cuts: fsync adds only time here.
        monkeypatch.setattr(os, "fsync", lambda fd: None)


@dataclass(frozen=True)
class Saved:
    """The session as one batch was meant to leave its file."""

    meta: dict
    events: tuple[dict, ...]
    notes: dict[str, dict]

    @classmethod
    def of(cls, session: Session) -> Saved:
        return cls(
            session.meta.to_dict(),
            tuple(e.to_dict() for e in session.events),
            {n.id: n.to_dict() for n in session.notes},
        )


@dataclass
class Record:
    """What the test knows: the batches tried, how many were acknowledged, and how often
    the store was asked to write the session's line in the index and how often it did."""

    batches: list[Saved] = field(default_factory=list)
    acked: int = 0
    index_asked: int = 0
    index_acked: int = 0


def realistic_session(
    data_dir: Path, als: Format, record: Record, failed: Callable[[], None] = lambda: None
) -> Session:
    """A whole session, saved batch by batch by the autosaver on this thread: create,
    start, turns and phases, notes typed across batches, actions, a private note, end.
    ``failed`` runs after a save that failed (and will be retried with the next one)."""
    clock = FakeClock()
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    real_index = store.index_session

    def index_session(session_id: str) -> None:
        record.index_asked += 1
        real_index(session_id)
        record.index_acked = record.index_asked

    store.index_session = index_session  # type: ignore[method-assign]
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)

    def batch() -> None:
        record.batches.append(Saved.of(session))
        if saver.save_now():
            record.acked = len(record.batches)
        else:
            failed()

    batch()  # creation: the details and the index line
    session.start()
    session.write_note(0, "Drift")
    batch()
    for text in ("Drift in a", "Drift in a duty", "Drift in a duty referral"):
        session.write_note(0, text)  # typing: one batch for several keystrokes
    batch()
    clock.advance(300)
    session.next_phase()
    session.next_speaker()
    session.write_note(1, "Ben: what did the family ask for?")
    batch()
    clock.advance(90)
    session.pass_turn()
    session.next_speaker()
    session.write_note(1, "Ben: what did the family ask for?\nDev: who else knows?")
    batch()
    session.toggle_pause()
    clock.advance(45)
    session.toggle_pause()
    session.extend_phase(2)
    batch()
    for _ in range(3):
        clock.advance(400)
        session.next_phase()
        batch()
    session.write_note(4, "- [ ] Aisha calls the GP by Friday", "action")
    batch()
    session.write_note(4, "- [x] Aisha calls the GP by Friday\n- [ ] Ben reads the policy", "action")
    session.write_note(4, "Felt rushed in round two", "private")
    batch()
    clock.advance(200)
    session.end()
    session.write_note(0, "Drift in a duty referral (Aisha)")
    batch()
    assert saver.close()
    return session


def check_disk(data_dir: Path, faults: Faults, record: Record) -> None:
    """Every file left loads and holds a batch between the last acknowledged one and the
    one being written, whole; the index's line says what the file version it names says,
    and the history lists what the file says."""
    sid = record.batches[0].meta["id"]
    reader = SessionStore(data_dir, writer=False)
    path, index = reader.path_for(sid), reader.index_path
    for written in (path, index):
        if written.exists():
            assert written.read_bytes() == faults.content.get(written), f"{written.name} written uncounted"
    if not path.exists():
        assert record.acked == 0, "an acknowledged session file is gone"
    else:
        loaded = reader.load(sid)  # raises if the file does not load
        on_disk = Saved.of(loaded)
        candidates = record.batches[max(record.acked - 1, 0) :]
        assert on_disk in candidates, (
            f"the file holds none of batches {max(record.acked, 1)}..{len(record.batches)} "
            f"({len(on_disk.events)} events, notes {sorted(on_disk.notes)})"
        )
    listed = [IndexEntry.from_session(reader.load(sid))] if path.exists() else []
    assert reader.list_sessions() == listed
    if not index.exists():
        assert record.index_acked == 0, "an acknowledged index is gone"
        return
    lines = index_lines(index)
    assert list(lines) == [sid]
    entry, version = lines[sid]
    st = path.stat()
    assert version == [st.st_size, st.st_mtime_ns]  # written at the end, from the last version
    assert entry == listed[0].to_dict()


@pytest.mark.parametrize("how", ["raise", "stop", "stop-after"])
def test_a_failure_at_any_write_leaves_every_file_loadable_and_a_prefix(
    tmp_path: Path, als: Format, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The whole session once, counting its writes; then once per write, failing at it.
    After a raise the autosaver retries and nothing is lost; after a stop, a new writer
    starts cleanly on what is left."""
    counted, whole = Faults(tmp_path / "count"), Record()
    counted.install(monkeypatch)
    full = realistic_session(counted.root, als, whole)
    writes = counted.count
    # Exactly one write of the session file per batch (every batch here changes it); the
    # index once, as the session is closed (never per event); and nothing else.
    assert counted.per_file[f"{full.meta.id}.json"] == len(whole.batches) >= 12
    assert counted.per_file["index.json"] == whole.index_asked == 1
    assert writes == counted.per_file[f"{full.meta.id}.json"] + counted.per_file["index.json"]
    for at in range(1, writes + 1):
        root = tmp_path / f"{how}-{at}"
        faults, record = Faults(root, at, how), Record()
        faults.install(monkeypatch)
        try:
            session = realistic_session(root, als, record, partial(check_disk, root, faults, record))
        except Stopped:
            session = None
        assert faults.fired
        check_disk(root, faults, record)
        if session is not None:  # a raised error was retried: in the end all of it is saved
            assert how == "raise"
            reader = SessionStore(root, writer=False)
            assert Saved.of(reader.load(session.meta.id)) == Saved.of(session)
            assert reader.list_sessions() == [IndexEntry.from_session(session)]
        else:  # stopped: the next writer clears the temp files and opens what is left
            after = SessionStore(root, writer=True)
            after.prepare()
            after.list_sessions()
            assert after.quarantined == []
            assert not list(root.rglob(".tmp-*"))  # the next writer cleared them


# -- killed at random moments --------------------------------------------------------------


@dataclass
class Writers:
    """The fork server of tests/kill_writer.py: a fresh, single-threaded interpreter that
    forks the writers, so this (threaded) process never forks."""

    proc: subprocess.Popen[str]

    @classmethod
    def start(cls, data_dir: Path, sid: str) -> Writers:
        command = [sys.executable, "-m", "tests.kill_writer", str(data_dir), sid]
        return cls(
            subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        )

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def line(self) -> list[str]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.endswith("\n"), f"the writer server stopped (exit {self.proc.wait()})"
        assert not line.startswith("failed"), line
        return line.split()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def test_random_kills_never_leave_an_unreadable_or_reordered_file(data_dir: Path, request) -> None:
    """Writers record events and type as fast as they can and are SIGKILLed at random
    moments; after each kill every file must load and hold at least what the writer
    acknowledged, at most one save more, in order."""
    kills = int(request.config.getoption("--kills"))
    sid = "20261126-1000-fau1"
    rng = random.Random(20261126)
    reader = SessionStore(data_dir, writer=False)
    writers = Writers.start(data_dir, sid)
    pid = None
    try:
        for _ in range(kills):
            writers.send("go")
            acks: list[tuple[int, int]] = []
            while pid is None or not acks:  # it has saved at least once: kill it any time now
                match writers.line():
                    case ["started", number]:
                        pid = int(number)
                    case ["ack", events, note]:
                        acks.append((int(events), int(note)))
            time.sleep(rng.uniform(0, 0.03))  # a random moment, not a wait for something
            os.kill(pid, signal.SIGKILL)
            writers.send(f"reap {pid}")
            while (words := writers.line())[0] != "reaped":  # all it said before it died
                acks.append((int(words[1]), int(words[2])))
            pid = None
            events, note = acks[-1]
            session = reader.load(sid)  # must always load
            seqs = [e.seq for e in session.events]
            assert seqs == list(range(1, len(seqs) + 1))  # in order, nothing missing between
            assert events <= len(seqs) <= events + 1  # all it acknowledged, at most the save under way
            text = session.note_for(0).text
            assert text == "x" * len(text) and note <= len(text) <= note + 1
            assert [e.id for e in reader.list_sessions()] == [sid]
    finally:
        if pid is not None:
            # It may be reaped already: that must not hide the failure that brought us here.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        writers.stop()
