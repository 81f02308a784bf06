"""Export speed: ``peercircle export --all`` of 1,000 past sessions, and ``export ID``.

Both as a facilitator runs them: a fresh process each time, interleaved in the same run with
a baseline that starts the same interpreter:

- ``export --all -o DIR``: the baseline reads, json-loads and writes the same 1,000 files
  (each session's text into a file of its own): the floor any export of them pays;
- ``export ID`` (to stdout): the baseline is the interpreter starting and importing json.

The past sessions are the project's own (bench/common.py: an Action Learning Set with 21
steps and actions, a Balint group and a check-in round, made through the engine and the
autosaver, a third each). They repeat three sessions, so anything remembered from one
session to the next flatters these figures; the export remembers only short texts (names,
step names), as it would in any history. After the figures, where one export's time goes,
in process: load and replay (the store's and the engine's), summarise, render.

Commands run with their bytecode cached, as an installed package has it (see bench/cli.py).

Goals (issue 14): ``export --all`` of 1,000 in under 2.5 s; ``export ID`` in under 120 ms.

Run: python bench/export.py [runs] [--before DIR]   (DIR: an earlier checkout, see bench/cli.py)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cli import FLOOR, arguments, peercircle, timed, warm
from common import Stats, figure, history_folder, interleaved, machine

RUNS = 5
ONE_RUNS = 21
SESSIONS = 1_000

# Read, json-load and write every session file: what any export of them must do at least.
BASELINE_ALL = """
import json, os, sys
from pathlib import Path
source, out = Path(sys.argv[1]) / "sessions", Path(sys.argv[2])
out.mkdir(mode=0o700)
for path in sorted(source.glob("*.json")):
    text = path.read_text(encoding="utf-8")
    json.loads(text)
    (out / (path.stem + ".md")).write_text(text, encoding="utf-8")
"""


def fresh(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def where_one_export_goes(folder: Path, samples: int = 30) -> dict[str, Stats]:
    """One session in process: read + json-load, load (with replay), summarise, render."""
    import json

    from peercircle.sessions.records.export import render_markdown
    from peercircle.sessions.records.summary import summarise
    from peercircle.sessions.storage.store import SessionStore

    store = SessionStore(folder, writer=False)
    entry = store.list_sessions()[-1]  # the first made: an Action Learning Set, 21 steps
    times: dict[str, list[float]] = {"read + json": [], "load + replay": [], "summarise": [], "render": []}
    for _ in range(samples):
        started = time.perf_counter()
        json.loads(store.path_for(entry.id).read_text(encoding="utf-8"))
        loaded_at = time.perf_counter()
        session = store.load(entry.id)
        summarised_at = time.perf_counter()
        summary = summarise(session)
        rendered_at = time.perf_counter()
        render_markdown(summary)
        done = time.perf_counter()
        times["read + json"].append(loaded_at - started)
        times["load + replay"].append(summarised_at - loaded_at)
        times["summarise"].append(rendered_at - summarised_at)
        times["render"].append(done - rendered_at)
    return {name: Stats(tuple(values)) for name, values in times.items()}


def main() -> None:
    runs, before = arguments()
    print(machine())
    folder = history_folder(SESSIONS)
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs, earlier = Path(tmp) / "export", Path(tmp) / "baseline", Path(tmp) / "before"
        export_all = peercircle("--data-dir", str(folder), "export", "--all", "-o", str(ours))
        baseline_all = [sys.executable, "-c", BASELINE_ALL, str(folder), str(theirs)]
        warm(baseline_all, export_all)
        assert len(list(ours.iterdir())) == SESSIONS, "export --all did not write every session"
        cases = {
            "baseline": timed(baseline_all, setup=lambda: fresh(theirs)),
            "peercircle": timed(export_all, setup=lambda: fresh(ours)),
        }
        if before is not None:
            export_before = peercircle("--data-dir", str(folder), "export", "--all", "-o", str(earlier))
            warm(export_before, cwd=before)
            cases["before"] = timed(export_before, setup=lambda: fresh(earlier), cwd=before)
        stats = interleaved(runs or RUNS, cases)
    base, mine = stats["baseline"], stats["peercircle"]
    print(f"\nexport --all of {SESSIONS:,} sessions into a folder, as a command")
    print(f"  baseline: read, json-load, write  {base.s()}")
    if "before" in stats:
        was = stats["before"]
        print(
            f"  before: export --all              {was.s()}  ({was.median / base.median:.1f}x the baseline)"
        )
    print(f"  peercircle export --all           {mine.s()}  ({mine.median / base.median:.1f}x the baseline)")
    figure(
        f"`export --all` of {SESSIONS:,} sessions, as a command",
        mine.s().strip(),
        f"read + json-load + write the same files {base.median:.2f} s",
        "under 2.5 s",
        mine.median < 2.5,
    )

    sid = min(path.stem for path in (folder / "sessions").glob("*.json"))  # an Action Learning Set
    export_one = peercircle("--data-dir", str(folder), "export", sid)
    warm(FLOOR, export_one)
    cases = {"baseline": timed(FLOOR), "peercircle": timed(export_one)}
    if before is not None:
        warm(export_one, cwd=before)
        cases["before"] = timed(export_one, cwd=before)
    stats = interleaved(ONE_RUNS, cases)
    floor, one = stats["baseline"], stats["peercircle"]
    print("\nexport ID (one Action Learning Set, to stdout), as a command")
    print(f"  baseline: python -c 'import json' {floor.ms()}")
    if "before" in stats:
        was = stats["before"]
        print(f"  before: export ID                 {was.ms()}  ({was.median / floor.median:.1f}x the floor)")
    print(f"  peercircle export ID              {one.ms()}  ({one.median / floor.median:.1f}x the floor)")
    figure(
        "`export ID` as a command",
        one.ms().strip(),
        f"interpreter floor {floor.median * 1e3:.1f} ms",
        "under 120 ms",
        one.median < 0.120,
    )

    print("\nwhere one export goes, in process (median of 30)")
    for name, part in where_one_export_goes(folder).items():
        print(f"  {name:<14} {statistics.median(part.values) * 1e3:6.2f} ms")


if __name__ == "__main__":
    main()
