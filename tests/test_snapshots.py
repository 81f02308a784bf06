"""What the screens look like: at a laptop size and a projector size, in the default and
the high-contrast projector theme.

Synchronous tests (snap_compare runs its own event loop), a fixed clock, a fixed session
id, and a display that refreshes only when the test says, so every run draws the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.widgets import TextArea

from sessions.clock import FakeClock
from tui.app import PeerCircleApp

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


async def _into_live(pilot, format_downs: int = 0, names: str = "Aisha,Ben,Ciara,Dev,Eilidh") -> None:
    await pilot.press("n")
    for _ in range(format_downs):
        await pilot.press("down")
    await pilot.press("enter", *names, "enter", "enter")
    await pilot.pause()
    pilot.app.screen.query_one(TextArea).cursor_blink = False


async def home(pilot) -> None:
    await pilot.pause()


async def choose_format(pilot) -> None:
    await pilot.press("n", "down", "down", "down")


async def group_with_a_mistake(pilot) -> None:
    await pilot.press("n", "enter", *"Ann,Bob,ann", "enter")


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
    await _into_live(pilot, format_downs=2, names="Ann,Bob,Cat,Dee")  # Check-in
    await pilot.press("ctrl+n", "ctrl+o")
    await _advance(pilot, 41)


async def live_presenter_listens_paused(pilot) -> None:
    await _into_live(pilot, format_downs=3)  # Solution Circle
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f")
    await _advance(pilot, 250)
    await pilot.press("ctrl+t")


async def live_dialogue(pilot) -> None:
    await _into_live(pilot, format_downs=3)  # Solution Circle: dialogue is phase 4
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f", "ctrl+f")
    await _advance(pilot, 30)


async def live_open_with_a_marked_speaker(pilot) -> None:
    await _into_live(pilot, format_downs=1, names="Ann,Bob,Cat,Dee,Eve,Fay")  # Balint group
    for _ in range(4):
        await pilot.press("ctrl+f")
        await pilot.pause()
        if pilot.app.screen.__class__.__name__ == "ConfirmScreen":
            await pilot.press("y")
            await pilot.pause()
    await pilot.press("escape", "3")
    await _advance(pilot, 20)


async def live_silence_is_calm(pilot) -> None:
    await _into_live(pilot, format_downs=6, names="Ann,Bob,Cat")  # user formats come last
    await _advance(pilot, 100)


async def live_projector_mode(pilot) -> None:
    await _into_live(pilot)
    await pilot.press(*"shared words", "f2", "f2", *"private worry", "f9")
    await _advance(pilot, 30)


async def summary(pilot) -> None:
    await _into_live(pilot, format_downs=2, names="Ann,Bob,Cat")  # Check-in round
    await pilot.press(*"Ann: busy week", "ctrl+n")
    await _advance(pilot, 70)
    await pilot.press("ctrl+n", "ctrl+n", "f10")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


async def help_screen(pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


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
    monkeypatch.setattr("sessions.session.secrets.token_hex", lambda n: "c0de")
    # The flash at zero and toasts end on real-time timers; a picture must not depend on
    # how fast the machine took it.
    monkeypatch.setattr("tui.screens.live.FLASH_SECONDS", 0)
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


@pytest.mark.parametrize("theme", THEMES)
def test_too_small(snap_compare, make_app, theme: str) -> None:
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(50, 15))
