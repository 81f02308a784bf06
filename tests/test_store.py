"""Sessions on disk: atomic private files, autosave off the UI thread, the index, failures."""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Note, Session
from peercircle.sessions.files import atomic_write_text, remove_orphan_temps
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.summary import summarise
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import DamagedSession, SessionStore, StoreError, UnknownSession
from tests.conftest import GROUP
from tests.test_index_stamps import index_lines


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(data_dir: Path) -> SessionStore:
    store = SessionStore(data_dir)
    store.prepare()
    return store


def recorded(store: SessionStore, als: Format, clock: FakeClock) -> Session:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "Drift in a duty referral")
    clock.advance(310)
    session.next_phase()
    session.pass_turn()
    clock.advance(60)
    session.end()
    assert saver.close()
    return session


def test_a_recorded_session_reads_back_identically(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = recorded(store, als, clock)
    loaded = store.load(session.meta.id)
    assert loaded.meta == session.meta
    assert loaded.events == session.events
    assert [n.to_dict() for n in loaded.notes] == [n.to_dict() for n in session.notes]
    assert summarise(loaded) == summarise(session)
    assert not loaded.live


def test_files_are_private(store: SessionStore, als: Format, clock: FakeClock, data_dir: Path) -> None:
    session = recorded(store, als, clock)
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "sessions") == 0o700
    assert mode(store.path_for(session.meta.id)) == 0o600
    assert mode(store.index_path) == 0o600


def test_prepare_repairs_a_too_open_folder(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    SessionStore(data_dir).prepare()
    assert mode(data_dir) == 0o700


def test_notes_reach_the_disk_within_a_second_of_typing(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    for i in range(1, 40):
        session.write_note(0, "x" * i)  # one keystroke at a time
    typed = time.monotonic()
    path = store.path_for(session.meta.id)
    while time.monotonic() - typed < 1.0:
        notes = json.loads(path.read_text()).get("notes", {}) if path.exists() else {}
        if any(n["text"] == "x" * 39 for n in notes.values()):
            break
        time.sleep(0.02)
    else:
        pytest.fail("the last keystroke was not on disk within a second")
    saver.close()


def test_a_full_disk_keeps_notes_in_memory_and_retries(
    store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import peercircle.sessions.storage.autosave as autosave

    monkeypatch.setattr(autosave, "RETRY_DELAY", 0.05)
    real_write = store.write_batch
    full = {"on": True}

    def write_batch(*args, **kwargs):
        if full["on"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(*args, **kwargs)

    monkeypatch.setattr(store, "write_batch", write_batch)
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "must survive")
    assert not saver.flush(timeout=0.5)
    assert saver.error is not None and "disk is full" in saver.error
    full["on"] = False  # space is freed
    assert saver.flush(timeout=3)
    assert saver.error is None
    assert store.load(session.meta.id).note_for(0).text == "must survive"
    assert len(store.load(session.meta.id).events) == 1  # the retried write did not duplicate events
    saver.close()


def test_unknown_and_ambiguous_ids(store: SessionStore, als: Format, clock: FakeClock) -> None:
    session = recorded(store, als, clock)
    assert store.resolve(session.meta.id[:15]) == session.meta.id
    with pytest.raises(UnknownSession, match="no session"):
        store.resolve("nope")
    with pytest.raises(UnknownSession):
        store.load("nope")


def test_a_damaged_file_is_reported_and_skipped_in_the_list(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    good = recorded(store, als, clock)
    bad = store.path_for("20261126-0900-dead")
    bad.write_text('{"meta": {"1": {"id": "20261126-0900-dead"', encoding="utf-8")
    with pytest.raises(DamagedSession, match="damaged"):
        store.load("20261126-0900-dead")
    assert [e.id for e in store.list_sessions()] == [good.meta.id]


def test_the_index_is_rebuilt_when_missing_or_broken(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = recorded(store, als, clock)
    store.index_path.unlink()
    entries = store.list_sessions()
    assert [e.id for e in entries] == [session.meta.id]
    assert entries[0].ended and entries[0].group_size == 6
    assert entries[0].length_seconds == pytest.approx(370)
    store.index_path.write_text("not json", encoding="utf-8")
    assert [e.id for e in store.list_sessions()] == [session.meta.id]


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    tmp_path = tmp_path / "w"
    tmp_path.mkdir()
    target = tmp_path / "f.json"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
    (tmp_path / ".tmp-orphan").write_text("half")
    assert remove_orphan_temps(tmp_path) == 1


def test_the_writer_builds_on_the_file_not_on_a_stale_copy(
    store: SessionStore, als: Format, clock: FakeClock, data_dir: Path
) -> None:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    session.start()
    store.write_batch(session.meta.id, session.meta, session.events, [])
    # Another writer (the next process, after this one lost the folder) adds a note...
    other = SessionStore(data_dir)
    other.write_notes(session.meta.id, [Note("0-shared", 0, "from the other writer", "", "")])
    # ...and a batch from this one must keep it, not write back its own older copy.
    store.write_notes(session.meta.id, [Note("1-shared", 1, "from this writer", "", "")])
    texts = sorted(n.text for n in store.load(session.meta.id).notes)
    assert texts == ["from the other writer", "from this writer"]


def test_a_session_file_without_its_details_is_never_written(store: SessionStore) -> None:
    with pytest.raises(StoreError, match="no details"):
        store.write_notes("20261126-0900-none", [Note("0-shared", 0, "orphan", "", "")])
    assert not store.path_for("20261126-0900-none").exists()


def test_a_damaged_index_does_not_stop_saving(store: SessionStore, als: Format, clock: FakeClock) -> None:
    store.index_path.write_text("{not json", encoding="utf-8")
    session = recorded(store, als, clock)
    assert [e.id for e in store.list_sessions()] == [session.meta.id]
    assert list(index_lines(store.index_path)) == [session.meta.id]
