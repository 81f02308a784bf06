"""Ending on SIGHUP never hangs on the terminal.

Found by hand: after `tmux kill-server` under load, peercircle processes stayed forever,
every thread asleep. Textual's writer thread had stopped taking output for the dead
terminal, so the driver's ``close`` (which queues a last message for it) waited for room
that never came, in the very thread that was to end the process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from peercircle.tui.app import PeerCircleApp


class StuckDriver:
    """A driver whose writer has stopped taking output: ``close`` waits for ever."""

    fileno = None
    attrs_before = None

    def __init__(self) -> None:
        self.never = threading.Event()

    def close(self) -> None:
        self.never.wait()


def test_restoring_the_terminal_gives_up_on_a_driver_that_never_closes(tmp_path: Path) -> None:
    app = PeerCircleApp(data_dir=tmp_path / "data", export_dir=tmp_path / "exports")
    app._driver = StuckDriver()  # type: ignore[assignment]
    done = threading.Event()

    def restore() -> None:
        app._restore_terminal()
        done.set()

    started = time.monotonic()
    threading.Thread(target=restore, daemon=True).start()
    assert done.wait(10), "restoring the terminal waited for ever on the driver"
    assert time.monotonic() - started < 5
