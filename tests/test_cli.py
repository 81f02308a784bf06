"""The command line, run as a user would: in a subprocess against a temporary data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from peercircle import __version__
from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore
from tests.commands import cli
from tests.conftest import GROUP

ROOT = Path(__file__).resolve().parent.parent


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
    steps = [f"{i}. {p.name}" for i, p in enumerate(als.phases, 1)]
    assert h2 == ["Participants", "Timing", *steps, "Actions", "Airtime", "Proctor's functions"]
    assert "Notes for the presenting phase" in result.stdout


def test_export_to_a_file_by_id_prefix(saved: Session, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    result = cli("--data-dir", str(data_dir), "export", saved.meta.id[:13], "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert text.startswith("---\n") and "\n# Action Learning Set, Thursday 26 November 2026\n" in text
    assert out.stat().st_mode & 0o777 == 0o600
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
    from peercircle.sessions.storage.lock import FolderLock

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


# -- export options ----------------------------------------------------------------------------


def record_with_notes(data_dir: Path, als: Format, clock: FakeClock) -> Session:
    """A finished session with names in its notes, an action per person and a private note."""
    store = SessionStore(data_dir)
    store.prepare()
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "Aisha's case: Mrs Jones and the housing team\nBen: asking first helped #formative")
    session.write_note(0, "Call the GP — Aisha — by Friday\nRead the guidance — Ben — next week", "action")
    session.write_note(0, "worried about Ciara", "private")
    for _ in als.phases[1:]:
        clock.advance(400)
        session.next_phase()
    session.end()
    saver.close()
    return session


@pytest.fixture
def noted(data_dir: Path, als: Format) -> Session:
    return record_with_notes(data_dir, als, FakeClock())


def names_in(text: str) -> set[str]:
    import re

    return {name for name in GROUP if re.search(rf"(?<!\w){name}(?!\w)", text, re.IGNORECASE)}


def test_export_anonymised_has_no_names(noted: Session, data_dir: Path) -> None:
    result = cli("export", noted.meta.id, "--anonymise", "--also-hide", "Mrs Jones", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert names_in(result.stdout) == set()
    assert "Jones" not in result.stdout
    assert "A.'s case: Person 1 and the housing team" in result.stdout
    assert "- [ ] Call the GP — A. — by Friday" in result.stdout
    assert "anonymised: true" in result.stdout


def test_export_with_chosen_pseudonyms(noted: Session, data_dir: Path) -> None:
    result = cli(
        "export", noted.meta.id, "--pseudonym", "aisha=Zara", "--pseudonym", "Ben=B", data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    assert "Zara's case" in result.stdout and "- B\n" in result.stdout
    assert names_in(result.stdout) == set()  # --pseudonym implies --anonymise


def test_private_notes_only_with_the_flag(noted: Session, data_dir: Path) -> None:
    assert "worried about" not in cli("export", noted.meta.id, data_dir=data_dir).stdout
    result = cli("export", noted.meta.id, "--include-private", data_dir=data_dir)
    assert "worried about Ciara" in result.stdout
    assert "private_notes: true" in result.stdout


def test_learning_record_from_the_command_line(noted: Session, data_dir: Path, tmp_path: Path) -> None:
    result = cli("export", noted.meta.id, "--learning-record", "ben", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "# Learning record: Ben, Thursday 26 November 2026" in result.stdout
    assert "- asking first helped #formative" in result.stdout
    assert "- [ ] Read the guidance — next week" in result.stdout
    assert names_in(result.stdout) == {"Ben"}
    assert "Call the GP" not in result.stdout and "Jones" not in result.stdout
    out = tmp_path / "records"
    out.mkdir()
    result = cli(
        "export", noted.meta.id, "--learning-record", "Ben", "--anonymise", "-o", str(out), data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    (written,) = out.iterdir()
    assert written.name == "2026-11-26 Action Learning Set - learning record (B.).md"
    assert names_in(written.read_text()) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--learning-record", "Zoe"), "'Zoe' did not take part in this session"),
        (("--learning-record", "Ben", "--include-private"), "never holds private notes"),
        (("--pseudonym", "Ben"), "expected NAME=ALIAS"),
        (("--pseudonym", "=B"), "expected NAME=ALIAS"),
        (("--all", "-o", "out"), "not both"),
        (("--bogus",), "unrecognized arguments"),
    ],
)
def test_bad_export_options_are_one_line_and_status_2(
    noted: Session, data_dir: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("export", noted.meta.id, *args, data_dir=data_dir)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--all"), "--all needs a folder"),
        (("export",), "needs a session id"),
        (("export", "--all", "-o", "x", "--learning-record", "Ben"), "is for one session"),
    ],
)
def test_bad_export_all_options(data_dir: Path, args: tuple[str, ...], message: str) -> None:
    result = cli(*args, data_dir=data_dir)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_export_all_writes_one_private_file_per_session(data_dir: Path, als: Format, tmp_path: Path) -> None:
    sessions = [record_with_notes(data_dir, als, FakeClock()) for _ in range(3)]
    out = tmp_path / "exports" / "all"
    result = cli("export", "--all", "-o", str(out), "--anonymise", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    files = sorted(out.iterdir())
    assert len(files) == 3  # three sessions of one format on one day: no name collides
    assert out.stat().st_mode & 0o777 == 0o700
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    texts = {f.read_text() for f in files}
    assert {next(line for line in t.splitlines() if line.startswith("session:")) for t in texts} == {
        f'session: "{s.meta.id}"' for s in sessions
    }
    assert all(names_in(t) == set() for t in texts)
    assert result.stderr == f"Exported 3 sessions to {out}\n"  # not a terminal: no progress bar
    again = cli("export", "--all", "-o", str(out), "--anonymise", data_dir=data_dir)
    assert (
        again.returncode == 0 and "0 sessions" in again.stderr and "3 already there unchanged" in again.stderr
    )
    assert len(list(out.iterdir())) == 3
    (out / files[0].name).write_text("my own edits")
    third = cli("export", "--all", "-o", str(out), "--anonymise", data_dir=data_dir)
    assert third.returncode == 0 and "Exported 1 session " in third.stderr
    assert (out / files[0].name).read_text() == "my own edits"  # never overwritten
    assert len(list(out.iterdir())) == 4


def test_export_all_shows_a_progress_bar_on_a_terminal(
    noted: Session, data_dir: Path, tmp_path: Path
) -> None:
    import pty

    leader, follower = pty.openpty()
    env = dict(os.environ, PEERCIRCLE_HOME=str(data_dir))
    with subprocess.Popen(
        [sys.executable, "-m", "peercircle", "export", "--all", "-o", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        cwd=ROOT,
    ) as proc:
        os.close(follower)
        proc.wait(timeout=60)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert b"\rExporting [##############################] 1/1" in seen
    assert b"Exported 1 session to" in seen


def test_export_all_with_no_sessions(tmp_path: Path) -> None:
    result = cli("--data-dir", str(tmp_path / "empty"), "export", "--all", "-o", str(tmp_path / "out"))
    assert result.returncode == 0 and "No sessions to export" in result.stderr
    assert not (tmp_path / "out").exists()


def test_export_all_into_a_file_is_refused(noted: Session, data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    result = cli("export", "--all", "-o", str(target), data_dir=data_dir)
    assert result.returncode == 2 and "is a file" in result.stderr


def test_export_never_replaces_a_file_unless_asked(saved: Session, data_dir: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("someone's record\n")
    refused = cli("export", saved.meta.id, "-o", str(kept), data_dir=data_dir)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert kept.read_text() == "someone's record\n"
    forced = cli("export", saved.meta.id, "-o", str(kept), "--force", data_dir=data_dir)
    assert forced.returncode == 0, forced.stderr
    assert kept.read_text().startswith("---\n")


def test_export_output_names_that_are_not_files(saved: Session, data_dir: Path, tmp_path: Path) -> None:
    empty = subprocess.run(
        [sys.executable, "-m", "peercircle", "--data-dir", str(data_dir), "export", saved.meta.id, "-o", ""],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert empty.returncode == 2 and "-o needs a file" in empty.stderr
    assert list(tmp_path.glob("*.md")) == []  # nothing written into the current folder
    dash = subprocess.run(
        [sys.executable, "-m", "peercircle", "--data-dir", str(data_dir), "export", saved.meta.id, "-o", "-"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert dash.returncode == 0 and dash.stdout.startswith("---\n")
    assert not (tmp_path / "-").exists()


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    for command in (("list",), ("retention",), ("export", "--all", "-o", str(tmp_path / "out"))):
        result = cli("--data-dir", str(a_file), *command)
        assert result.returncode == 2, command
        assert "is a file, not a folder" in result.stderr and result.stderr.count("\n") == 1
    assert a_file.read_text() == "not a folder"
