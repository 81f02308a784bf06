"""The running session's heartbeat: cheap enough to write every second for ninety minutes,
and read back right after a kill in the middle of a beat or a restart of the machine."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from peercircle.sessions.storage.heartbeat import SLOT_BYTES
from peercircle.sessions.storage.store import SessionStore

SID = "20261201-0900-beat"


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path / "data", writer=True)
    store.prepare()
    return store


def test_a_beat_is_one_write_into_a_file_kept_open(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, each beat made a temp file and renamed it into place: a tenth of a percent of
    # a core on a projecting laptop, a third of what a bare clock app uses in all.
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda path, *a, **k: (opened.append(str(path)), real_open(path, *a, **k))[1]
    )
    for second in range(10):
        store.write_alive(SID, second * 1_000_000_000, f"2026-12-01T09:00:{second:02d}+00:00")
    assert len(opened) == 1
    assert store.read_alive(SID) == (9_000_000_000, "2026-12-01T09:00:09+00:00")
    store.close(SID)
    assert stat.S_IMODE(store.alive_path(SID).stat().st_mode) == 0o600


def test_a_beat_cut_short_by_a_kill_leaves_the_one_before(store: SessionStore) -> None:
    store.write_alive(SID, 1_000, "2026-12-01T09:00:01+00:00")
    store.write_alive(SID, 2_000, "2026-12-01T09:00:02+00:00")  # the second slot
    store.close(SID)
    path = store.alive_path(SID)
    raw = bytearray(path.read_bytes())
    raw[SLOT_BYTES + 5 : SLOT_BYTES + 40] = b"\x00" * 35  # killed while writing the second slot
    path.write_bytes(bytes(raw))
    assert store.read_alive(SID) == (1_000, "2026-12-01T09:00:01+00:00")


def test_a_new_run_starts_the_file_afresh(store: SessionStore, tmp_path: Path) -> None:
    # After a restart of the machine the monotonic clock begins again near 0: a beat of the
    # run before would otherwise read as the latest.
    store.write_alive(SID, 9_000_000_000_000, "2026-12-01T09:00:00+00:00")
    store.write_alive(SID, 9_000_001_000_000, "2026-12-01T09:00:01+00:00")
    store.close(SID)
    again = SessionStore(store.data_dir, writer=True)
    again.write_alive(SID, 5_000_000_000, "2026-12-01T10:00:00+00:00")
    assert again.read_alive(SID) == (5_000_000_000, "2026-12-01T10:00:00+00:00")


def test_a_heartbeat_in_the_old_form_reads_as_before(store: SessionStore) -> None:
    store.alive_path(SID).write_text('{"mono_ns": 42, "wall": "2026-11-30T10:00:00+00:00"}', encoding="utf-8")
    assert store.read_alive(SID) == (42, "2026-11-30T10:00:00+00:00")
    store.alive_path(SID).write_text("not json", encoding="utf-8")
    assert store.read_alive(SID) == (None, None)


def test_deleting_a_session_closes_its_heartbeat(store: SessionStore) -> None:
    store.write_alive(SID, 1, "2026-12-01T09:00:00+00:00")
    store.delete(SID)
    assert not store.alive_path(SID).exists()
    assert SID not in store._beats
