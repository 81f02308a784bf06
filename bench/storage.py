"""Save latency and start-up against the size of the history.

Saving a note must cost the same with 0 or 1,000 past sessions (one file per session),
and the first screen must not wait on the history. The baseline, measured in the same
run, is TinyDB's default JSONStorage holding every session's notes in one file: the
design this project avoids.

Bar: p95 save at 1,000 sessions within 1.5x of p95 at 0; start-up with 1,000 sessions
within 1.2x of start-up with none.

Run: python bench/storage.py
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinydb import Query, TinyDB  # noqa: E402

from peercircle.sessions.engine.clock import FakeClock  # noqa: E402
from peercircle.sessions.engine.session import Note, Session  # noqa: E402
from peercircle.sessions.library.format_file import load_library  # noqa: E402
from peercircle.sessions.storage.autosave import Autosaver  # noqa: E402
from peercircle.sessions.storage.store import SessionStore  # noqa: E402

NOTES = 50
SAMPLES = 200


def template(folder: Path) -> dict:
    """One realistic past session (7 phases, 50 notes) as it lies on disk."""
    store = SessionStore(folder, writer=True)
    store.prepare()
    clock = FakeClock()
    fmt = load_library().get("action-learning-set")
    session = Session.new(fmt, ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser"), "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    for i in range(NOTES):
        session.notes.append(Note(f"n{i}", i % 7, f"Note {i}: " + "words " * 40, "", ""))
    store.write_notes(session.meta.id, session.notes)
    for _ in range(6):
        clock.advance(400)
        session.next_phase()
    session.end()
    saver.close()
    return json.loads(store.path_for(session.meta.id).read_text())


def make_history(folder: Path, count: int, doc: dict) -> None:
    sessions = folder / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    for i in range(count):
        sid = f"20250101-0000-{i:04x}"
        copy = json.loads(json.dumps(doc))
        copy["meta"]["1"]["id"] = sid
        (sessions / f"{sid}.json").write_text(json.dumps(copy))
    SessionStore(folder, writer=True).rebuild_index()


def save_latencies(folder: Path) -> list[float]:
    """Time the autosaver's unit of work: writing one note of the live session."""
    store = SessionStore(folder, writer=True)
    store.prepare()
    session = Session.new(load_library().get("check-in-round"), ("A", "B"), None, clock=FakeClock())
    store.write_meta(session.meta)
    times = []
    for i in range(SAMPLES):
        note = Note("0-shared", 0, "typed " * (i + 1), "", "")
        started = time.perf_counter()
        store.write_notes(session.meta.id, [note])
        times.append(time.perf_counter() - started)
    store.close(session.meta.id)
    return times


def baseline_latencies(folder: Path, past: int) -> list[float]:
    """TinyDB's default storage with all sessions' notes in one file."""
    db = TinyDB(folder / "all.json")
    notes = db.table("notes")
    notes.insert_multiple(
        {"session": f"s{s}", "id": f"n{n}", "text": "words " * 40} for s in range(past) for n in range(NOTES)
    )
    times = []
    for i in range(SAMPLES // 4):  # it is slow at 1,000 sessions; fewer samples suffice
        started = time.perf_counter()
        notes.upsert({"session": "live", "id": "n0", "text": "typed " * (i + 1)}, Query().id == "live-n0")
        times.append(time.perf_counter() - started)
    db.close()
    return times


START = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from peercircle.tui.app import PeerCircleApp
import asyncio
async def main():
    app = PeerCircleApp(data_dir=Path(sys.argv[1]))
    async with app.run_test(size=(100, 30)) as pilot:
        print(time.perf_counter() - t0)
asyncio.run(main())
"""


def startup(folder: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", START, str(folder)], capture_output=True, text=True, cwd=ROOT, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def main() -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}, {platform.system()}")
    with tempfile.TemporaryDirectory() as tmp:
        doc = template(Path(tmp) / "template")
        results = {}
        print(f"\nsave one note ({SAMPLES} samples)       median     p95   | baseline: one TinyDB file, p95")
        for past in (0, 100, 1000):
            folder = Path(tmp) / f"h{past}"
            make_history(folder, past, doc)
            ours = save_latencies(folder)
            (Path(tmp) / f"baseline{past}").mkdir()
            base = baseline_latencies(Path(tmp) / f"baseline{past}", past)
            results[past] = (ours, folder)
            median_ms, p95_ms = statistics.median(ours) * 1e3, p95(ours) * 1e3
            base_ms = p95(base) * 1e3
            row = f"{median_ms:6.2f} ms {p95_ms:6.2f} ms | {base_ms:8.2f} ms"
            print(f"  {past:>5} past sessions:          {row}")
        ratio = p95(results[1000][0]) / p95(results[0][0])
        print(f"  p95 at 1,000 / p95 at 0: {ratio:.2f}x (bar: 1.5x) — {'met' if ratio <= 1.5 else 'NOT met'}")
        print("\nstart-up to the first screen (fresh process, median of 5)")
        empty = startup(results[0][1])
        full = startup(results[1000][1])
        print(f"  0 past sessions:     {empty * 1e3:7.0f} ms")
        print(f"  1,000 past sessions: {full * 1e3:7.0f} ms")
        ratio = full / empty
        print(f"  ratio: {ratio:.2f}x (bar: 1.2x) — {'met' if ratio <= 1.2 else 'NOT met'}")


if __name__ == "__main__":
    main()
