"""Damaged session files are reported, never passed over in silence (issue 13).

A session file cut short, holding something that is not JSON, or unreadable is moved
aside (never deleted) by the peercircle that holds the folder; the home screen, 'list'
and 'purge' each say how many there are, where they are and what to do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage import store as store_module
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore
from tests.commands import cli
from tests.conftest import GROUP
from tests.scenes import make_app
from tests.test_index_stamps import index_lines
from tests.waiting import wait_for, wait_for_home


def record(data_dir: Path, als: Format, clock: FakeClock, note: str = "Notes") -> Session:
    store = SessionStore(data_dir)
    store.prepare()
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, note)
    clock.advance(300)
    session.end()
    assert saver.close()
    return session


def cut_short(data_dir: Path, session: Session) -> Path:
    """The session's file as a failing disk or an interrupted copy leaves it: half of it."""
    path = data_dir / "sessions" / f"{session.meta.id}.json"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


@pytest.fixture
def two_sessions(data_dir: Path, als: Format, clock: FakeClock) -> tuple[Session, Session]:
    kept = record(data_dir, als, clock, "kept")
    clock.advance(3600)
    damaged = record(data_dir, als, clock, "damaged")
    return kept, damaged


# -- the store ---------------------------------------------------------------------------


def test_a_file_damaged_after_it_was_listed_is_found_when_the_history_is_read(
    data_dir: Path, two_sessions: tuple[Session, Session]
) -> None:
    # Before: the index still named it, so it was listed as if nothing had happened.
    kept, damaged = two_sessions
    path = cut_short(data_dir, damaged)
    store = SessionStore(data_dir)
    store.prepare()
    assert [e.id for e in store.list_sessions()] == [kept.meta.id]
    assert not path.exists()
    assert [p.name.split(".json")[0] for p in store.quarantined_files()] == [damaged.meta.id]
    assert [d.name for d in store.damaged] == [path.name]


def test_a_reader_leaves_a_damaged_file_where_it_is_and_out_of_the_list(
    data_dir: Path, two_sessions: tuple[Session, Session]
) -> None:
    kept, damaged = two_sessions
    path = cut_short(data_dir, damaged)
    store = SessionStore(data_dir, writer=False)
    assert [e.id for e in store.list_sessions()] == [kept.meta.id]
    assert path.exists()
    assert [(d.name, d.moved_to) for d in store.damaged] == [(path.name, None)]


# -- peercircle list -----------------------------------------------------------------------


def test_list_names_each_damaged_file_on_stderr_and_lists_the_rest(
    data_dir: Path, two_sessions: tuple[Session, Session]
) -> None:
    kept, damaged = two_sessions
    cut_short(data_dir, damaged)
    (data_dir / "sessions" / "20261120-0900-dead.json").write_bytes(b"\x00\x00garbage")
    result = cli("list", data_dir=data_dir)
    assert result.returncode == 0  # the rest listed fine
    assert kept.meta.id in result.stdout and damaged.meta.id not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert f"{damaged.meta.id}.json" in lines[1] and "20261120-0900-dead.json" in lines[0]
    assert all("could not be read" in line for line in lines)


def test_list_counts_the_files_already_moved_aside(
    data_dir: Path, two_sessions: tuple[Session, Session]
) -> None:
    kept, damaged = two_sessions
    cut_short(data_dir, damaged)
    store = SessionStore(data_dir)
    store.prepare()
    store.list_sessions()  # the app did this at its start
    result = cli("list", data_dir=data_dir)
    assert result.returncode == 0 and kept.meta.id in result.stdout
    quarantine = data_dir / "quarantine"
    assert result.stderr.splitlines() == [
        f"peercircle: 1 damaged session file is kept in {quarantine} (moved aside, not deleted)."
    ]


def test_list_of_only_damaged_files_says_so(data_dir: Path) -> None:
    sessions = data_dir / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "20261120-0900-dead.json").write_text('{"meta": {"1": {"id": "x"', encoding="utf-8")
    result = cli("list", data_dir=data_dir)
    assert result.returncode == 0
    assert "20261120-0900-dead.json could not be read" in result.stderr


# -- peercircle purge ----------------------------------------------------------------------


def test_purge_says_what_it_moved_aside(data_dir: Path, two_sessions: tuple[Session, Session]) -> None:
    # Before: purge moved the damaged file to quarantine/ without a word.
    kept, damaged = two_sessions
    cut_short(data_dir, damaged)
    result = cli("purge", "--older-than", "1d", "--yes", data_dir=data_dir)
    assert result.returncode == 0
    assert "Deleted 1 session(s)" in result.stdout  # the one that could be read
    quarantine = data_dir / "quarantine"
    moved = list(quarantine.iterdir())
    assert len(moved) == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"peercircle: {damaged.meta.id}.json could not be read (the file is cut short)")
    assert line.endswith(f") and was moved to {moved[0]}; it is kept, not deleted.")


