"""The history at any size: saves never write the index, each index line names the file
version it was computed from, a listing opens only the files that changed, and start-up
does not look at each session file.

These count what is done (files opened, bytes encoded, folders walked), never time.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from tinydb import TinyDB

import peercircle.sessions.storage.atomic as atomic
import peercircle.sessions.storage.store as store_module
from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import IndexEntry, SessionStore
from tests.conftest import GROUP, loads_counted


def index_lines(path: Path) -> dict[str, tuple[dict, list[int]]]:
    """The index by session id, in its order: (its entry as a dict, [file size, file
    mtime_ns]). Read here as the format says (index.py), not through the store."""
    first, rest = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert first["index"] == 3
    columns = dict(zip(first["fields"], first["columns"], strict=True))
    columns |= dict(zip(rest["fields"], rest["columns"], strict=True))
    stamp = ("file_size", "file_mtime_ns")
    names = [name for name in columns if name not in stamp]
    rows = zip(*columns.values(), strict=True)
    return {
        row["id"]: ({name: row[name] for name in names}, [row[name] for name in stamp])
        for row in (dict(zip(columns, values, strict=True)) for values in rows)
    }


def as_legacy_index(path: Path, drop: tuple[str, ...] = ()) -> None:
    """The index as the release before this one wrote it (a TinyDB table of entries, no
    file versions), less the fields ``drop`` (as releases before those fields wrote it)."""
    entries = [entry for entry, _ in index_lines(path).values()]
    table = {str(i + 1): {k: v for k, v in entry.items() if k not in drop} for i, entry in enumerate(entries)}
    path.write_text(json.dumps({"sessions": table}), encoding="utf-8")


def recorded(store: SessionStore, als: Format, clock: FakeClock, end: bool = True) -> Session:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    session.write_note(0, "A note worth keeping")
    clock.advance(120)
    session.next_phase()
    if end:
        session.end()
    assert saver.close()
    return session


def replaces_of(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[Path]:
    """Every atomic replace of ``target`` from now on."""
    done: list[Path] = []
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == target:
            done.append(Path(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return done


def test_a_speaker_change_or_pause_never_writes_the_index(
    store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: every event rewrote the whole index (183 ms a speaker change at 10,000 sessions).
    recorded(store, als, clock)
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    assert saver.save_now()
    index_writes = replaces_of(monkeypatch, store.index_path)
    for _ in range(5):
        clock.advance(30)
        session.next_phase()
        session.next_speaker()
        session.toggle_pause()
        assert saver.save_now()
    assert index_writes == []
    session.end()
    assert saver.save_now()
    assert len(index_writes) == 1  # once, as the session ends, from its file
    assert saver.close()
    assert len(index_writes) == 1


def test_a_session_left_running_is_listed_as_its_file_says(
    data_dir: Path, store: SessionStore, als: Format, clock: FakeClock
) -> None:
    # Before: the line came from the last event; an action typed after it never reached
    # the index, and a crash left it saying there was none.
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    assert saver.save_now()
    assert saver.close()  # the app closed it once: its line is in the index
    assert [e.open_actions for e in SessionStore(data_dir, writer=False).list_sessions()] == [0]
    # Resumed; an action typed and saved; then the process is killed (no close).
    store = SessionStore(data_dir, writer=True)
    session = store.load(session.meta.id, clock=clock)
    session.live = True
    saver = Autosaver(store, session).start(background=False)
    session.write_note(0, "- [ ] Ben calls the GP", "action")
    assert saver.save_now()
    reader = SessionStore(data_dir, writer=False)
    assert [(e.open_actions, e.ended) for e in reader.list_sessions()] == [(1, False)]
    assert reader.list_sessions() == [IndexEntry.from_session(reader.load(session.meta.id))]
    # The next writer's listing writes the corrected line.
    SessionStore(data_dir, writer=True).list_sessions()
    assert [entry["open_actions"] for entry, _ in index_lines(store.index_path).values()] == [1]


def test_a_listing_opens_only_the_files_that_changed(
    data_dir: Path, store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: every listing read both ends of every file (38 ms per 1,000 files).
    sessions = [recorded(store, als, clock) for _ in range(4)]
    store.list_sessions()
    opened: list[str] = []
    real_open = open

    def counting_open(file: str | Path, *args: object, **kwargs: object) -> object:
        opened.append(Path(file).name)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(store_module, "open", counting_open, raising=False)
    assert len(SessionStore(data_dir, writer=False).list_sessions()) == 4
    assert opened == []
    changed = store.path_for(sessions[1].meta.id)
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    assert len(SessionStore(data_dir, writer=False).list_sessions()) == 4
    assert set(opened) == {changed.name}


def test_start_does_not_look_at_each_session_file(
    data_dir: Path, store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: prepare() statted and chmodded every file at every start (198 ms at 10,000).
    recorded(store, als, clock)
    sessions = store.sessions_dir
    looked: list[str] = []
    real_stat, real_scandir = os.stat, os.scandir

    def watched_stat(path: str | Path, *args: object, **kwargs: object) -> os.stat_result:
        if Path(path).parent == sessions:
            looked.append(f"stat {Path(path).name}")
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def watched_scandir(path: str | Path = ".") -> object:
        if Path(path) == sessions:
            looked.append("scandir sessions")
        return real_scandir(path)

    monkeypatch.setattr(os, "stat", watched_stat)
    monkeypatch.setattr(os, "scandir", watched_scandir)
    SessionStore(data_dir, writer=True).prepare()
    assert looked == []


def test_the_first_listing_after_start_tidies_the_session_files(
    data_dir: Path, store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = recorded(store, als, clock)
    path = store.path_for(session.meta.id)
    os.chmod(path, 0o644)
    orphan = store.sessions_dir / ".tmp-killed"  # left by a write that was killed
    orphan.write_text("half")
    ours = store.sessions_dir / f".tmp-{os.getpid()}-being-written"  # this process, now
    ours.write_text("in flight")
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    store.list_sessions()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not orphan.exists()
    assert ours.exists()


def test_an_index_from_before_stamps_is_upgraded_without_reading_ended_sessions(
    data_dir: Path, store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended = [recorded(store, als, clock) for _ in range(3)]
    running = recorded(store, als, clock, end=False)
    as_legacy_index(store.index_path)
    loaded = loads_counted(monkeypatch)
    writer = SessionStore(data_dir, writer=True)
    assert {e.id for e in writer.list_sessions()} == {s.meta.id for s in [*ended, running]}
    assert loaded == [running.meta.id]  # the one not ended is computed from its file
    upgraded = index_lines(store.index_path)
    assert set(upgraded) == {s.meta.id for s in [*ended, running]}
    for session_id, (_, version) in upgraded.items():
        st = store.path_for(session_id).stat()
        assert version == [st.st_size, st.st_mtime_ns]
    loaded.clear()
    assert len(SessionStore(data_dir, writer=False).list_sessions()) == 4
    assert loaded == []


def test_a_note_save_encodes_the_note_not_the_whole_file(
    store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: each save deep-copied and encoded the whole document (230 ms a save for a
    # session of 5,000 events).
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    for _ in range(500):
        clock.advance(5)
        session.toggle_pause()
    session.write_note(0, "typed")
    assert saver.save_now()
    size = store.size_of(session.meta.id)
    encoded: list[int] = []
    real_encode = atomic.encode

    def counting_encode(doc: object) -> str:
        text = real_encode(doc)
        encoded.append(len(text))
        return text

    monkeypatch.setattr(atomic, "encode", counting_encode)
    session.write_note(0, "typed more")
    assert saver.save_now()
    assert 0 < sum(encoded) < size // 100
    assert store.load(session.meta.id).note_for(0).text == "typed more"
    saver.close()


def test_tinydb_reads_a_session_file_as_the_store_wrote_it(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = recorded(store, als, clock)
    with TinyDB(store.path_for(session.meta.id), access_mode="r") as db:
        assert [doc["id"] for doc in db.table("meta").all()] == [session.meta.id]
        assert [doc.doc_id for doc in db.table("events").all()] == [e.seq for e in session.events]
        assert [doc["text"] for doc in db.table("notes").all()] == [n.text for n in session.notes]


def test_what_the_store_does_not_know_in_a_session_file_is_kept(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    # TinyDB wrote back whatever it did not touch; the store's own writer must too.
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    assert saver.save_now()
    saver.close()
    path = store.path_for(session.meta.id)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["by_a_newer_release"] = {"x": [1, 2]}
    raw["_default"] = {"1": {"kept": True}}
    path.write_text(json.dumps(raw), encoding="utf-8")
    back = store.load(session.meta.id, clock=clock)
    back.live = True
    saver = Autosaver(store, back).start(background=False)
    back.write_note(0, "after the edit")
    assert saver.save_now()
    saver.close()
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["by_a_newer_release"] == {"x": [1, 2]} and raw["_default"] == {"1": {"kept": True}}
    assert store.load(session.meta.id).note_for(0).text == "after the edit"


def test_the_running_session_is_not_read_again_by_a_listing(
    data_dir: Path, store: SessionStore, als: Format, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the session this app was running changed with every save, so each listing
    # (the home screen's, on every return to it) read its file whole again: a second for a
    # long one, and a resumed 2 MB session was read twice (test_big_files, 1 run in 3).
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    assert saver.save_now()
    assert [e.id for e in store.list_sessions()] == [session.meta.id]  # listed from the start
    loads: list[str] = []
    real_load = store.load
    monkeypatch.setattr(store, "load", lambda sid, clock=None: (loads.append(sid), real_load(sid, clock))[1])
    for _ in range(3):
        clock.advance(30)
        session.next_speaker()
        session.write_note(0, f"- [ ] action {len(loads)}", "action")
        assert saver.save_now()
        assert [e.id for e in store.list_sessions()] == [session.meta.id]
    assert loads == []
    # The index still names the older file version, so a run after a crash reads it again.
    fresh = SessionStore(data_dir, writer=False).list_sessions()
    assert [e.open_actions for e in fresh] == [1]
    session.end()
    assert saver.close()
    (line,) = store.list_sessions()
    assert line == IndexEntry.from_session(real_load(session.meta.id)) and line.ended
