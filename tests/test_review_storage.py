"""Damage a review found in the storage of schema 3: each a failing test before its fix.

A damaged file is reported (quarantined) and everything else carries on; it never ends in
a traceback, and it never leaves a session that loads but can no longer be saved."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.store import DamagedSession, IndexEntry, SessionStore
from tests.test_store import recorded


@pytest.fixture
def store(data_dir: Path) -> SessionStore:
    store = SessionStore(data_dir)
    store.prepare()
    return store


def damage(store: SessionStore, sid: str, change: Callable[[dict], None]) -> None:
    path = store.path_for(sid)
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(json.dumps(raw), encoding="utf-8")
    store.close(sid)  # nothing kept in memory: the next read is of the damaged file


def first_event(raw: dict) -> dict:
    return raw["events"][min(raw["events"], key=int)]


def as_old_float_seconds(raw: dict, seconds: float) -> None:
    """The first event as a schema-2 file stored it (float seconds), with a given value."""
    event = first_event(raw)
    del event["mono_ns"]
    event["mono"] = seconds


def old_schema(raw: dict) -> None:
    (meta,) = raw["meta"].values()
    meta["schema"] = 2


DAMAGE: dict[str, Callable[[dict], None]] = {
    # finite, but too large to become nanoseconds (1e300 s * 1e9 overflows to infinity)
    "huge float seconds": lambda raw: (old_schema(raw), as_old_float_seconds(raw, 1e300)),
    # a whole number too large for any clock, which loads and then overflows a float
    "huge whole nanoseconds": lambda raw: first_event(raw).update(mono_ns=10**400),
    "infinite schema": lambda raw: next(iter(raw["meta"].values())).update(schema=1e999),
    "infinite sequence number": lambda raw: first_event(raw).update(seq=1e999),
    "a meta key that is not a number": lambda raw: raw.update(meta={"a": next(iter(raw["meta"].values()))}),
    "a note key that is not a number": lambda raw: raw.update(notes={"x": next(iter(raw["notes"].values()))}),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_is_quarantined_and_the_history_still_lists(
    kind: str, store: SessionStore, als: Format, clock: FakeClock
) -> None:
    damaged = recorded(store, als, clock)
    kept = recorded(store, als, clock)
    damage(store, damaged.meta.id, DAMAGE[kind])
    with pytest.raises(DamagedSession):
        store.load(damaged.meta.id)
    assert not store.path_for(damaged.meta.id).exists()  # moved aside, not left to fail again
    store.index_path.unlink()  # the history is rebuilt from the files that are left
    assert [e.id for e in store.list_sessions()] == [kept.meta.id]


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_found_while_rebuilding_the_history_is_not_a_traceback(
    kind: str, store: SessionStore, als: Format, clock: FakeClock
) -> None:
    damaged = recorded(store, als, clock)
    kept = recorded(store, als, clock)
    damage(store, damaged.meta.id, DAMAGE[kind])
    store.index_path.unlink()
    assert [e.id for e in store.list_sessions()] == [kept.meta.id]


@pytest.mark.parametrize("beat", [{"mono": 1e300, "wall": "x"}, {"mono_ns": 10**400, "wall": "x"}])
def test_a_damaged_heartbeat_is_no_heartbeat(beat: dict, store: SessionStore) -> None:
    store.alive_path("20261126-1000-beat").write_text(json.dumps(beat), encoding="utf-8")
    assert store.read_alive("20261126-1000-beat") == (None, None)


@pytest.mark.parametrize(
    "index",
    [
        {"sessions": []},
        {"sessions": None},
        {"sessions": {"x": {"id": "a"}}},
        {"sessions": {"1": "junk"}},
        {"other": 1, "sessions": {"1": ["junk"]}},
    ],
)
def test_saving_goes_on_past_an_index_of_the_wrong_shape(
    index: dict, store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = Session.new(als, ("Ann", "Bob", "Cat"), "Ann", clock=clock)
    store.write_meta(session.meta)
    store.index_path.write_text(json.dumps(index), encoding="utf-8")
    store.update_index(IndexEntry.from_session(session))  # no exception: the index is redone
    assert [e.id for e in store.list_sessions()] == [session.meta.id]


def test_a_lock_pid_file_left_readable_by_others_is_made_private(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    owner = data_dir / "lock.pid"
    owner.write_text("")
    os.chmod(owner, 0o644)
    lock = FolderLock(data_dir)
    assert lock.acquire() is None
    try:
        assert stat.S_IMODE(owner.stat().st_mode) == 0o600
    finally:
        lock.release()
