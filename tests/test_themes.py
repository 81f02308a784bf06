"""The room themes: readable at a distance, chosen from the palette, kept between runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.storage.settings import Settings
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.themes import THEMES, contrast
from tests.waiting import wait_for_command


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_every_text_colour_reaches_7_to_1(theme) -> None:
    colours = [theme.primary, theme.secondary, theme.accent, theme.warning, theme.error, theme.success]
    colours += [theme.foreground, theme.variables["text-muted"]]
    for colour in colours:
        assert contrast(colour, theme.background) >= 7, colour


def test_contrast_matches_the_wcag_reference_values() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


async def test_the_theme_chosen_is_kept_between_runs(data_dir: Path, tmp_path: Path) -> None:
    app = PeerCircleApp(data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path, refresh_interval=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        assert "peercircle-projector" in app.available_themes
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")  # the palette's "Theme" command lists every theme
        await wait_for_command(pilot, "Theme")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"projector")
        await wait_for_command(pilot, "peercircle-projector")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "peercircle-projector"
    assert Settings.load(data_dir).theme == "peercircle-projector"
    again = PeerCircleApp(data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path, refresh_interval=3600)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "peercircle-projector"


async def test_an_unknown_saved_theme_falls_back_quietly(data_dir: Path, tmp_path: Path) -> None:
    data_dir.mkdir(parents=True)
    Settings(theme="no-such-theme").save(data_dir)
    app = PeerCircleApp(data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path, refresh_interval=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


def test_no_color_is_respected(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PeerCircleApp(data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path, refresh_interval=3600)
    assert app.no_color  # Textual then draws in monochrome


async def test_home_and_summary_actions_are_in_the_palette(data_dir: Path, tmp_path: Path) -> None:
    app = PeerCircleApp(data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path, refresh_interval=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"New session", "Open the highlighted session", "Delete the highlighted session"} <= titles
