"""Shared fixtures. Every test runs with a private data folder and a fake HOME, so no test
can ever read or write a user's real sessions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library, load_library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.store import SessionStore

# Every property in the suite runs at least this many examples in a normal run (CI too):
# a rare interleaving that 200 examples missed once failed a clean clone. No deadline, as
# CI machines vary; a slow property gets a cheaper strategy, not fewer examples.
settings.register_profile("peercircle", max_examples=1000, deadline=None)
settings.load_profile("peercircle")


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PEERCIRCLE_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PEERCIRCLE_EXPORT_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    return home


@pytest.fixture
def store(data_dir: Path) -> SessionStore:
    """The data folder's store, as the app's writer has it (files with their own setup
    keep their own fixture)."""
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    return store


def loads_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the session files read through ``SessionStore.load`` from now on."""
    loaded: list[str] = []
    real_load = SessionStore.load

    def counting_load(self: SessionStore, session_id: str, clock: object = None) -> Session:
        loaded.append(session_id)
        return real_load(self, session_id, clock)  # type: ignore[arg-type]

    monkeypatch.setattr(SessionStore, "load", counting_load)
    return loaded


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture
def als(library: Library) -> Format:
    fmt = library.get("action-learning-set")
    assert fmt is not None
    return fmt


GROUP = ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser")


@pytest.fixture
def als_session(als: Format, clock: FakeClock) -> Session:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    session.start()
    return session


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--kills",
        default="20",
        help="how many times the random-kill test kills its writer (default 20: a few seconds)",
    )


# The longest single tests (a wheel build, the thousand-example properties) run first, so
# no worker is left running one of them alone at the end while the other has finished:
# with --dist worksteal an idle worker takes the short tests queued behind them.
SLOW_FIRST = (
    "tests/test_wheel.py::",
    "tests/test_serve_browser.py::",  # a browser and two servers, started early
    "tests/test_export_records.py::test_no_note_text_adds_a_heading_html_or_a_link",
    "tests/test_session_properties.py::",
    "tests/test_format_files.py::test_any_printable_name_round_trips",
    "tests/test_undo_replay.py::",
    "tests/test_undone_notes.py::",
    "tests/test_fast_start.py::test_the_note_text_reader_reads_what_the_store_reads",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A stable sort on a fixed key: every worker collects the same order.
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per processor. Pilot tests spend much of their time waiting
    on the event loop, so extra workers keep every core busy (on this 2-core machine, 750
    tests: 238 s with 3 workers, 206 s with 4, 244 s with 5)."""
    return 2 * (os.cpu_count() or 1)
