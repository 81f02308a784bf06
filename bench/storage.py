"""Saving and reading sessions against the size of the history and of the session.

What is timed, each interleaved with its baseline (A B A B ...), medians with the middle
half of the runs (IQR):

- a save on a speaker change or pause (the command, then the autosaver's batch on disk)
  with 0, 1,000 and 10,000 past sessions in the folder;
- a note save (one more character typed, then the batch on disk) in a new session, in
  sessions of about 400 KB and 1.2 MB, and in one of 5,000 events;
- reading that 5,000-event session back (parse and replay: what reopening it costs);
- ``list_sessions()`` with 10,000 past sessions, in process, as ``peercircle list`` calls it
  (a reader, fresh each run), and ``prepare()`` on the start path.

The baseline is the floor for the same work, not another design: for a save, the same
session document encoded whole with ``json.dumps`` and written with the same atomic write
(temp file, fsync, replace, fsync of the folder) — any save that replaces the file pays at
least that; for reading, ``json.loads`` of the same file (for a listing: of the index).
The figure rows (``figure: ...``) compare with the issue's goals.

Run: python bench/storage.py [--quick]
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    GROUP,
    HISTORY_SIZES,
    Stats,
    copy_of,
    figure,
    history_folder,
    interleaved,
    machine,
)
from peercircle.sessions.engine.clock import FakeClock  # noqa: E402
from peercircle.sessions.engine.session import Session  # noqa: E402
from peercircle.sessions.files import atomic_write_text  # noqa: E402
from peercircle.sessions.library.format_file import load_library  # noqa: E402
from peercircle.sessions.storage.autosave import Autosaver  # noqa: E402
from peercircle.sessions.storage.store import SessionStore  # noqa: E402

QUICK = "--quick" in sys.argv
RUNS = 20 if QUICK else 80
"""Runs of each case (saves); reads and listings take fewer."""
LIBRARY = load_library()


def live(store: SessionStore, format_id: str = "action-learning-set") -> tuple[Session, Autosaver, FakeClock]:
    """A running session recorded by an autosaver that writes when asked (no threads), so
    each run times exactly one batch."""
    clock = FakeClock(wall=datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    fmt = LIBRARY.get(format_id)
    assert fmt is not None
    session = Session.new(fmt, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    assert saver.save_now()
    return session, saver, clock


def floor(store: SessionStore, session_id: str) -> Callable[[], float]:
    """The baseline save: the session's document encoded whole and written atomically."""
    doc = json.loads(store.path_for(session_id).read_text(encoding="utf-8"))
    target = store.data_dir / "floor.json"

    def run() -> float:
        started = time.perf_counter()
        atomic_write_text(target, json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        return time.perf_counter() - started

    return run


def timed(action: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started

    return run


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 0.001 else f"{seconds * 1e3:.1f} ms"


# -- a save on a speaker change ------------------------------------------------------------


def speaker_change(session: Session, saver: Autosaver, clock: FakeClock) -> Callable[[], float]:
    """A go-round: speaker changes, with a pause and a resume now and then."""
    turn = 0

    def run() -> float:
        nonlocal turn
        clock.advance(20)
        started = time.perf_counter()
        # Every run records one event: a round that has closed takes a pause instead.
        event = None if turn % 5 in (3, 4) else session.next_speaker()
        if event is None:
            session.toggle_pause()
        turn += 1
        assert saver.save_now()
        return time.perf_counter() - started

    return run


def speaker_changes(tmp: Path) -> dict[int, dict[str, Stats]]:
    print("\nsave on a speaker change or pause (command to batch on disk)")
    results = {}
    for size in HISTORY_SIZES:
        folder = copy_of(history_folder(size), tmp / f"speaker-{size}")
        store = SessionStore(folder, writer=True)
        store.prepare()
        session, saver, clock = live(store, "check-in-round")
        change = speaker_change(session, saver, clock)
        stats = interleaved(RUNS, {"baseline": floor(store, session.meta.id), "peercircle": change})
        saver.close()
        results[size] = stats
        ours, base = stats["peercircle"], stats["baseline"]
        print(f"  {size:>6} past: peercircle {ours.ms()}  p95 {ms(ours.p95)} | floor {base.ms()}")
    zero, most = results[0]["peercircle"], results[HISTORY_SIZES[-1]]["peercircle"]
    figure(
        "save on a speaker change: 10,000 past sessions against none (p50)",
        f"{most.median / zero.median:.2f}x",
        f"floor {results[HISTORY_SIZES[-1]]['baseline'].median / results[0]['baseline'].median:.2f}x",
        "within 1.5x",
        most.median <= 1.5 * zero.median,
    )
    for size in HISTORY_SIZES:
        ours, base = results[size]["peercircle"], results[size]["baseline"]
        figure(
            f"save on a speaker change, {size:,} past sessions (p50 / p95)",
            f"{ms(ours.median)} / {ms(ours.p95)}",
            f"floor {ms(base.median)} / {ms(base.p95)}",
            "at 10,000: p50 within 1.5x of 0 sessions, p95 < 10 ms",
            most.median <= 1.5 * zero.median and most.p95 < 0.010,
        )
    return results


# -- note saves as the session grows ---------------------------------------------------------


def grown(store: SessionStore, target_bytes: int) -> tuple[Session, Autosaver, FakeClock]:
    """A running session whose file is about ``target_bytes``: long notes in every step
    (shared, action, private), as a facilitator who writes everything down leaves them."""
    session, saver, clock = live(store)
    paragraph = "What the presenter brought, the questions asked and what the group noticed. " * 8
    steps = len(session.timeline.steps)
    step = 0
    while target_bytes and store.size_of(session.meta.id) < target_bytes:
        for kind in ("shared", "action", "private"):
            note = session.note_for(step % steps, kind)
            session.write_note(step % steps, (note.text if note else "") + paragraph, kind)
        clock.advance(30)
        session.next_speaker()
        assert saver.save_now()
        step += 1
    return session, saver, clock


def long_session(store: SessionStore, events: int = 5_000) -> tuple[Session, Autosaver, FakeClock]:
    """A session of ``events`` events: speaker changes, passes, pauses, undos and marks
    over three presenters' cycles, with a note in each step."""
    session, saver, clock = live(store)
    rng = random.Random(14)
    steps = len(session.timeline.steps)
    while len(session.events) < events:
        clock.advance(rng.uniform(1, 30))
        roll = rng.random()
        if roll < 0.55:
            session.next_speaker()
        elif roll < 0.75:
            session.toggle_pause()
        elif roll < 0.8:
            session.pass_turn()
        elif roll < 0.87:
            session.undo()
        elif roll < 0.875 and session.timeline.step_index < steps - 2:
            session.next_phase()
            session.write_note(session.timeline.step_index, "Notes on this step, kept short.")
        else:
            session.jump_to_number(rng.randint(1, 5))
    assert saver.save_now()
    return session, saver, clock


def note_saves(tmp: Path) -> tuple[dict[str, tuple[int, dict[str, Stats]]], str]:
    print("\nnote save (one more character typed, batch on disk)")
    store = SessionStore(tmp / "notes", writer=True)
    store.prepare()
    cases = {
        "new session": lambda: grown(store, 0),
        "~400 KB": lambda: grown(store, 400_000),
        "~1.2 MB": lambda: grown(store, 1_200_000),
        "5,000 events": lambda: long_session(store),
    }
    results = {}
    long_id = ""
    for name, make in cases.items():
        session, saver, clock = make()
        step = session.timeline.step_index
        text = (session.note_for(step).text if session.note_for(step) else "") + " "

        def type_one(session: Session = session, saver: Autosaver = saver, step: int = step) -> float:
            nonlocal text
            text += "x"
            started = time.perf_counter()
            session.write_note(step, text)
            assert saver.save_now()
            return time.perf_counter() - started

        stats = interleaved(RUNS, {"baseline": floor(store, session.meta.id), "peercircle": type_one})
        size = store.size_of(session.meta.id)
        saver.close()
        results[name] = (size, stats)
        if name == "5,000 events":
            long_id = session.meta.id
        ours, base = stats["peercircle"], stats["baseline"]
        print(f"  {name:>13} ({size / 1024:6.0f} KB): {ours.ms()}  p95 {ms(ours.p95)} | floor {base.ms()}")
    for name, (size, stats) in results.items():
        ours, base = stats["peercircle"], stats["baseline"]
        figure(
            f"note save p95, {name} ({size / 1024:.0f} KB)",
            f"p95 {ms(ours.p95)} (p50 {ms(ours.median)})",
            f"floor p95 {ms(base.p95)} (p50 {ms(base.median)})",
            "p95 < 20 ms",
            ours.p95 < 0.020,
        )
    return results, long_id


def reopen(tmp: Path, session_id: str) -> None:
    store = SessionStore(tmp / "notes", writer=False)
    path = store.path_for(session_id)
    stats = interleaved(
        max(5, RUNS // 8),
        {
            "baseline": timed(lambda: json.loads(path.read_text(encoding="utf-8"))),
            "peercircle": timed(lambda: store.load(session_id)),
        },
    )
    ours, base = stats["peercircle"], stats["baseline"]
    events = len(store.load(session_id).events)
    print(f"\nreopen the {events}-event session: {ours.ms()} | json.loads alone {base.ms()}")
    figure(
        f"reopen a {events}-event session ({path.stat().st_size / 1024:.0f} KB): read and replay",
        ms(ours.median),
        f"json.loads {ms(base.median)}",
        "< 0.5 s",
        ours.median < 0.5,
    )


# -- the history ------------------------------------------------------------------------------


def listing(tmp: Path) -> None:
    size = HISTORY_SIZES[-1]
    folder = history_folder(size)
    index = SessionStore(folder, writer=False).index_path
    runs = max(5, RUNS // 8)

    def list_once() -> float:
        store = SessionStore(folder, writer=False)  # as 'peercircle list' does: fresh
        started = time.perf_counter()
        entries = store.list_sessions()
        took = time.perf_counter() - started
        assert len(entries) == size, len(entries)
        return took

    def parse_index() -> None:
        for line in index.read_text(encoding="utf-8").splitlines():  # two JSON lines (index.py)
            json.loads(line)

    stats = interleaved(runs, {"baseline": timed(parse_index), "peercircle": list_once})
    ours, base = stats["peercircle"], stats["baseline"]
    print(f"\nlist_sessions() at {size:,}, a fresh reader: {ours.ms()} | json.loads of the index {base.ms()}")
    figure(
        f"list_sessions() at {size:,} past sessions, in process",
        ms(ours.median),
        f"json.loads of the index {ms(base.median)}",
        "< 200 ms",
        ours.median < 0.2,
    )

    # prepare() on the start path: the same with 10,000 sessions as with none.
    copies = {n: copy_of(history_folder(n), tmp / f"prepare-{n}") for n in (0, size)}

    def prepare(n: int) -> Callable[[], float]:
        return timed(lambda: SessionStore(copies[n], writer=True).prepare())

    stats = interleaved(RUNS, {"baseline": prepare(0), "peercircle": prepare(size)})
    ours, base = stats["peercircle"], stats["baseline"]
    print(f"prepare() at {size:,}: {ours.ms()} | at 0: {base.ms()}")
    figure(
        f"prepare() on the start path, {size:,} past sessions",
        ms(ours.median),
        f"0 sessions {ms(base.median)}",
        "within 1.5x of 0 sessions (not per file)",
        ours.median <= 1.5 * base.median + 0.0005,
    )


def main() -> None:
    print(machine())
    print("baseline: the floor for the same work (json.dumps + the same atomic write; json.loads)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        speaker_changes(tmp)
        _, long_id = note_saves(tmp)
        reopen(tmp, long_id)
        listing(tmp)


if __name__ == "__main__":
    main()