def test_purge_says_which_damaged_files_it_deleted(
    data_dir: Path, two_sessions: tuple[Session, Session]
) -> None:
    quarantine = data_dir / "quarantine"
    quarantine.mkdir()
    old = quarantine / "20250101-0900-dead.json.1735722000"
    old.write_bytes(b"{")
    os.utime(old, (1735722000, 1735722000))
    result = cli("purge", "--older-than", "1d", "--yes", data_dir=data_dir)
    assert result.returncode == 0 and not old.exists()
    assert f"Deleted 1 damaged file from {quarantine}." in result.stdout


# -- the home screen -----------------------------------------------------------------------


async def test_home_says_in_one_line_how_many_files_are_damaged_where_and_what_to_do(
    data_dir: Path, clock: FakeClock, tmp_path: Path, als: Format, two_sessions: tuple[Session, Session]
) -> None:
    # Before: both sessions were listed, and nothing was said until one was opened.
    kept, damaged = two_sessions
    cut_short(data_dir, damaged)
    (data_dir / "sessions" / "20261120-0900-dead.json").write_bytes(b"")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_home(pilot)  # listed after the first frame, the table with it
        table = app.screen.query_one("#history", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, what="the history without the damaged files")
        problems = app.screen.query_one("#problems", Static)
        lines = str(problems.render()).splitlines()
        text = " ".join(str(problems.content).split())
        assert problems.display
        assert text.startswith("⚠ 2 session files could not be read"), text
        assert str(data_dir / "quarantine") in text
        assert "restore" in text and "delete" in text
        assert len([line for line in str(problems.content).splitlines() if line.strip()]) == 1, lines


def test_a_file_cut_short_is_moved_aside_without_being_read_whole(
    data_dir: Path, two_sessions: tuple[Session, Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading a big file takes seconds; its two ends tell it is cut short.
    kept, damaged = two_sessions
    path = cut_short(data_dir, damaged)
    store = SessionStore(data_dir)
    store.prepare()
    monkeypatch.setattr(store_module, "_read_text", lambda path: pytest.fail(f"{path} was read whole"))
    assert [e.id for e in store.list_sessions()] == [kept.meta.id]
    assert [(d.name, d.reason) for d in store.damaged] == [(path.name, "the file is cut short")]
    assert not path.exists()
    assert list(index_lines(store.index_path)) == [kept.meta.id]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  [1, 2]  ", "it is not a session file"),
        (b'{"meta": {', "the file is cut short"),
    ],
)
def test_each_kind_of_plain_damage_is_named(data_dir: Path, content: bytes, reason: str) -> None:
    sessions = data_dir / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "20261120-0900-dead.json").write_bytes(content)
    store = SessionStore(data_dir)
    assert store.list_sessions() == []
    assert [d.reason for d in store.damaged] == [reason]


def test_an_unreadable_file_is_reported(
    data_dir: Path, two_sessions: tuple[Session, Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 0 does not stop root (these tests may run as root): the store's open fails instead.
    kept, damaged = two_sessions
    path = data_dir / "sessions" / f"{damaged.meta.id}.json"

    def unreadable(file: Path, *args: object, **kwargs: object) -> object:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(store_module, "open", unreadable, raising=False)
    # Written since it was listed (a listing opens only the files that changed: the index
    # names the version of each file it was made from).
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    store = SessionStore(data_dir, writer=False)
    assert [e.id for e in store.list_sessions()] == [kept.meta.id]
    assert [(d.name, d.reason, d.moved_to) for d in store.damaged] == [
        (path.name, "PermissionError: Permission denied", None)
    ]


async def test_the_retention_setting_says_which_damaged_files_it_deleted(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Before: damaged files older than the retention age went from quarantine/ without a word.
    quarantine = data_dir / "quarantine"
    quarantine.mkdir(parents=True)
    old = quarantine / "20250101-0900-dead.json.1735722000"
    old.write_bytes(b"{")
    os.utime(old, (1735722000, 1735722000))
    (data_dir / "settings.json").write_text(json.dumps({"retention_days": 30}), encoding="utf-8")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not old.exists()
        assert (
            f"1 damaged file(s) older than 30 days were deleted from {quarantine} (retention setting)."
            in (app.startup_problems)
        )
