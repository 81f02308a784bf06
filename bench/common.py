"""What every benchmark shares: the machine line, A/B runs interleaved, medians with their
spread, and past sessions made with the project's own code (0, 1,000 and 10,000 of them).

The history is made once per machine and kept under the temp folder, keyed by the source
of the files that decide its shape, so a second run of a benchmark starts at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HISTORY_SIZES = (0, 1_000, 10_000)
GROUP = ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser")


def machine() -> str:
    """One line saying what the figures were measured on."""
    try:
        load = "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "load unknown"
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {load}"
    )


# -- figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]

    @property
    def p95(self) -> float:
        return self.quantile(0.95)

    @property
    def spread(self) -> tuple[float, float]:
        """The middle half of the runs (25th to 75th percentile)."""
        return self.quantile(0.25), self.quantile(0.75)

    def ms(self) -> str:
        low, high = self.spread
        return f"{self.median * 1e3:7.1f} ms (IQR {low * 1e3:.1f}-{high * 1e3:.1f}, n={len(self.values)})"

    def s(self) -> str:
        low, high = self.spread
        return f"{self.median:6.2f} s (IQR {low:.2f}-{high:.2f}, n={len(self.values)})"


def interleaved(runs: int, cases: dict[str, Callable[[], float]]) -> dict[str, Stats]:
    """Run each case ``runs`` times, taking turns (A B A B ...; the first case alternates
    with the others in changing order), so drift in the machine's load falls on all alike.
    Each callable returns the seconds it measured."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for i in range(runs):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(cases[name]())
    return {name: Stats(tuple(values)) for name, values in times.items()}


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def figure(name: str, measured: str, baseline: str, goal: str, ok: bool) -> None:
    """One row of the performance table: ``bench/all.py`` collects these lines from every
    benchmark into the table the README and the closing notes show."""
    print(f"figure: {name} | {measured} | {baseline} | {goal} | {verdict(ok)}", flush=True)


def run_python(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``script`` in a fresh interpreter; its stdout."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return out.stdout


# -- past sessions -----------------------------------------------------------------------

_SHAPE_SOURCES = (
    "bench/common.py",
    "sessions/engine/session.py",
    "sessions/engine/events.py",
    "sessions/storage/store.py",
    "sessions/storage/index.py",
    "sessions/storage/atomic.py",
    "sessions/storage/migrations.py",
)


def _shape_key() -> str:
    digest = hashlib.sha256()
    for name in _SHAPE_SOURCES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def _templates(folder: Path) -> list[dict]:
    """Three realistic past sessions, run through the real engine and autosaver with a
    fake clock: an Action Learning Set with three presenters (21 steps, shared notes with
    hashtags, actions, private notes), a Balint group and a check-in round."""
    from peercircle.sessions.engine.clock import FakeClock
    from peercircle.sessions.engine.session import Session
    from peercircle.sessions.library.format_file import load_library
    from peercircle.sessions.storage.autosave import Autosaver
    from peercircle.sessions.storage.store import SessionStore

    library = load_library()
    store = SessionStore(folder, writer=True)
    store.prepare()
    made = []
    plans = (
        ("action-learning-set", ("Aisha", "Ben", "Ciara")),
        ("balint-group", "Dev"),
        ("check-in-round", None),
    )
    words = "words and more words about practice, risk and what helped " * 4
    for format_id, presenter in plans:
        clock = FakeClock(wall=datetime(2025, 1, 6, 10, 0, tzinfo=UTC))
        fmt = library.get(format_id)
        assert fmt is not None, format_id
        session = Session.new(fmt, GROUP, presenter, clock=clock)
        saver = Autosaver(store, session).start(background=False)
        session.start()
        steps = len(session.timeline.steps)
        for step in range(steps):
            session.write_note(step, f"{GROUP[step % 6]}: a note about *practice* | #formative {words}")
            session.write_note(
                step, "Ben to read the guidance — Ben — by Friday\nCall the GP; Aisha; next week", "action"
            )
            if step % 3 == 0:
                session.write_note(step, f"private worry {step} about Dev's caseload", "private")
            for _ in range(3):
                clock.advance(60)
                session.next_speaker()
            if step < steps - 1:
                clock.advance(60)
                session.next_phase()
        session.end()
        saver.save_now()
        saver.close()
        made.append(json.loads(store.path_for(session.meta.id).read_text(encoding="utf-8")))
    return made


def _fill(folder: Path, count: int) -> None:
    from peercircle.sessions.storage.store import SessionStore

    sessions = folder / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    os.chmod(sessions, 0o700)
    with tempfile.TemporaryDirectory() as tmp:
        templates = _templates(Path(tmp))
    first = datetime(2021, 1, 4, 9, 30, tzinfo=UTC)
    for i in range(count):
        doc = json.loads(json.dumps(templates[i % len(templates)]))
        when = first + timedelta(hours=7 * i)
        sid = when.strftime("%Y%m%d-%H%M-") + f"{i:04x}"
        (meta,) = doc["meta"].values()
        meta["id"] = sid
        meta["created"] = when.isoformat(timespec="seconds")
        path = sessions / f"{sid}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.chmod(path, 0o600)
    # The index as the app leaves it: built by the store itself from the files.
    SessionStore(folder, writer=True).rebuild_index()


def history_folder(count: int) -> Path:
    """A data folder holding ``count`` past sessions (made once, then reused). Callers
    that may change it should work on ``copy_of(history_folder(n))``."""
    base = Path(tempfile.gettempdir()) / "peercircle-bench"
    folder = base / f"{_shape_key()}-{count}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        _fill(folder, count)
        done.write_text("")
        print(
            f"(made {count} past sessions in {time.perf_counter() - started:.0f} s: {folder})",
            file=sys.stderr,
        )
    return folder


def copy_of(folder: Path, into: Path) -> Path:
    """A private copy of a data folder, for a benchmark that writes."""
    target = into / folder.name
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".complete"))
    return target


if __name__ == "__main__":
    print(machine())
    for size in HISTORY_SIZES:
        print(size, history_folder(size))
