"""Start-up and the first search do not wait on anything that grows with the history
(issue 14): the first frame comes before the folder is opened and listed, the resume offer
and the problems come once known, the purge still runs before any session starts, and
searching reads only what it needs. Speed itself is measured in bench/, never here."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable, Input, Static

import peercircle.sessions.records.history as history
from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.settings import Settings
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.history import FIRST_ROWS, HistoryScreen
from peercircle.tui.screens.home import LOADING, HomeScreen
from tests.past_sessions import make_app, past_session
from tests.scenes import start_live
from tests.waiting import settle_workers, wait_for, wait_for_home


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_the_first_frame_does_not_wait_for_the_history(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(data_dir, writer=True)
    past_session(store, datetime(2026, 11, 3, 14, 0), shared="kept")
    gate = threading.Event()
    listing = SessionStore.list_sessions

    def slow_listing(self: SessionStore):  # a history that takes long to list
        gate.wait(timeout=10)
        return listing(self)

    monkeypatch.setattr(SessionStore, "list_sessions", slow_listing)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # Before: the home screen listed the history before its first frame (here, ten
        # seconds later, with the table already filled).
        assert isinstance(app.screen, HomeScreen)
        assert text_of(app, "#history-empty") == LOADING
        assert not app.screen.query("#history")  # the table comes with the list
        assert not app.folder_is_open
        gate.set()
        await wait_for_home(pilot)
        table = app.screen.query_one("#history", DataTable)
        assert table.display and table.row_count == 1
        assert "Enter opens the highlighted session" in text_of(app, "#history-empty")


def test_the_app_imports_only_what_its_first_frame_needs() -> None:
    # Before: the store (and TinyDB with it), the session engine and filelock were imported
    # with the app, a third of the time to the first frame.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, peercircle.tui.app; print(' '.join(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(out.stdout.split())
    for later in (
        "peercircle.sessions.storage.store",
        "peercircle.sessions.storage.lock",
        "peercircle.sessions.engine.session",
        "peercircle.sessions.records.summary",
        "filelock",
        "tinydb",
    ):
        assert later not in loaded, later


async def test_the_retention_purge_runs_before_a_session_starts_however_quick(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(data_dir, writer=True)
    old = past_session(store, clock.now() - timedelta(days=40), shared="old")
    settings = Settings.load(data_dir)
    settings.retention_days = 30
    settings.save(data_dir)
    order: list[str] = []
    purge, start = SessionStore.purge, Autosaver.start

    def purging(self: SessionStore, *args, **kwargs):
        order.append("purge")
        return purge(self, *args, **kwargs)

    def starting(self: Autosaver, *args, **kwargs):
        order.append("start")
        return start(self, *args, **kwargs)

    monkeypatch.setattr(SessionStore, "purge", purging)
    monkeypatch.setattr(Autosaver, "start", starting)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "Ann, Bob, Cat")  # at once, no waiting
        assert order[:2] == ["purge", "start"]
        ids = [e.id for e in app.store.list_sessions()]
        assert old.meta.id not in ids and app.autosaver is not None
        assert app.autosaver.session.meta.id in ids or app.autosaver.pending


async def test_problems_and_the_resume_offer_come_once_the_folder_is_open(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.tui.screens.confirm import ConfirmScreen

    store = SessionStore(data_dir, writer=True)
    past_session(store, datetime(2026, 11, 3, 14, 0), shared="left running", end=False)
    (store.sessions_dir / "20260101-0900-dead.json").write_text("{cut short", encoding="utf-8")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the resume offer")
        await pilot.press("n")  # not now
        await wait_for_home(pilot)
        assert "could not be read" in text_of(app, "#problems")
        assert "not ended" in str(app.screen.query_one("#history", DataTable).get_row_at(0)[-1])


# -- searching ---------------------------------------------------------------------------


def _fold_whole(text: str) -> str:
    """Folding as it was: the whole text, a character at a time."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@given(st.text())
def test_folding_in_runs_is_folding_the_whole_text(text: str) -> None:
    assert history.fold(text) == _fold_whole(text)


note_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ['"notes":{"1":{"text":"x"}}', ',"notes":', '{"notes":{}}', '\\"notes\\":', "Ben — by Friday", "ÉCOLE"]
)


