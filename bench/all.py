"""Every benchmark, one after another, and the performance table they make together.

Each benchmark prints its own figures (with the machine and its baselines, measured in
the same run) and one ``figure:`` line per row of the table; this collects those rows
into a Markdown table, printed at the end and written to ``--table FILE`` if asked.

Run: python bench/all.py [--quick] [--table FILE]
``--quick`` sets PEERCIRCLE_BENCH_QUICK=1 for the benchmarks that have a long form (the
idle CPU one runs 60 s otherwise); the table in the README is from a full run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import machine  # noqa: E402

BENCHMARKS = (
    "startup.py",
    "storage.py",
    "idle.py",
    "keys.py",
    "export.py",
    "cli.py",
    "search.py",
    "live_view.py",
    "mirror.py",
)


def run(name: str, quick: bool) -> tuple[list[str], int]:
    args = [sys.executable, str(HERE / name)]
    env = {**os.environ, "PEERCIRCLE_BENCH_QUICK": "1"} if quick else None
    print(f"\n===== {name} =====", flush=True)
    rows = []
    with subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=HERE.parent, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith("figure: "):
                rows.append(line[len("figure: ") :].rstrip("\n"))
    return rows, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--table", type=Path)
    args = parser.parse_args()
    started = time.monotonic()
    header = machine()
    rows: list[str] = []
    failed = []
    for name in BENCHMARKS:
        if not (HERE / name).is_file():
            continue
        found, status = run(name, args.quick)
        rows.extend(found)
        if status != 0:
            failed.append(name)
    table = [
        header,
        "",
        "| figure | measured | baseline (same run) | goal | |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {row} |" for row in rows),
    ]
    print("\n" + "\n".join(table))
    print(f"\n({time.monotonic() - started:.0f} s in all)")
    if failed:
        print(f"these benchmarks stopped with an error: {', '.join(failed)}", file=sys.stderr)
    if args.table:
        args.table.write_text("\n".join(table) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
