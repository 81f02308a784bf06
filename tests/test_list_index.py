"""``peercircle list`` from the index alone (issue 14: 10,000 sessions in under 200 ms), and
index format 3 (sessions/storage/index.py), which it reads.

The command lists from the index's first line every session whose file is the version
its line names, and has the store read the files that are not (a session running now; a
file changed, added or damaged since); an index it cannot use (missing, older, damaged)
and the store lists it all, as before. Either way it says exactly what the store's
listing says. These tests count what is read and compare listings, never time
(bench/cli.py times it).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage import index
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.store import IndexEntry, SessionStore
from peercircle.sessions.text import _NEEDS_CLEANING
from tests.commands import cli
from tests.conftest import GROUP, loads_counted
from tests.test_index_stamps import index_lines

FORMAT_2 = Path(__file__).parent / "data" / "index-format-2"
"""A data folder as the release before format 3 left it (tests/data/make_index_format_2.py)."""


def record(store: SessionStore, fmt: Format, when: datetime, end: bool = True, note: str = "") -> Session:
    clock = FakeClock(wall=when)
    session = Session.new(fmt, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    if note:
        session.write_note(0, note, "action")
    clock.advance(600)
    session.next_phase()
    clock.advance(125)
    if end:
        session.end()
    assert saver.close()
    return session


@pytest.fixture
def history(store: SessionStore, als: Format) -> list[Session]:
    """Four ended sessions, two started in the same minute, listed by the app once."""
    first = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    whens = [first, first + timedelta(days=7), first + timedelta(days=7), first + timedelta(days=14)]
    sessions = [record(store, als, when, note="- [ ] Ben reads the policy") for when in whens]
    store.list_sessions()
    return sessions


def from_index(data_dir: Path) -> tuple[index.Columns, list[tuple[str, index.FileStamp]]] | None:
    return index.listed(data_dir / "index.json", data_dir / "sessions")


def fast(data_dir: Path) -> index.Columns | None:
    """The listing from the index alone: None unless no session file changed."""
    found = from_index(data_dir)
    return found[0] if found is not None and not found[1] else None


def stamp_of(path: Path) -> index.FileStamp:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def listed_by_the_store(data_dir: Path) -> index.Columns:
    entries = SessionStore(data_dir, writer=False).list_sessions()
    return {name: [getattr(entry, name) for entry in entries] for name in index.LISTED}


# -- listing from the index alone ----------------------------------------------------------


def test_an_index_up_to_date_lists_what_the_store_lists(data_dir: Path, history: list[Session]) -> None:
    listed = fast(data_dir)
    assert listed is not None
    assert listed == listed_by_the_store(data_dir)
    # Newest first; the two of one minute by id, as the store has them.
    tied = sorted(s.meta.id for s in history[1:3])
    assert listed["id"] == [history[3].meta.id, *tied, history[0].meta.id]


def test_lines_in_the_writers_order_are_listed_as_they_are(
    data_dir: Path, store: SessionStore, als: Format
) -> None:
    first = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    sessions = [record(store, als, first + timedelta(hours=7 * i)) for i in range(3)]
    store.list_sessions()
    listed = fast(data_dir)
    assert listed is not None and listed == listed_by_the_store(data_dir)
    assert listed["id"] == [s.meta.id for s in reversed(sessions)]


def test_the_folder_is_looked_at_the_same_where_it_cannot_be_opened_once(
    data_dir: Path, history: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    by_fd = from_index(data_dir)
    monkeypatch.setattr(os, "supports_fd", set())  # as on Windows: scandir by path
    assert from_index(data_dir) == by_fd and by_fd is not None and len(by_fd[0]["id"]) == 4


def test_lines_out_of_order_are_listed_in_the_stores_order(data_dir: Path, history: list[Session]) -> None:
    first, rest = (json.loads(line) for line in (data_dir / "index.json").read_text("utf-8").splitlines())
    first["columns"] = [column[::-1] for column in first["columns"]]
    rest["columns"] = [column[::-1] for column in rest["columns"]]
    (data_dir / "index.json").write_text(f"{json.dumps(first)}\n{json.dumps(rest)}\n", encoding="utf-8")
    assert fast(data_dir) == listed_by_the_store(data_dir)


def bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


@pytest.mark.parametrize(
    "change",
    ["a file changed", "a file cut short", "a file added", "a file gone", "a line gone", "the same id twice"],
)
def test_a_file_not_as_its_line_says_is_read_by_the_store(
    change: str, data_dir: Path, store: SessionStore, history: list[Session], als: Format
) -> None:
    path = store.path_for(history[1].meta.id)
    if change == "a file changed":
        bump(path)
    elif change == "a file cut short":
        path.write_bytes(path.read_bytes()[:100])
    elif change == "a file added":
        path = SessionStore(data_dir, writer=False).path_for(
            record(SessionStore(data_dir, writer=False), als, datetime(2026, 12, 1, tzinfo=UTC)).meta.id
        )
    elif change == "a file gone":
        path.unlink()
    else:
        first, rest = (json.loads(line) for line in store.index_path.read_text("utf-8").splitlines())
        at = first["columns"][0].index(path.stem)  # the line of history[1]
        for column in [*first["columns"], *rest["columns"]]:
            if change == "a line gone":
                del column[at]
            else:
                column[at] = column[at - 1]  # another session's line in its place
        store.index_path.write_text(f"{json.dumps(first)}\n{json.dumps(rest)}\n", encoding="utf-8")
    found = from_index(data_dir)
    if change == "the same id twice":
        assert found is None  # the store lists it all
    elif change == "a file gone":
        assert found is not None and found[1] == [] and history[1].meta.id not in found[0]["id"]
    else:
        assert found is not None and found[1] == [(path.stem, stamp_of(path))]
    result = cli("list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert ids == listed_by_the_store(data_dir)["id"]
    if change == "a file cut short":
        assert f"{path.name} could not be read" in result.stderr
        assert history[1].meta.id not in ids
    else:
        assert result.stderr == ""


def test_only_the_files_that_changed_are_read(
    data_dir: Path, store: SessionStore, history: list[Session], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from peercircle.tui.cli import main

    loaded = loads_counted(monkeypatch)
    bump(store.path_for(history[2].meta.id))
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # put back after main's terminal-safe stream
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    assert main(["--data-dir", str(data_dir), "list"]) == 0
    assert loaded == [history[2].meta.id]
    assert len(capsys.readouterr().out.splitlines()) == 1 + len(history)


def test_a_session_running_now_is_listed_as_its_file_says(
    data_dir: Path, store: SessionStore, history: list[Session], als: Format
) -> None:
    # The app is running a session: its file changes with every save, its line does not.
    clock = FakeClock(wall=datetime(2026, 12, 7, 18, 0, tzinfo=UTC))
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    clock.advance(400)
    session.write_note(0, "- [ ] Dev writes it up", "action")
    assert saver.save_now()
    store.list_sessions()  # the home screen's listing: the index has its line now
    clock.advance(700)
    session.next_phase()
    assert saver.save_now()  # a later save: the line is out of date
    lock = FolderLock(data_dir)  # the app holds the folder
    assert lock.acquire() is None
    try:
        path = store.path_for(session.meta.id)
        assert (found := from_index(data_dir)) is not None and found[1] == [(path.stem, stamp_of(path))]
        result = cli("list", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        line = next(line for line in result.stdout.splitlines() if line.startswith(session.meta.id))
        assert line.endswith("18 min *")  # 1,100 s, as the file says: not the line's 7 min
        assert result.stdout.splitlines()[-1] == "* not ended"
        assert lock.held and FolderLock(data_dir).acquire() == os.getpid()  # the app's still
    finally:
        lock.release()
        saver.close()


def test_list_says_the_same_from_the_index_or_the_store(
    data_dir: Path, store: SessionStore, history: list[Session], als: Format
) -> None:
    hostile = dataclasses.replace(als, name="Evil\x1b]0;set the title\x07 and a long name past 28")
    record(store, hostile, datetime(2026, 12, 1, tzinfo=UTC), end=False)
    store.list_sessions()
    assert fast(data_dir) is not None
    from_index_alone = cli("list", data_dir=data_dir)
    bump(store.path_for(history[0].meta.id))  # one line from its file, the rest from the index
    assert (found := from_index(data_dir)) is not None and len(found[1]) == 1
    with_one_changed = cli("list", data_dir=data_dir)
    store.index_path.unlink()  # every line from its file (a reader does not write the index)
    from_the_store = cli("list", data_dir=data_dir)
    assert not store.index_path.exists()
    for result in (from_index_alone, with_one_changed, from_the_store):
        assert result.returncode == 0 and result.stderr == ""
        assert result.stdout == from_the_store.stdout
    assert "\x1b" not in from_the_store.stdout and "Evil" in from_the_store.stdout
    assert from_the_store.stdout.splitlines()[-1] == "* not ended"


def test_list_from_the_index_imports_no_store_engine_or_ui(data_dir: Path, history: list[Session]) -> None:
    # Before: the store and the session engine with it (38 ms of the command at 10,000
    # sessions), and dataclasses (10 ms) with the export command and the data folder.
    script = (
        "import sys\n"
        "from peercircle.tui.cli import main\n"
        "status = main(['--data-dir', sys.argv[1], 'list'])\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
        "raise SystemExit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)], capture_output=True, text=True, check=True
    )
    loaded = set(result.stderr.split())
    assert len(result.stdout.splitlines()) == 1 + len(history)
    for later in (
        "peercircle.sessions.storage.store",
        "peercircle.sessions.engine.session",
        "peercircle.sessions.engine.clock",
        "tinydb",
        "filelock",
        "textual",
        "dataclasses",
    ):
        assert later not in loaded, later


def test_list_still_counts_the_files_moved_aside(data_dir: Path, history: list[Session]) -> None:
    quarantine = data_dir / "quarantine"
    quarantine.mkdir()
    (quarantine / "20260101-0000-dead.json.1767225600").write_text("{")
    (quarantine / "a folder").mkdir()
    assert fast(data_dir) is not None
    result = cli("list", data_dir=data_dir)
    assert result.stderr.splitlines() == [
        f"peercircle: 1 damaged session file is kept in {quarantine} (moved aside, not deleted)."
    ]


def test_every_character_the_rows_are_cleaned_of_is_unprintable() -> None:
    # 'list' writes its rows unchecked when they are all printable (isprintable, in C).
    cleaned = [chr(c) for c in range(0x110000) if _NEEDS_CLEANING.match(chr(c))]
    assert len(cleaned) > 2048 + 60
    assert not any(ch.isprintable() for ch in cleaned)


# -- the format ----------------------------------------------------------------------------


def test_the_index_is_two_lines_of_columns_the_first_all_a_listing_reads(
    data_dir: Path, store: SessionStore, history: list[Session]
) -> None:
    first, rest = store.index_path.read_text("utf-8").splitlines()
    head = json.loads(first)
    assert head["index"] == 3 and head["fields"] == list(index.FIRST)
    assert json.loads(rest)["fields"] == ["people", "format_id", "open_actions"]
    lines = index_lines(store.index_path)
    for session in history:
        entry, version = lines[session.meta.id]
        assert entry == IndexEntry.from_session(store.load(session.meta.id)).to_dict()
        st = store.path_for(session.meta.id).stat()
        assert version == [st.st_size, st.st_mtime_ns]
    assert stat.S_IMODE(store.index_path.stat().st_mode) == 0o600


def text_of(data_dir: Path) -> str:
    return (data_dir / "index.json").read_text("utf-8")


def damaged(text: str, how: str) -> str:
    first, rest = text.splitlines()
    head, tail = json.loads(first), json.loads(rest)
    if how == "cut in the first line":
        return first[: len(first) // 2]
    if how == "cut in the second line":
        return f"{first}\n{rest[: len(rest) // 2]}"
    if how == "a column short":
        head["columns"][3].pop()
    elif how == "a size that is text":
        head["columns"][6][0] = "1234"
    elif how == "an id that is a number":
        head["columns"][0][0] = 7
    elif how == "ended that is 1":
        head["columns"][5][0] = 1
    elif how == "a column missing":
        head["columns"].pop()
    elif how == "people not a list":
        tail["columns"][0][0] = "Aisha"
    elif how == "the second line's lines fewer":
        for column in tail["columns"]:
            column.pop()
    elif how == "a newer version":
        head["index"] = 4
    elif how == "extra data":
        return f"{text}{{}}\n"
    return f"{json.dumps(head)}\n{json.dumps(tail)}\n"


DAMAGE = [
    "cut in the first line",
    "cut in the second line",
    "a column short",
    "a size that is text",
    "an id that is a number",
    "ended that is 1",
    "a column missing",
    "people not a list",
    "the second line's lines fewer",
    "a newer version",
    "extra data",
]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_index_is_no_index_and_the_writer_makes_it_again(
    how: str, data_dir: Path, store: SessionStore, history: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    good = text_of(data_dir)
    expected = listed_by_the_store(data_dir)
    (data_dir / "index.json").write_text(damaged(good, how), encoding="utf-8")
    listed = fast(data_dir)
    # Only the first line is read for a listing: damage after it changes nothing it shows.
    if how in ("cut in the second line", "people not a list", "the second line's lines fewer", "extra data"):
        assert listed == expected
    else:
        assert listed is None
    loaded = loads_counted(monkeypatch)
    assert listed_by_the_store(data_dir) == expected  # every line from its file
    assert sorted(loaded) == sorted(s.meta.id for s in history)
    assert SessionStore(data_dir, writer=True).list_sessions()
    assert text_of(data_dir) == good
    assert fast(data_dir) == expected


def test_an_index_with_another_entry_field_is_read_again_from_the_files_once(
    data_dir: Path, store: SessionStore, history: list[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a release before ``open_actions`` (or after a new field) would have written it.
    first, rest = (json.loads(line) for line in text_of(data_dir).splitlines())
    rest["fields"].pop()
    rest["columns"].pop()
    (data_dir / "index.json").write_text(f"{json.dumps(first)}\n{json.dumps(rest)}\n", encoding="utf-8")
    loaded = loads_counted(monkeypatch)
    entries = SessionStore(data_dir, writer=True).list_sessions()
    assert sorted(loaded) == sorted(s.meta.id for s in history)
    assert [e.open_actions for e in entries] == [1] * 4
    loaded.clear()
    SessionStore(data_dir, writer=True).list_sessions()
    assert loaded == []  # once


def test_a_lone_surrogate_is_written_as_a_replacement_character(
    data_dir: Path, store: SessionStore, als: Format
) -> None:
    # A file from elsewhere can hold one (JSON escapes it); UTF-8 cannot.
    session = record(store, als, datetime(2026, 12, 1, tzinfo=UTC))
    path = store.path_for(session.meta.id)
    path.write_text(path.read_text("utf-8").replace(als.name, "Half \\ud800 a pair"), encoding="utf-8")
    (entry,) = store.rebuild_index()
    assert entry.format_name == "Half \ud800 a pair"  # as the file has it
    listed = fast(data_dir)
    assert listed is not None and listed["format_name"] == ["Half \ufffd a pair"]


# -- migration from the format before (2) ---------------------------------------------------


def format_2_folder(into: Path, with_times: bool = True) -> Path:
    """A copy of tests/data/index-format-2, its files private, each with the mtime its
    index line names (``with_times``), as a copy that keeps times has it (``cp -a``, a
    backup), or another one, as a copy that does not (git) has it."""
    folder = into / "format-2"
    shutil.copytree(FORMAT_2, folder)
    raw = json.loads((folder / "index.json").read_text("utf-8"))
    assert "rows" in raw, "the fixture is format 2"
    for row in raw["rows"]:
        path = folder / "sessions" / f"{row[0]}.json"
        assert path.stat().st_size == row[-2], f"{path.name} is not the size its line names"
        mtime = row[-1] if with_times else row[-1] + 10**9  # as a checkout of it has them
        os.utime(path, ns=(mtime, mtime))
    for path in [folder, folder / "sessions", *folder.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return folder


def format_2_entries(folder: Path) -> dict[str, dict]:
    raw = json.loads((folder / "index.json").read_text("utf-8"))
    names = raw["fields"][:-2]
    return {row[0]: dict(zip(names, row[:-2], strict=True)) for row in raw["rows"]}


def test_list_reads_a_format_2_index_and_leaves_it_as_it_is(tmp_path: Path) -> None:
    folder = format_2_folder(tmp_path)
    before = (folder / "index.json").read_bytes()
    assert fast(folder) is None  # not this format: the store reads it
    result = cli("--data-dir", str(folder), "list")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        "ID                  DATE             FORMAT                       GROUP    LENGTH",
        "20260323-1805-beef  2026-03-23 18:05 Balint group                     4   7 min *",
        "20260316-1000-0000  2026-03-16 10:00 Peer review — “quick” ✓          3    10 min",
        "20260316-1000-ffff  2026-03-16 10:00 Peer review — “quick” ✓          3    10 min",
        "20260309-1400-c3d4  2026-03-09 14:00 Balint group                     5    10 min",
        "20260302-0930-a1b2  2026-03-02 09:30 Check-in round                   4    10 min",
        "* not ended",
    ]
    assert (folder / "index.json").read_bytes() == before  # a reader never writes


def test_the_app_migrates_a_format_2_index_without_reading_a_session_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = format_2_folder(tmp_path)
    old = format_2_entries(folder)
    listed_before = cli("--data-dir", str(folder), "list").stdout
    loaded = loads_counted(monkeypatch)
    writer = SessionStore(folder, writer=True)
    writer.prepare()
    entries = writer.list_sessions()
    assert loaded == []  # every line kept, with the file version it names
    assert {e.id: e.to_dict() for e in entries} == old
    migrated = index_lines(folder / "index.json")  # format 3 now
    assert {sid: entry for sid, (entry, _) in migrated.items()} == old
    for sid, (_, version) in migrated.items():
        st = (folder / "sessions" / f"{sid}.json").stat()
        assert version == [st.st_size, st.st_mtime_ns]
    assert stat.S_IMODE((folder / "index.json").stat().st_mode) == 0o600
    assert fast(folder) is not None  # listed from the index alone from now on
    assert cli("--data-dir", str(folder), "list").stdout == listed_before
    assert SessionStore(folder, writer=False).list_sessions() == entries


def test_a_format_2_copy_without_its_times_is_read_again_and_says_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture's lines are what this release computes from the same files.
    folder = format_2_folder(tmp_path, with_times=False)
    old = format_2_entries(folder)
    loaded = loads_counted(monkeypatch)
    entries = SessionStore(folder, writer=True).list_sessions()
    assert sorted(loaded) == sorted(old)
    assert {e.id: e.to_dict() for e in entries} == old
    assert fast(folder) is not None
