"""Shown instead of a broken layout when the window is too small; goes when it grows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from peercircle.tui.base import PeerCircleScreen

MIN_WIDTH = 60
MIN_HEIGHT = 18


class TooSmallScreen(PeerCircleScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #too-small {
        width: 100%;
        height: 100%;
        content-align: center middle;
        text-align: center;
        text-style: bold;
        color: $warning;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        self.show(self.app.size.width, self.app.size.height)

    def show(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(
            f"The window is {width}×{height}.\n\npeercircle needs at least {MIN_WIDTH}×{MIN_HEIGHT}: "
            "make the window larger or the font smaller.\n\nThe clock keeps running and nothing is lost."
        )