# 200 examples, not the suite's 1,000: each writes and reads a file (22 s at 1,000).
@settings(max_examples=200)
@given(
    notes=st.lists(st.tuples(note_text, st.sampled_from(["shared", "action", "private"])), max_size=6),
    layout=st.sampled_from(["meta-first", "notes-first", "no-notes"]),
)
def test_the_note_text_reader_reads_what_the_store_reads(
    notes: list[tuple[str, str]], layout: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("notes")
    store = SessionStore(folder, writer=False)
    table = {
        str(i + 1): {
            "id": f"n{i}",
            "phase_index": 0,
            "text": text,
            "created": "",
            "updated": "",
            "kind": kind,
        }
        for i, (text, kind) in enumerate(notes)
    }
    meta = {"1": {"id": "s", "notes": "a field named notes, in a string"}}
    doc = {"notes": table, "meta": meta} if layout == "notes-first" else {"meta": meta, "notes": table}
    if layout == "no-notes":
        del doc["notes"]
    store.sessions_dir.mkdir(parents=True, exist_ok=True)
    path = store.path_for("s")
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    expected = _fold_whole("\n".join(n.text for n in store.read_notes("s") if n.kind != "private"))
    assert history._read_note_text(store, str(path), "s") == expected


async def test_the_history_reads_note_text_from_the_moment_it_opens(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(data_dir, writer=True)
    past_session(store, datetime(2026, 11, 3, 14, 0), shared="tenancy")
    happened: list[str] = []
    run_worker, describe = HistoryScreen.run_worker, HistoryScreen._describe

    def running(self: HistoryScreen, work, *args, name: str = "", **kwargs):
        happened.append(name)
        return run_worker(self, work, *args, name=name, **kwargs)

    def listed(self: HistoryScreen, query) -> None:
        happened.append("listed")
        describe(self, query)

    monkeypatch.setattr(HistoryScreen, "run_worker", running)
    monkeypatch.setattr(HistoryScreen, "_describe", listed)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_home(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: "listed" in happened, what="the history listed")
        # Before: the note text was read from half a second after the list was shown, and
        # a word typed at once waited on all of it.
        assert happened.index("history-warm") < happened.index("listed")


async def test_a_long_result_is_listed_a_screenful_first_and_then_whole(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    store = SessionStore(data_dir, writer=True)
    first = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    count = FIRST_ROWS + 45
    for i in range(count):
        past_session(store, first + timedelta(days=i), shared="housing" if i % 2 else "rota")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_home(pilot)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-table", DataTable)
        await wait_for(pilot, lambda: screen._shown_text == "", what="the history listed")
        # Typed while the rows of the whole list may still be going in: only its own stay.
        screen.query_one("#history-search", Input).value = "housing"
        await wait_for(pilot, lambda: screen._shown_text == "housing", what="the search")
        await settle_workers(pilot)
        await wait_for(pilot, lambda: table.row_count == count // 2, what="the matches listed")
        keys = [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]
        assert keys == [row.id for row in screen.rows]
        screen.query_one("#history-search", Input).value = ""
        await wait_for(pilot, lambda: table.row_count == count, what="every session listed again")


@pytest.mark.parametrize("theme", ["peercircle-projector", "peercircle-light"])
async def test_a_saved_theme_is_drawn_from_the_first_frame_without_restyling_everything(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    # Chosen the ordinary way, the home screen as the room sees it:
    chosen = make_app(data_dir, clock, tmp_path)
    async with chosen.run_test(size=(100, 30)) as pilot:
        chosen.theme = theme
        await wait_for_home(pilot)
        await settle_workers(pilot)
        expected = chosen.export_screenshot()
    assert Settings.load(data_dir).theme == theme
    refreshes: list[str] = []
    refresh_css = PeerCircleApp.refresh_css

    def counting(self: PeerCircleApp, *args, **kwargs) -> None:
        refreshes.append(self.theme)
        refresh_css(self, *args, **kwargs)

    monkeypatch.setattr(PeerCircleApp, "refresh_css", counting)
    again = make_app(data_dir, clock, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_for_home(pilot)
        await settle_workers(pilot)
        # Before: set once the app ran, which parsed every stylesheet again and restyled
        # every widget before the first frame.
        assert refreshes == []
        assert again.theme == theme
        assert again.export_screenshot() == expected
