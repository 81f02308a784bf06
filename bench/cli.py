"""Command speed: ``peercircle list`` with 0, 1,000 and 10,000 past sessions.

Each run is a fresh process, as a facilitator runs it; the baseline, interleaved with it in
the same run, is the interpreter starting and importing json (``python -c 'import json'``):
the floor any command pays. The past sessions are the project's own (bench/common.py).

Commands run with their bytecode cached, as an installed package has it (pip compiles the
modules on install). A checkout run with PYTHONDONTWRITEBYTECODE=1, as this machine's
environment sets it, compiles every module on every start instead: some 60 ms of each
command, which no user pays. The cache goes under the temp folder, not into the source.

Goal (issue 14): ``peercircle list`` at 10,000 sessions in under 200 ms. Most of it is the
store's ``list_sessions()`` (reading the index, globbing, a damage check per file), which
the store's own work makes incremental; the command's part is its imports and its rows.

Run: python bench/cli.py [runs] [--before DIR]

With ``--before DIR`` (a checkout of an earlier version, e.g. ``git worktree add DIR
COMMIT``), the same commands run from there too, interleaved with the others: the
before and after of a change, measured in one run on one machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, figure, history_folder, interleaved, machine

RUNS = 15
FLOOR = [sys.executable, "-c", "import json"]


def command_env() -> dict[str, str]:
    """The environment the commands run in: bytecode cached (see the module's docstring)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "peercircle-bench" / "pycache")
    return env


def peercircle(*args: str) -> list[str]:
    return [sys.executable, "-m", "peercircle", *args]


def timed(
    command: list[str], setup: Callable[[], None] | None = None, cwd: Path = ROOT
) -> Callable[[], float]:
    """A case for ``interleaved``: run ``command`` once in ``cwd`` (after ``setup``,
    untimed) and return its wall time. ``python -m peercircle`` run in another checkout
    imports that checkout's code. A command that fails stops the benchmark: a fast failure
    is no figure."""
    env = command_env()

    def run() -> float:
        if setup is not None:
            setup()
        started = time.perf_counter()
        subprocess.run(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True
        )
        return time.perf_counter() - started

    return run


def warm(*commands: list[str], cwd: Path = ROOT) -> None:
    """One untimed run of each, so the bytecode cache is written before timing starts."""
    for command in commands:
        timed(command, cwd=cwd)()


def arguments() -> tuple[int | None, Path | None]:
    """(runs, the earlier checkout to compare with) from the command line."""
    args = sys.argv[1:]
    before = None
    if "--before" in args:
        at = args.index("--before")
        before = Path(args[at + 1]).resolve()
        del args[at : at + 2]
    return (int(args[0]) if args else None), before


def main() -> None:
    runs, before = arguments()
    print(machine())
    folders = {size: history_folder(size) for size in (0, 1_000, 10_000)}
    lists = {size: peercircle("--data-dir", str(folder), "list") for size, folder in folders.items()}
    warm(FLOOR, *lists.values())
    cases = {"baseline": timed(FLOOR)} | {f"list {size:,}": timed(cmd) for size, cmd in lists.items()}
    if before is not None:
        warm(*lists.values(), cwd=before)
        cases |= {f"before {size:,}": timed(cmd, cwd=before) for size, cmd in lists.items()}
    stats = interleaved(runs or RUNS, cases)
    floor = stats["baseline"]
    print(f"baseline: python -c 'import json'   {floor.ms()}")
    for size in folders:
        for label, key in (("before: list", "before"), ("peercircle list", "list")):
            if f"{key} {size:,}" in stats:
                mine = stats[f"{key} {size:,}"]
                ratio = mine.median / floor.median
                print(f"{label:<16}{size:>6,} sessions {mine.ms()}  ({ratio:.1f}x the floor)")
    at_10k = stats["list 10,000"]
    figure(
        "`peercircle list` at 10,000 sessions, as a command",
        at_10k.ms().strip(),
        f"interpreter floor {floor.median * 1e3:.1f} ms",
        "under 200 ms",
        at_10k.median < 0.200,
    )


if __name__ == "__main__":
    main()
