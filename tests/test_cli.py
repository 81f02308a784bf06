"""The command line, run as a user would: in a subprocess against a temporary data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from sessions import __version__
from sessions.autosave import Autosaver
from sessions.clock import FakeClock
from sessions.formats import Format
from sessions.session import Session
from sessions.store import SessionStore
from tests.conftest import GROUP

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if data_dir is not None:
        env["PEERCIRCLE_HOME"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


@pytest.fixture
def saved(data_dir: Path, als: Format) -> Session:
    return record(data_dir, als, FakeClock())


def record(data_dir: Path, als: Format, clock: FakeClock) -> Session:
    store = SessionStore(data_dir)
    store.prepare()
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "Notes for the presenting phase")
    for _ in als.phases[1:]:
        clock.advance(400)
        session.next_phase()
    clock.advance(200)
    session.end()
    saver.close()
    return session


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"peercircle {__version__}"


def test_list_shows_id_date_format_size_and_length(saved: Session, data_dir: Path) -> None:
    result = cli("list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.split() == ["ID", "DATE", "FORMAT", "GROUP", "LENGTH"]
    assert row.startswith(saved.meta.id)
    assert "2026-11-26 10:00" in row and "Action Learning Set" in row
    assert row.split()[-3:] == ["6", "43", "min"]


def test_list_with_no_sessions(tmp_path: Path) -> None:
    result = cli("--data-dir", str(tmp_path / "empty"), "list")
    assert result.returncode == 0
    assert "No sessions yet" in result.stdout


def test_export_to_stdout_parses_into_one_heading_per_phase(
    saved: Session, data_dir: Path, als: Format
) -> None:
    result = cli("export", saved.meta.id, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    tokens = MarkdownIt("gfm-like").parse(result.stdout)
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == ["Timing"] + [f"{i}. {p.name}" for i, p in enumerate(als.phases, 1)] + ["Airtime"]
    assert "Notes for the presenting phase" in result.stdout


def test_export_to_a_file_by_id_prefix(saved: Session, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    result = cli("--data-dir", str(data_dir), "export", saved.meta.id[:13], "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("# Action Learning Set")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ("export", "20990101-0000-beef"),
        ("export",),
        ("frobnicate",),
        ("list", "--bogus"),
        ("--data-dir",),
    ],
)
def test_errors_are_one_line_with_status_2(args: tuple[str, ...], data_dir: Path) -> None:
    result = cli(*args, data_dir=data_dir)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("peercircle")


def test_export_to_an_unwritable_place(saved: Session, data_dir: Path) -> None:
    result = cli("export", saved.meta.id, "-o", "/proc/peercircle/x.md", data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("peercircle: cannot write")


def test_purge_needs_yes_when_not_interactive_then_deletes(data_dir: Path, als: Format) -> None:
    saved = record(data_dir, als, FakeClock(wall=datetime(2025, 1, 6, 10, 0, tzinfo=UTC)))
    result = cli("purge", "--older-than", "90d", data_dir=data_dir)
    assert result.returncode == 2 and "add --yes" in result.stderr
    assert (data_dir / "sessions" / f"{saved.meta.id}.json").exists()
    result = cli("purge", "--older-than", "90d", "--yes", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 session" in result.stdout
    assert not (data_dir / "sessions" / f"{saved.meta.id}.json").exists()
    assert "No sessions yet" in cli("list", data_dir=data_dir).stdout


def test_purge_keeps_recent_sessions(saved: Session, data_dir: Path) -> None:
    result = cli("purge", "--older-than", "100y", "--yes", data_dir=data_dir)
    assert result.returncode == 0 and "No sessions older" in result.stdout
    assert (data_dir / "sessions" / f"{saved.meta.id}.json").exists()


def test_purge_refuses_while_the_app_holds_the_folder(saved: Session, data_dir: Path) -> None:
    from sessions.lock import FolderLock

    lock = FolderLock(data_dir)
    assert lock.acquire() is None
    try:
        result = cli("purge", "--older-than", "1d", "--yes", data_dir=data_dir)
    finally:
        lock.release()
    assert result.returncode == 2
    assert f"in use by peercircle (process {os.getpid()})" in result.stderr


def test_retention_setting(data_dir: Path) -> None:
    assert "kept until deleted" in cli("retention", data_dir=data_dir).stdout
    assert cli("retention", "90d", data_dir=data_dir).returncode == 0
    assert "older than 90 days" in cli("retention", data_dir=data_dir).stdout
    bad = cli("retention", "soon", data_dir=data_dir)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
    assert "kept until deleted" in cli("retention", "off", data_dir=data_dir).stdout
