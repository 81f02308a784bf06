"""``peercircle mirror``: a read-only view of the live session for the room's screen.

A Textual app of its own, not the facilitator's: it has no session to write, no lock to
take, no notes to type and no command palette, so a second terminal on the projector (or a
browser visitor, through ``peercircle serve``) can only watch. It needs nothing from the
terminal beyond what Textual gives any app.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from peercircle.sessions.engine.clock import Clock, SystemClock
from peercircle.sessions.library.decks import DeckLibrary, load_decks
from peercircle.sessions.storage.follow import SessionFollower
from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.settings import Settings
from peercircle.tui.screens.mirror import MirrorScreen
from peercircle.tui.themes import PROJECTOR, THEMES

POLL_SECONDS = 0.15
"""How often the data folder is looked at: a change on the facilitator's screen reaches the
wall within this plus one read of the session file (bench/mirror.py measures it)."""


class MirrorApp(App[None]):
    """The room's view of the session live in ``data_dir``; read-only, whatever is pressed."""

    TITLE = "peercircle mirror"
    ENABLE_COMMAND_PALETTE = False  # nothing to command: the mirror only watches
    BINDINGS = [Binding("ctrl+q", "quit", "Close the mirror", priority=True, show=False)]

    def __init__(
        self,
        data_dir: Path | None = None,
        clock: Clock | None = None,
        poll_interval: float = POLL_SECONDS,
        follower: SessionFollower | None = None,
    ) -> None:
        """``follower``: how the folder is followed (tests give one with their own sense
        of when a heartbeat is stale); by default one for ``data_dir`` on ``clock``."""
        super().__init__()
        self.data_dir = data_dir or DataFolder.default().root
        self.clock: Clock = clock or SystemClock()
        self.poll_interval = poll_interval
        self.follower = follower or SessionFollower(self.data_dir, self.clock)
        self._decks: DeckLibrary | None = None
        for theme in THEMES:
            self.register_theme(theme)
        # The facilitator's chosen theme if they chose one of the room's; else the projector
        # theme (every colour 7:1 or better), as this view is always on a wall.
        saved = Settings.load(self.data_dir).theme
        self.theme = saved if saved in {t.name for t in THEMES} else PROJECTOR.name

    def decks(self) -> DeckLibrary:
        """The prompt decks (built-in and the facilitator's own), read when a card first shows."""
        if self._decks is None:
            self._decks = load_decks(DataFolder(self.data_dir).decks)
        return self._decks

    def on_mount(self) -> None:
        self.push_screen(MirrorScreen(self.follower, self.decks, self.poll_interval))
