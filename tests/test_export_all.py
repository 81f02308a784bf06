"""``export --all`` renders a long history in worker processes (issue 14): what it writes,
keeps, names and says is what rendering the sessions one after another gives."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.library.formats import Format
from peercircle.tui import cli_export
from peercircle.tui.cli import main
from tests.test_cli import record, record_with_notes

OPTIONS = (
    (),
    ("--include-private",),
    ("--anonymise", "--also-hide", "Mrs Jones", "--pseudonym", "Ben=Bo"),
)


@pytest.fixture
def history(data_dir: Path, als: Format) -> Path:
    """Sessions whose files would share a name (one format, one day), one of another format
    name, and notes with names in them."""
    for _ in range(3):
        record_with_notes(data_dir, als, FakeClock())
    record(data_dir, dataclasses.replace(als, name="Ann's circle"), FakeClock())
    record(data_dir, als, FakeClock(wall=datetime(2026, 1, 5, 9, 0, tzinfo=UTC)))
    return data_dir


def export_all(
    data_dir: Path, out: Path, args: tuple[str, ...], parallel: bool, monkeypatch: pytest.MonkeyPatch, capsys
) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """``export --all`` through the command's own entry point, in worker processes or here."""
    with monkeypatch.context() as patch:
        patch.setattr(cli_export, "PARALLEL_FROM", 1 if parallel else 10**9)
        patch.setattr(cli_export, "worker_count", lambda sessions: 2 if parallel else 0)
        status = main(["--data-dir", str(data_dir), "export", "--all", "-o", str(out), *args])
    return status, capsys.readouterr().err.replace(str(out), "OUT")


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("args", OPTIONS, ids=["plain", "private", "anonymised"])
def test_workers_write_what_one_process_writes(
    history: Path, tmp_path: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    outcomes = {}
    for parallel in (False, True):
        out = tmp_path / ("workers" if parallel else "here")
        out.mkdir()
        (out / "2026-11-26 Action Learning Set.md").write_text("a file of the user's own")  # kept
        first = export_all(history, out, args, parallel, monkeypatch, capsys)
        again = export_all(history, out, args, parallel, monkeypatch, capsys)  # all kept
        outcomes[parallel] = (first, again, contents(out))
    assert outcomes[True] == outcomes[False]
    (status, message), (again_status, again_message), files = outcomes[True]
    assert status == 0 and message == "Exported 5 sessions to OUT\n"
    assert again_status == 0 and again_message == "Exported 0 sessions to OUT; 5 already there unchanged\n"
    assert len(files) == 6 and files["2026-11-26 Action Learning Set.md"] == b"a file of the user's own"


def test_a_problem_met_in_a_worker_is_the_same_one_line(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    args = ("--pseudonym", "Aisha=Ben")  # Ben's own name: refused, whichever process sees it
    outcomes = [
        export_all(history, tmp_path / str(parallel), args, parallel, monkeypatch, capsys)
        for parallel in (False, True)
    ]
    assert outcomes[0] == outcomes[1]
    status, message = outcomes[1]
    assert status == 2
    assert message == "peercircle: the pseudonym 'Ben' for Aisha is the name of Ben; choose another\n"


def test_how_many_workers() -> None:
    assert cli_export.worker_count(cli_export.PARALLEL_FROM - 1) == 0  # a short history: here
    assert 0 <= cli_export.worker_count(10_000) <= cli_export.MAX_WORKERS
