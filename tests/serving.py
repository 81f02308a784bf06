"""`peercircle serve` in a subprocess, for the CLI and browser tests: started on a port the
system picks, its address read from what it prints, stopped with Ctrl+C (SIGINT)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str = ""
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    _lines: queue.Queue[tuple[str, str | None]] = field(default_factory=queue.Queue)
    _readers: list[threading.Thread] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.split(":")[2].split("/")[0])

    @property
    def token(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[1]

    @property
    def origin(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[0]

    def wait_for_line(self, start: str, stream: str = "out", timeout: float = START_TIMEOUT) -> str | None:
        """The first line of ``stream`` ("out" or "err") starting with ``start``; None if
        that stream ended first."""
        lines = self.out if stream == "out" else self.err
        while True:
            for line in list(lines):  # each reader adds to its list before it says so
                if line.startswith(start):
                    return line
            try:
                which, line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line {start!r} within {timeout} s: {self.out} {self.err}") from None
            if line is None and which == stream:
                return None

    def stop(self) -> int:
        """Ctrl+C, as in the terminal; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("peercircle serve did not stop on Ctrl+C") from None
        for reader in self._readers:
            reader.join(STOP_TIMEOUT)
        return status


def start_serving(data_dir: Path, *options: str, wait: bool = True) -> Served:
    """``peercircle --data-dir DATA serve --port 0 OPTIONS``; with ``wait``, returns once it
    has printed the address to open."""
    # A home of its own too: nothing it or a visitor's mirror does can reach the user's.
    home = data_dir.parent / "serve-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "PEERCIRCLE_HOME": str(data_dir), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "peercircle", "--data-dir", str(data_dir), "serve", "--port", "0", *options],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    served = Served(process)
    for name, stream, into in (("out", process.stdout, served.out), ("err", process.stderr, served.err)):
        reader = threading.Thread(target=_read, args=(name, stream, into, served._lines), daemon=True)
        reader.start()
        served._readers.append(reader)
    if wait:
        line = served.wait_for_line("Open: ")
        if line is None:
            served.stop()
            raise AssertionError(f"peercircle serve ended at start: {served.err}")
        served.url = line.removeprefix("Open: ").strip()
    return served


def _read(name: str, stream, into: list[str], lines: queue.Queue[tuple[str, str | None]]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        into.append(line)
        lines.put((name, line))
    lines.put((name, None))
