"""The real ``peercircle`` command, with a key that makes its UI thread busy, for the signal
tests in test_big_files.py: ``python -m tests.busy_app STATUS_FD [peercircle arguments]``.

It resumes the session left running in the data folder without asking, and says on the
pipe STATUS_FD (one line each): "ready" once the notes editor has the focus; "notes NOTES"
for F11; "busy NOTES" when F12 starts a minute of Python work on the UI thread. NOTES is
the session's notes as typed so far, joined by "|". Nothing else differs from the command
a user runs.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from textual.binding import Binding
from textual.widgets import TextArea

from peercircle.tui import app as app_module
from peercircle.tui.cli import main
from peercircle.tui.screens.live import LiveScreen

STATUS = int(sys.argv[1])


def say(*words: object) -> None:
    os.write(STATUS, (" ".join(str(w) for w in words) + "\n").encode())


class BusyApp(app_module.PeerCircleApp):
    BINDINGS = [Binding("f11", "notes", priority=True), Binding("f12", "busy", priority=True)]
    # Textual finds CSS_PATH beside the module of the class that sets it: the app's own file.
    CSS_PATH = str(Path(app_module.__file__).with_name("peercircle.tcss"))

    def offer_resume(self) -> None:
        waiting = [e for e in self.store.list_sessions() if not e.ended]
        assert waiting, "the test leaves a session running"
        self.resume_session(waiting[0].id)
        self._ready = self.set_interval(0.02, self._say_when_ready)

    def _say_when_ready(self) -> None:
        if isinstance(self.screen, LiveScreen) and isinstance(self.screen.focused, TextArea):
            self._ready.stop()
            say("ready")

    def _notes(self) -> str:
        saver = self.autosaver
        return "|".join(n.text for n in saver.session.notes) if saver else ""

    def action_notes(self) -> None:
        say("notes", self._notes())

    def action_busy(self) -> None:
        say("busy", self._notes())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # Python work: what a huge file once cost the UI thread
            sum(range(1000))


if __name__ == "__main__":
    app_module.PeerCircleApp = BusyApp  # type: ignore[misc]
    sys.exit(main(sys.argv[2:]))
