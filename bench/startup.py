"""Start-up to the first painted frame: peercircle against a bare Textual app with one Static,
with 0, 1,000 and 10,000 past sessions, headless and in a real terminal.

Each run is a fresh process, timed from the moment it is spawned (interpreter start and
imports included: what a person waits for) until the first frame of the first screen:

* headless: ``run_test`` in the child, which reports when the first frame of its first
  screen is composed (a wrap of ``App._display``, the same for both apps);
* terminal: the child runs as the person would run it (``python -m peercircle.tui``; the bare
  app with ``App.run``) in a pseudo-terminal of 100x30 with TERM=xterm-256color; the parent
  keeps draining the terminal and stops the clock when the first screen's text appears.

Baseline and peercircle take turns (``common.interleaved``), so drift in the machine's load
falls on both alike; each figure is the ratio of the medians. Goal: at most 1.2x with no
history, at most 1.3x with 10,000 past sessions, both ways.

Run: python bench/startup.py [runs]   (default 9 runs of each case)
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import HISTORY_SIZES, ROOT, Stats, copy_of, figure, history_folder, interleaved, machine

SIZE = (100, 30)
GOALS = {0: 1.2, 1_000: 1.3, 10_000: 1.3}
"""The largest ratio allowed per history size (1,000 lies between: the 10,000 goal holds)."""
BARE_MARK = "bare Textual app"
HOME_MARK = "Past sessions"
"""Text of the first frame of each app (peercircle's home screen title over the history)."""

# The first frame, headless: the first composed update of the given screen class, taken
# the same way for both apps (Textual skips drawing when headless, not composing).
FIRST_FRAME = """
import time
from textual.app import App

_display = App._display
def _first(self, screen, renderable):
    if renderable is not None and not self._batch_count and type(screen).__name__ == SCREEN:
        print(time.monotonic(), time.process_time(), flush=True)
        self.exit()
    return _display(self, screen, renderable)
App._display = _first
"""

BARE = """
import asyncio, sys
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello from a bare Textual app")

if sys.argv[1] == "headless":
    async def main():
        async with Bare().run_test(size=(100, 30)) as pilot:
            while pilot.app.is_running:
                await pilot.pause()
    asyncio.run(main())
else:
    Bare().run()
"""

PEERCIRCLE_HEADLESS = """
import asyncio, sys
from pathlib import Path
from peercircle.tui.app import PeerCircleApp

async def main():
    async with PeerCircleApp(data_dir=Path(sys.argv[2])).run_test(size=(100, 30)) as pilot:
        while pilot.app.is_running:
            await pilot.pause()

asyncio.run(main())
"""


CPU: dict[str, list[float]] = {}
"""CPU seconds each headless case used up to its first frame (interpreter start included):
less swayed than the wall clock by what else the machine runs, and shown beside it."""


def headless(script: str, screen: str, *args: str, label: str = "") -> Callable[[], float]:
    """A run of ``script`` without a terminal: seconds from spawn to its first frame."""
    code = f"SCREEN = {screen!r}\n{FIRST_FRAME}\n{script}"

    def run() -> float:
        started = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", code, "headless", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        shown, cpu = (float(x) for x in out.stdout.split()[:2])
        CPU.setdefault(label, []).append(cpu)
        return shown - started

    return run


_ESCAPE = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|.)"
)


def in_terminal(argv: list[str], mark: str) -> Callable[[], float]:
    """A run of ``argv`` in a pseudo-terminal: seconds from spawn until ``mark`` is on screen."""
    wanted = mark.encode()

    def run() -> float:
        leader, follower = pty.openpty()
        os.set_blocking(leader, False)
        # The terminal's size, as a real one reports it (TIOCSWINSZ: rows, columns).
        import fcntl
        import struct
        import termios

        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}
        env.pop("TEXTUAL", None)
        started = time.monotonic()
        child = subprocess.Popen(
            argv,
            stdin=follower,
            stdout=follower,
            stderr=follower,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(follower)
        seen = b""
        shown: float | None = None
        try:
            deadline = started + 60
            while shown is None and time.monotonic() < deadline:
                ready, _, _ = select.select([leader], [], [], 0.5)
                if not ready:
                    continue
                try:
                    chunk = os.read(leader, 1 << 16)
                except OSError:
                    break  # the child has gone
                seen += chunk
                if wanted in _ESCAPE.sub(b"", seen):
                    shown = time.monotonic()
            if shown is None:
                raise RuntimeError(f"{argv} never showed {mark!r}: {_ESCAPE.sub(b'', seen)[-400:]!r}")
            # Quit as a person would (ctrl+q), draining what the app still writes.
            os.write(leader, b"\x11")
            end = time.monotonic() + 10
            while child.poll() is None and time.monotonic() < end:
                ready, _, _ = select.select([leader], [], [], 0.1)
                if ready:
                    try:
                        os.read(leader, 1 << 16)
                    except OSError:
                        break
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            os.close(leader)
        return shown - started

    return run


def compile_sources() -> None:
    """Byte-compile peercircle's modules, as installing the wheel does. Textual's are (pip
    compiled them); ours, run from the source folder with PYTHONDONTWRITEBYTECODE set, would
    otherwise be compiled at every start, 70 ms that no installed copy pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "peercircle", "sessions", "tui"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    print(machine())
    compile_sources()
    bare_headless = headless(BARE, "Screen", label="bare")
    bare_terminal = in_terminal([sys.executable, "-c", BARE, "terminal"], BARE_MARK)
    rows: list[tuple[str, str, Stats, Stats, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in HISTORY_SIZES:
            # A private copy: the app takes the folder's lock and tidies the folder.
            folder = copy_of(history_folder(count), Path(tmp) / str(count))
            ours_headless = headless(PEERCIRCLE_HEADLESS, "HomeScreen", str(folder), label=str(count))
            ours_terminal = in_terminal(
                [sys.executable, "-m", "peercircle.tui", "--data-dir", str(folder)], HOME_MARK
            )
            ours_terminal()  # once, unmeasured: a first start may tidy the copied folder
            for how, base, ours in (
                ("headless", bare_headless, ours_headless),
                ("terminal", bare_terminal, ours_terminal),
            ):
                stats = interleaved(runs, {"baseline": base, "peercircle": ours})
                print(f"{count:>6} sessions, {how}: bare {stats['baseline'].ms()}", flush=True)
                print(f"{'':>6}           {'':>{len(how)}}  ours {stats['peercircle'].ms()}", flush=True)
                rows.append((how, f"{count:,}", stats["baseline"], stats["peercircle"], GOALS[count]))
    bare_cpu = Stats(tuple(CPU["bare"]))
    print(f"CPU to the first frame, headless: bare Textual app {bare_cpu.ms()}")
    for count in HISTORY_SIZES:
        cpu = Stats(tuple(CPU[str(count)]))
        print(f"  peercircle, {count:,} sessions: {cpu.ms()} ({cpu.median / bare_cpu.median:.2f}x)")
    for how, count, base, ours, goal in rows:
        ratio = ours.median / base.median
        figure(
            f"start-up to first paint, {count} past sessions, {how}",
            f"{ours.median * 1e3:.0f} ms ({ratio:.2f}x)",
            f"bare Textual app {base.median * 1e3:.0f} ms",
            f"<= {goal}x",
            ratio <= goal,
        )


if __name__ == "__main__":
    main()
