"""The app driven through Textual's Pilot, as a facilitator would drive it."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from textual.widgets import DataTable, Digits, Static, TextArea

from sessions.clock import FakeClock
from tui.app import PeerCircleApp
from tui.screens.confirm import ConfirmScreen
from tui.screens.home import HomeScreen
from tui.screens.live import LiveScreen
from tui.screens.summary import SummaryScreen

# Short names and notes: every simulated key costs ~60 ms of Pilot's idle-waiting here.
NAMES = "Aisha,Ben,Ciara,Dev,Eilidh,Fraser"


def make_app(data_dir: Path, clock: FakeClock, tmp_path: Path) -> PeerCircleApp:
    return PeerCircleApp(data_dir=data_dir, clock=clock, export_dir=tmp_path / "exports")


async def start_session(
    pilot, format_downs: int = 0, names: str = NAMES, presenter_downs: int | None = 0
) -> None:
    """Home -> format -> names -> presenter (None: the format has no presenter)."""
    await pilot.press("n")
    await pilot.pause()
    for _ in range(format_downs):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*names)
    await pilot.press("enter")
    if presenter_downs is not None:
        for _ in range(presenter_downs):
            await pilot.press("down")
        await pilot.press("enter")
    await pilot.pause()


def text_of(app: PeerCircleApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_a_whole_session_from_format_to_markdown(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        fmt = screen.session.meta.format
        assert text_of(app, "#phase-name") == "Present the issue"
        assert text_of(app, "#speaker") == "Aisha"
        assert app.screen.query_one("#countdown", Digits).value == "05:00"
        for index, phase in enumerate(fmt.phases):
            assert text_of(app, "#phase-name") == phase.name
            await pilot.press(*f"n{index}")
            clock.advance(60 * (index + 1))
            await pilot.press("ctrl+f")  # works while typing
            await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # the last phase asks before ending
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("x")
        await pilot.pause()
        (exported,) = (tmp_path / "exports").glob("*.md")
        markdown = exported.read_text()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == markdown
    tokens = MarkdownIt("gfm-like").parse(markdown)
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == ["Timing"] + [f"{i}. {p.name}" for i, p in enumerate(fmt.phases, 1)]
    for index in range(len(fmt.phases)):
        assert f"\n\nn{index}" in markdown
    assert "| 1 | Present the issue | 05:00 | 01:00 | -04:00 |" in markdown


async def test_controls_with_single_keys_and_while_typing(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        session = app.screen.session
        assert isinstance(app.screen.focused, TextArea)
        await pilot.press("ctrl+t")
        assert session.view().paused
        await pilot.press("ctrl+t", "ctrl+f")
        assert not session.view().paused and text_of(app, "#speaker") == "Ben"
        await pilot.press("ctrl+n")
        assert text_of(app, "#speaker") == "Ciara"
        await pilot.press("ctrl+o")
        assert text_of(app, "#speaker") == "Dev"
        assert session.timeline.turns[1].passed
        # Typed letters go into the notes, not to the controls.
        await pilot.press("n", "p", "space", "f")
        assert app.screen.query_one("#notes", TextArea).text == "np f"
        assert text_of(app, "#speaker") == "Dev"
        # Escape leaves the editor; now single keys work.
        await pilot.press("escape")
        assert app.screen.focused is None
        await pilot.press("space")
        assert session.view().paused
        await pilot.press("space", "n")
        assert text_of(app, "#speaker") == "Eilidh"
        await pilot.press("p")
        assert text_of(app, "#speaker") == "Fraser"
        await pilot.press("f")
        assert session.view().phase_index == 2
        await pilot.press("i")
        assert isinstance(app.screen.focused, TextArea)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen) and not session.ended
        await pilot.press("escape", "e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert session.ended and isinstance(app.screen, SummaryScreen)


async def test_overtime_shows_words_and_rings_once(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    bells = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        screen = app.screen
        clock.advance(250)
        screen.refresh_view()
        assert text_of(app, "#clock-state") == "1 MIN LEFT"
        assert screen.has_class("-warning")
        clock.advance(83)
        screen.refresh_view()
        await pilot.pause()
        assert screen.query_one("#countdown", Digits).value == "+00:33"
        assert text_of(app, "#clock-state") == "OVERTIME"
        assert screen.has_class("-overtime")
        clock.advance(10)
        screen.refresh_view()
        assert bells == [1]


async def test_notes_are_on_disk_and_history_opens_read_only(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, format_downs=2, names="Ann,Bob,Cat", presenter_downs=None)  # Check-in
        await pilot.press(*"tired")
        session_id = app.screen.session.meta.id
        await pilot.press("ctrl+q")  # quit mid-session: saved first
    stored = app.store.load(session_id)
    assert stored.note_for(0).text == "tired"
    assert not stored.ended

    again = make_app(data_dir, clock, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, HomeScreen)
        table = again.screen.query_one("#history", DataTable)
        assert table.row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(again.screen, SummaryScreen) and again.screen.read_only
        assert "tired" in again.screen.markdown
        await pilot.press("escape")
        assert isinstance(again.screen, HomeScreen)


async def test_bad_group_input_is_explained_and_nothing_starts(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "enter")
        await pilot.pause()
        await pilot.press(*"Ann, ann", "enter")
        await pilot.pause()
        assert "appears twice" in text_of(app, "#group-error")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not (data_dir / "sessions").exists() or not list((data_dir / "sessions").iterdir())
