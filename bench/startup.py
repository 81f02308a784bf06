"""Time to an interactive first screen: peercircle against a bare Textual 'hello' app.

Both run in fresh processes on this machine in the same run (median of 7 each), timed
from the first line of the script to the moment Pilot can press keys. Bar: peercircle
within 1.5x of the bare app.

Run: python bench/startup.py
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HELLO = """
import time
t0 = time.perf_counter()
import asyncio
from textual.app import App
from textual.widgets import Footer, Static

class Hello(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

async def main():
    async with Hello().run_test(size=(100, 30)) as pilot:
        print(time.perf_counter() - t0)

asyncio.run(main())
"""

PEERCIRCLE = """
import sys, time
t0 = time.perf_counter()
import asyncio
from pathlib import Path
from peercircle.tui.app import PeerCircleApp

async def main():
    async with PeerCircleApp(data_dir=Path(sys.argv[1])).run_test(size=(100, 30)) as pilot:
        print(time.perf_counter() - t0)

asyncio.run(main())
"""


def median_seconds(script: str, *args: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}, {platform.system()}")
    with tempfile.TemporaryDirectory() as data:
        hello = median_seconds(HELLO)
        ours = median_seconds(PEERCIRCLE, data)
    print(f"bare Textual hello: {hello * 1e3:6.0f} ms to the first screen")
    print(f"peercircle home:    {ours * 1e3:6.0f} ms to the first screen")
    ratio = ours / hello
    print(f"ratio: {ratio:.2f}x (bar: 1.5x) — {'met' if ratio <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
