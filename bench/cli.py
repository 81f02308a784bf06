"""Command speed: ``peercircle list`` with 0, 1,000 and 10,000 past sessions.

Each run is a fresh process, as a facilitator runs it; the baseline, interleaved with it in
the same run, is the interpreter starting and importing json (``python -c 'import json'``):
the floor any command pays. The past sessions are the project's own (bench/common.py).

Commands run with their bytecode cached, as an installed package has it (pip compiles the
modules on install). A checkout run with PYTHONDONTWRITEBYTECODE=1, as this machine's
environment sets it, compiles every module on every start instead: some 60 ms of each
command, which no user pays. The cache goes under the temp folder, not into the source.

Goal (issue 14): ``peercircle list`` at 10,000 sessions in under 200 ms. While the index is
up to date the command reads its first line (the columns a listing shows, index.py), stats
every session file to see that each is the version its line names (a third of the time at
10,000, and what no change may drop: it is how a changed or damaged file is found), and
writes the rows; the store, the session engine and dataclasses are not imported.

Run: python bench/cli.py [runs] [--before DIR]

With ``--before DIR`` (a checkout of an earlier version, e.g. ``git worktree add DIR
COMMIT``), the same commands run from there too, interleaved with the others: the
before and after of a change, measured in one run on one machine. The earlier version
lists a copy of each history whose index it wrote itself (``before_folder``): an index
in a format it cannot read would make it read every session file, a figure of nothing.
"""

from __future__ import annotations

import os
import shutil
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


REBUILD = (
    "import sys; from pathlib import Path; from peercircle.sessions.storage.store import SessionStore; "
    "SessionStore(Path(sys.argv[1]), writer=True).rebuild_index()"
)


def before_folder(before: Path, size: int) -> Path:
    """A copy of the history of ``size`` sessions, its index written by the checkout
    ``before`` from the session files (made once per commit of it, then reused)."""
    source = history_folder(size)
    commit = subprocess.run(
        ["git", "-C", str(before), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    folder = source.parent / f"{source.name}-before-{commit or 'unknown'}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".complete", "index.json"))
        started = time.perf_counter()
        rebuild = [sys.executable, "-c", REBUILD, str(folder)]
        subprocess.run(rebuild, cwd=before, env=command_env(), check=True)
        done.write_text("")
        took = time.perf_counter() - started
        print(f"(its index written by {before} in {took:.0f} s: {folder})", file=sys.stderr)
    return folder


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
        earlier = {
            size: peercircle("--data-dir", str(before_folder(before, size)), "list") for size in folders
        }
        warm(*earlier.values(), cwd=before)
        cases |= {f"before {size:,}": timed(cmd, cwd=before) for size, cmd in earlier.items()}
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
