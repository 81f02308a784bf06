"""CPU and wake-ups of the live screen left alone: the countdown running, the notes focused.

The real app runs in a pseudo-terminal (100x30, TERM=xterm-256color, a fresh data folder)
and is driven there by keys as a person would: n, Action Learning Set, three names, the
first presenter, agree and start. Then nobody touches it for the measured window. The
baseline is a bare Textual app showing a ``Digits`` clock updated once a second, run in its
own pseudo-terminal over the same window, so both meet the same load on the machine.

Measured from /proc: CPU as utime+stime of the process (all its threads), wake-ups as the
voluntary and involuntary context switches of all its threads.

Run: python bench/idle.py            (the figure: 60 s)
     python bench/idle.py --seconds 10   (a quick look while developing)
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, figure, machine  # noqa: E402
from peercircle.tui.widgets.notes_area import BLINK_SECONDS  # noqa: E402

COLUMNS, ROWS = 100, 30
GOAL_RATIO = 1.5
TICKS = os.sysconf("SC_CLK_TCK")

BARE_CLOCK = """
from datetime import datetime
from textual.app import App
from textual.widgets import Digits

class Clock(App):
    def compose(self):
        yield Digits("")

    def on_mount(self):
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self):
        self.query_one(Digits).update(f"{datetime.now():%H:%M:%S}")

Clock().run()
"""

DOWN, ENTER = "\x1b[B", "\r"


class Terminal:
    """A process in a pseudo-terminal whose output is read all the time (a terminal that
    stopped reading would block the app's writes) and kept, to wait for words on screen."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "", "LINES": "", **env},
            start_new_session=True,
        )
        os.close(slave)
        self._seen = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 1.0)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    with self._lock:
                        self._seen += chunk
                        del self._seen[:-200_000]
            except OSError:
                return

    def wait_for(self, words: str, timeout: float = 30.0) -> None:
        """Wait until ``words`` have been drawn since the last wait (then forget them)."""
        deadline = time.monotonic() + timeout
        needle = words.encode()
        while time.monotonic() < deadline:
            with self._lock:
                at = self._seen.find(needle)
                if at >= 0:
                    del self._seen[: at + len(needle)]
                    return
            if self.process.poll() is not None:
                raise RuntimeError(f"the app ended before showing {words!r}")
            time.sleep(0.05)
        raise TimeoutError(f"{words!r} never appeared on screen")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@dataclass(frozen=True)
class Sample:
    cpu: float
    """Seconds of CPU, user and system, all threads."""
    switches: int
    """Context switches, voluntary and not, of the threads alive now."""


def sample(pid: int) -> Sample:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except OSError:
            continue  # a thread that ended just now
        for line in status.splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                switches += int(line.split()[1])
    return Sample(cpu, switches)


def start_session(app: Terminal) -> None:
    """Home, a new Action Learning Set with three people, Aisha presenting, started. Each
    key waits for the screen it is meant for, and a moment more, as a person's would."""
    steps = (
        ("New session", "n"),
        ("Action Learning Set", DOWN),
        ("", ENTER),
        ("Names in seating order", "Aisha, Ben, Ciara"),
        ("", ENTER),
        ("Presenters", ENTER),
        ("Agree and start", ENTER),
        ("TYPING", ""),
    )
    for words, keys in steps:
        if words:
            app.wait_for(words)
        time.sleep(0.5)
        app.type(keys)


def measure(seconds: float) -> tuple[Sample, Sample, float]:
    """The app's and the bare clock's CPU and switches over the same ``seconds``."""
    with tempfile.TemporaryDirectory() as home:
        app = Terminal([sys.executable, "-m", "peercircle"], {"PEERCIRCLE_HOME": home})
        bare = Terminal([sys.executable, "-c", BARE_CLOCK], {})
        try:
            start_session(app)
            # Past the first save, the notices, and the cursor's blinking after the last key
            # (it blinks for BLINK_SECONDS after a key, as GTK's does, then stays lit).
            time.sleep(BLINK_SECONDS + 2)
            before = sample(app.process.pid), sample(bare.process.pid)
            started = time.monotonic()
            time.sleep(seconds)
            after = sample(app.process.pid), sample(bare.process.pid)
            wall = time.monotonic() - started
            if app.process.poll() is not None or bare.process.poll() is not None:
                raise RuntimeError("a process ended during the measurement")
        finally:
            app.close()
            bare.close()
    diffs = tuple(Sample(a.cpu - b.cpu, a.switches - b.switches) for a, b in zip(after, before, strict=True))
    return diffs[0], diffs[1], wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    quick = os.environ.get("PEERCIRCLE_BENCH_QUICK") == "1"  # bench/all.py --quick
    default = 10.0 if quick else 60.0
    parser.add_argument("--seconds", type=float, default=default, help="the measured window (figure: 60)")
    args = parser.parse_args()
    print(machine())
    ours, base, wall = measure(args.seconds)
    ours_pct, base_pct = 100 * ours.cpu / wall, 100 * base.cpu / wall
    ratio = ours.cpu / base.cpu if base.cpu else float("inf")
    print(f"window: {wall:.1f} s, both at once")
    print(f"peercircle live screen: CPU {ours_pct:5.2f}%  wake-ups {ours.switches / wall:5.1f}/s")
    print(f"bare Digits clock:      CPU {base_pct:5.2f}%  wake-ups {base.switches / wall:5.1f}/s")
    print(f"ratio: {ratio:.2f}x CPU, {ours.switches / max(1, base.switches):.2f}x wake-ups")
    figure(
        f"idle CPU, countdown running ({wall:.0f} s)",
        f"{ours_pct:.2f}% CPU, {ours.switches / wall:.1f} wake-ups/s",
        f"bare Digits clock {base_pct:.2f}%, {base.switches / wall:.1f}/s ({ratio:.2f}x)",
        f"≤{GOAL_RATIO}x the bare clock",
        ratio <= GOAL_RATIO,
    )


if __name__ == "__main__":
    main()
