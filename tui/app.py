"""The peercircle application: owns the store, the format library and the running session."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sessions.autosave import Autosaver
from sessions.clock import Clock, SystemClock
from sessions.format_file import Library, load_library
from sessions.paths import default_data_dir, default_export_dir
from sessions.session import Session
from sessions.store import SessionStore
from tui.screens.home import HomeScreen


class PeerCircleApp(App[None]):
    TITLE = "peercircle"
    CSS_PATH = "peercircle.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False, tooltip="Save and quit"),
    ]

    def __init__(
        self,
        data_dir: Path | None = None,
        clock: Clock | None = None,
        export_dir: Path | None = None,
        refresh_interval: float = 0.25,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir or default_data_dir()
        self.export_dir = export_dir or default_export_dir(self.data_dir)
        self.clock: Clock = clock or SystemClock()
        self.refresh_interval = refresh_interval
        self.store = SessionStore(self.data_dir)
        self.library: Library = load_library(self.data_dir / "formats")
        self.autosaver: Autosaver | None = None
        self.bell_muted = False
        self.startup_problem: str | None = None

    def on_mount(self) -> None:
        try:
            self.store.prepare()
        except OSError as exc:
            self.startup_problem = (
                f"The data folder {self.data_dir} cannot be used ({exc.strerror or exc}). "
                "Past sessions may be missing and new notes cannot be saved; "
                "start peercircle with --data-dir pointing at a writable folder."
            )
        self.push_screen(HomeScreen())

    # -- the running session -------------------------------------------------------------

    def begin_session(self, session: Session) -> None:
        """Start recording ``session`` to disk; called once the group is set."""
        self.finish_recording()
        self.autosaver = Autosaver(self.store, session).start()

    def finish_recording(self) -> bool:
        """Write everything still pending and stop the writer; True when all is on disk."""
        saver, self.autosaver = self.autosaver, None
        return saver.close() if saver else True

    async def action_quit(self) -> None:
        self.finish_recording()
        self.exit()

    def on_unmount(self) -> None:
        self.finish_recording()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # A screen can offer its own controls in the palette, for anyone who forgets a key.
        palette = getattr(screen, "palette_commands", None)
        if palette is not None:
            yield from palette()
