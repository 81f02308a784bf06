"""What the screens look like, at a laptop size and a projector size.

Synchronous tests (snap_compare runs its own event loop), a fixed clock, and a fixed
session id so that every run draws the same picture.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from sessions.clock import FakeClock
from tui.app import PeerCircleApp

SIZES = [(80, 24), (160, 45)]


@pytest.fixture
def app(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PeerCircleApp:
    monkeypatch.setattr("sessions.session.secrets.token_hex", lambda n: "c0de")
    # The display refreshes only when a test says so: a timer tick landing just before or
    # just after the screenshot would otherwise make the picture differ between runs.
    return PeerCircleApp(
        data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path / "exports", refresh_interval=3600
    )


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


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_empty(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_choose_format(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, press=["n", "down", "down", "down"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_group_with_a_mistake(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, press=["n", "enter", *"Ann,Bob,ann", "enter"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_live_presenter_phase_with_notes(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await _into_live(pilot)
        await pilot.press(*"Referral drift")
        await _advance(pilot, 95)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_live_questions_in_overtime(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await _into_live(pilot)
        await _next_phase_early(pilot)
        await pilot.press("ctrl+n")
        await pilot.press("escape")
        await _advance(pilot, 683)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_live_presenter_listens_paused(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await _into_live(pilot, format_downs=3)  # Solution Circle
        await _next_phase_early(pilot)
        await pilot.press("ctrl+f")
        await _advance(pilot, 250)
        await pilot.press("ctrl+t")

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_summary(snap_compare, app: PeerCircleApp, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await _into_live(pilot, format_downs=2, names="Ann,Bob,Cat")  # Check-in round
        await pilot.press(*"Ann: busy week", "ctrl+n")
        await _advance(pilot, 70)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)


SILENT = """# Quiet reflection

- Source: peercircle tests
- Presenter: no

## Write on your own
- Minutes: 3
- Mode: silence
- Rule: No talking. Write what stayed with you.
"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_live_silence_is_calm(
    snap_compare, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    (data_dir / "formats").mkdir(parents=True)
    (data_dir / "formats" / "quiet.md").write_text(SILENT, encoding="utf-8")
    monkeypatch.setattr("sessions.session.secrets.token_hex", lambda n: "c0de")
    app = PeerCircleApp(
        data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path / "e", refresh_interval=3600
    )

    async def run_before(pilot) -> None:
        await _into_live(pilot, format_downs=6, names="Ann,Bob,Cat")  # user formats come last
        await _advance(pilot, 100)

    assert snap_compare(app, run_before=run_before, terminal_size=size)
