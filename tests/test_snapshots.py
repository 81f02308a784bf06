"""What the screens look like: at a laptop size and a projector size, in the default and
the high-contrast projector theme.

Synchronous tests (snap_compare runs its own event loop), a fixed clock, a fixed session
id, and a display that refreshes only when the test says, so every run draws the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.agreement import AgreementScreen
from peercircle.tui.screens.group import GroupScreen

SIZES = [(80, 24), (160, 45)]
THEMES = ["textual-dark", "peercircle-projector"]

SILENT = """# Quiet reflection

- Source: peercircle tests
- Presenter: no

## Write on your own
- Minutes: 3
- Mode: silence
- Rule: No talking. Write what stayed with you.
"""


async def _advance(pilot, seconds: float) -> None:
    pilot.app.clock.advance(seconds)
    pilot.app.screen.refresh_view()
    await pilot.pause()


async def _next_phase_early(pilot) -> None:
    """Leave a protected phase before its time: the confirmation, answered yes."""
    await pilot.press("ctrl+f")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


async def _pick(pilot, fmt: str) -> None:
    if pilot.app.screen.__class__.__name__ != "ChooseFormatScreen":
        await pilot.press("n")
    await pilot.pause()
    options = pilot.app.screen.query_one("#formats", OptionList)
    options.highlighted = [options.get_option_at_index(i).id for i in range(options.option_count)].index(fmt)
    await pilot.pause()


async def _into_live(
    pilot, fmt: str = "action-learning-set", names: str = "Aisha,Ben,Ciara,Dev,Eilidh"
) -> None:
    await _pick(pilot, fmt)
    await pilot.press("enter", *names, "enter")
    await pilot.pause()
    if isinstance(pilot.app.screen, GroupScreen):
        await pilot.press("enter")  # the presenter
        await pilot.pause()
    assert isinstance(pilot.app.screen, AgreementScreen)
    await pilot.press("enter")
    await pilot.pause()
    pilot.app.screen.query_one(TextArea).cursor_blink = False


async def home(pilot) -> None:
    await pilot.pause()


async def choose_format(pilot) -> None:
    await _pick(pilot, "balint-group")


async def choose_format_broken_file(pilot) -> None:
    # Written only for this scene: the home screen lists broken files (with their paths,
    # which differ on every run) a moment after it opens.
    typo = pilot.app.data_dir / "formats" / "typo.md"
    typo.write_text(SILENT.replace("silence", "silent"), encoding="utf-8")
    await pilot.press("n", "r")
    await _pick(pilot, "invalid:0")


async def copy_and_edit(pilot) -> None:
    await _pick(pilot, "action-learning-set")
    await pilot.press("e")
    await pilot.pause()
    pilot.app.screen.query_one("#minutes-2", Input).value = "10"
    pilot.app.screen.query_one("#keep-6", Checkbox).value = False
    pilot.app.screen.set_focus(None)
    await pilot.pause()


async def agreement(pilot) -> None:
    await _pick(pilot, "check-in-round")
    await pilot.press("enter", *"Ann,Bob,Cat", "enter")
    await pilot.pause()


async def deck_picker(pilot) -> None:
    await _into_live(pilot)
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f", "f4")
    await pilot.pause()


async def live_with_a_card(pilot) -> None:
    await deck_picker(pilot)
    await pilot.press("enter", "escape")
    await _advance(pilot, 65)


async def group_with_a_mistake(pilot) -> None:
    await _pick(pilot, "action-learning-set")
    await pilot.press("enter", *"Ann,Bob,ann", "enter")
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False  # a blink would change the picture


async def live_presenter_with_notes(pilot) -> None:
    await _into_live(pilot)
    await pilot.press(*"Referral drift")
    await _advance(pilot, 95)


async def live_questions_in_overtime(pilot) -> None:
    await _into_live(pilot)
    await _next_phase_early(pilot)
    await pilot.press("ctrl+n", "escape")
    await _advance(pilot, 683)


async def live_go_round_with_turn_clock(pilot) -> None:
    await _into_live(pilot, "check-in-round", names="Ann,Bob,Cat,Dee")
    await pilot.press("ctrl+n", "ctrl+o")
    await _advance(pilot, 41)


async def live_presenter_listens_paused(pilot) -> None:
    await _into_live(pilot, "solution-circle")
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f")
    await _advance(pilot, 250)
    await pilot.press("ctrl+t")


async def live_dialogue(pilot) -> None:
    await _into_live(pilot, "solution-circle")  # dialogue is phase 4
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f", "ctrl+f")
    await _advance(pilot, 30)


async def live_open_with_a_marked_speaker(pilot) -> None:
    await _into_live(pilot, "balint-group", names="Ann,Bob,Cat,Dee,Eve,Fay")
    for _ in range(4):
        await pilot.press("ctrl+f")
        await pilot.pause()
        if pilot.app.screen.__class__.__name__ == "ConfirmScreen":
            await pilot.press("y")
            await pilot.pause()
    await pilot.press("escape", "3")
    await _advance(pilot, 20)


async def live_silence_is_calm(pilot) -> None:
    await _into_live(pilot, "quiet", names="Ann,Bob,Cat")  # a user format
    await _advance(pilot, 100)


async def live_projector_mode(pilot) -> None:
    await _into_live(pilot)
    await pilot.press(*"shared words", "f2", "f2", *"private worry", "f9")
    await _advance(pilot, 30)


async def summary(pilot) -> None:
    await _into_live(pilot, "check-in-round", names="Ann,Bob,Cat")
    await pilot.press(*"Ann: busy week", "ctrl+n")
    await _advance(pilot, 70)
    await pilot.press("ctrl+n", "ctrl+n", "f10")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


async def help_screen(pilot) -> None:
    await pilot.press("question_mark")
    # The Markdown widget lays out a long document in batches; let it finish.
    for _ in range(5):
        await pilot.pause(0.1)


SCENES: dict[str, Callable[..., Awaitable[None]]] = {
    f.__name__: f
    for f in (
        home,
        choose_format,
        group_with_a_mistake,
        live_presenter_with_notes,
        live_questions_in_overtime,
        live_go_round_with_turn_clock,
        live_presenter_listens_paused,
        live_dialogue,
        live_open_with_a_marked_speaker,
        live_silence_is_calm,
        live_projector_mode,
        summary,
        help_screen,
    )
}


@pytest.fixture
def make_app(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("peercircle.sessions.engine.session.secrets.token_hex", lambda n: "c0de")
    # The flash at zero and toasts end on real-time timers; a picture must not depend on
    # how fast the machine took it, so the flash is off (0) here.
    monkeypatch.setattr("peercircle.tui.screens.live.FLASH_SECONDS", 0)
    (data_dir / "formats").mkdir(parents=True)
    (data_dir / "formats" / "quiet.md").write_text(SILENT, encoding="utf-8")

    def make() -> PeerCircleApp:
        # The display refreshes only when a test says so: a timer tick landing just before
        # or after the screenshot would otherwise make the picture differ between runs.
        return PeerCircleApp(
            data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path / "e", refresh_interval=3600
        )

    return make


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare, make_app, scene: str, size: tuple[int, int], theme: str) -> None:
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await SCENES[scene](pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


async def summary_anonymised(pilot) -> None:
    await summary(pilot)
    await pilot.press("a")
    await pilot.pause()


async def history_search(pilot) -> None:
    await summary(pilot)
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("h")
    await pilot.pause()
    pilot.app.screen.query_one(Input).cursor_blink = False  # a blink would change the picture
    await pilot.press(*"busy")
    await pilot.pause(0.5)  # the search runs after a short pause in typing
    await pilot.pause()


NEW_SCENES: dict[str, Callable[..., Awaitable[None]]] = {
    f.__name__: f
    for f in (
        choose_format_broken_file,
        copy_and_edit,
        agreement,
        deck_picker,
        live_with_a_card,
        summary_anonymised,
        history_search,
    )
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(NEW_SCENES))
def test_library_screen(snap_compare, make_app, scene: str, size: tuple[int, int]) -> None:
    """The library's and the records' screens, in the default theme only (the themes are covered above)."""

    async def run_before(pilot) -> None:
        await NEW_SCENES[scene](pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
def test_too_small(snap_compare, make_app, theme: str) -> None:
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(50, 15))
