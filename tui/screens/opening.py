"""While a big session file is read: a message, and an app that keeps answering.

Reading a session replays every event it holds; a 50 MB file takes seconds (forty on a slow
laptop), so it is read off the UI thread while this screen says what is happening. The app's
keys (ctrl+q, F1 for help) work meanwhile, and Esc stops waiting. The screen answers with what the
reading gave: the session, the error that stopped it, or None when the user stopped waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import LoadingIndicator, Static

from peercircle.sessions.engine.session import Session
from peercircle.tui.base import PeerCircleScreen

Outcome = Session | Exception | None
_WAITING = object()
"""No outcome yet (None is an outcome: the user stopped waiting)."""


class OpeningScreen(PeerCircleScreen[Outcome]):
    # A whole screen, not a modal one: a modal screen shuts out the app's own keys (help)
    # as well as the screen below.
    BINDINGS = [Binding("escape", "stop", "Stop waiting")]

    # Here, not in peercircle.tcss: the screen is small and self-contained.
    DEFAULT_CSS = """
    OpeningScreen {
        align: center middle;
    }
    OpeningScreen > #opening {
        width: 64;
        max-width: 90%;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 1 2;
    }
    OpeningScreen #opening-message {
        text-style: bold;
    }
    OpeningScreen LoadingIndicator {
        height: 1;
        margin: 1 0;
    }
    OpeningScreen #opening-hint {
        color: $text-muted;
    }
    """

    def __init__(self, message: str, load: Callable[[], Session]) -> None:
        super().__init__()
        self.message = message
        self._load = load
        self._outcome: Outcome | object = _WAITING

    def compose(self) -> ComposeResult:
        with Vertical(id="opening"):
            yield Static(self.message, id="opening-message", markup=False)
            yield LoadingIndicator()
            yield Static(
                "The app keeps working meanwhile: Esc stops waiting, ctrl+q quits.", id="opening-hint"
            )

    def on_mount(self) -> None:
        self.run_worker(self._read(), name="open-session", group="open-session", exit_on_error=False)

    async def _read(self) -> None:
        # A plain daemon thread, not a Textual thread worker: those run in asyncio's default
        # executor, which the interpreter waits for when the app ends, so ctrl+q during a
        # long read would leave the process running until the read finished. This worker
        # only waits for the thread, and is cancelled with the screen.
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Outcome] = loop.create_future()

        def settle(outcome: Outcome) -> None:
            if not done.done():
                done.set_result(outcome)

        def read() -> None:
            outcome: Outcome
            try:
                outcome = self._load()
            except Exception as exc:  # noqa: BLE001 - handed to the UI thread, which reports it
                outcome = exc
            with contextlib.suppress(RuntimeError):  # the app has ended: nobody is waiting
                loop.call_soon_threadsafe(settle, outcome)

        threading.Thread(target=read, name="peercircle-open", daemon=True).start()
        self._outcome = await done
        self._answer()

    def on_screen_resume(self) -> None:
        # Read while help (or the too-small notice) was on top: answer once back on top.
        self._answer()

    def _answer(self) -> None:
        if self._outcome is not _WAITING and self.is_attached and self.app.screen is self:
            outcome, self._outcome = self._outcome, _WAITING
            self.dismiss(outcome)  # type: ignore[arg-type]

    def action_stop(self) -> None:
        # The thread cannot be stopped; what it reads is dropped (it only reads).
        self.dismiss(None)
