"""How soon a change on the facilitator's screen shows on the mirror (``peercircle mirror``).

A writer process does what the facilitator's app does on a key: a session command (next
speaker, next phase, pause, resume) whose event the real autosaver writes through the real
store, heartbeat and all, at random moments half a second or so apart. The mirror runs
headless in this process (``run_test``) with its default poll interval and the system
clock, as on a projector. A change counts as shown when the mirror's screen has refreshed
(the frame after its state holds the event): the figure is that moment minus the moment the
writer issued the command, on CLOCK_MONOTONIC, which every process on the machine shares.

Baseline, from the same run and the same changes: a bare poller in a process of its own
that stats the session file on the mirror's beat and notes when its size or time changes
(the least any poller on that beat can take), and the write itself (command to on disk).

Goal (issue 16): p95 under 1 s.

Run: python bench/mirror.py [--quick]
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Stats, figure, machine  # noqa: E402

GOAL_S = 1.0

WRITER = r"""
import json, os, random, sys, time
from pathlib import Path
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore

data, changes = Path(sys.argv[1]), int(sys.argv[2])
store = SessionStore(data)
store.prepare()
fmt = load_library().get("action-learning-set")
people = ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser")
session = Session.new(fmt, people, "Aisha")
saver = Autosaver(store, session).start()
session.start()
saver.flush()
session.next_phase()  # questions in turn: next speaker has somewhere to go
saver.flush()
print(json.dumps({"path": str(store.path_for(session.meta.id))}), flush=True)
time.sleep(1.5)  # the mirror finds the session and settles
rng = random.Random(16)
for i in range(changes):
    time.sleep(rng.uniform(0.35, 0.75))
    tl = session.timeline
    if tl.paused:
        command = session.resume
    elif i % 7 == 3:
        command = session.pause
    elif i % 11 == 5 and not tl.is_last_step:
        command = session.next_phase
    elif tl.takes_turns and tl.current is not None:
        command = session.next_speaker
    elif not tl.is_last_step:
        command = session.next_phase
    else:
        command = session.pause
    t0 = time.monotonic_ns()
    event = command()
    saver.flush()
    t1 = time.monotonic_ns()
    line = {"t0": t0, "t1": t1, "events": len(session.events), "kind": event.kind.value}
    print(json.dumps(line), flush=True)
time.sleep(1.0)
session.end()
saver.close()
print(json.dumps({"done": True}), flush=True)
"""

POLLER = r"""
import json, os, sys, time
path, beat, until = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
last = None
while time.monotonic() < until:
    try:
        st = os.stat(path)
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = None
    if stamp != last:
        print(json.dumps({"t": time.monotonic_ns()}), flush=True)
        last = stamp
    time.sleep(beat)
"""


async def follow(data: Path, writer: subprocess.Popen[str], seen: list[tuple[int, int]]) -> None:
    """Run the mirror headless until the writer is done; ``seen`` gets (when the frame with
    it was drawn, how many events the session shown had) for each refresh."""
    from peercircle.tui.mirror_app import MirrorApp
    from peercircle.tui.screens.mirror import MirrorScreen

    original = MirrorScreen.refresh_view

    def refresh_view(self: MirrorScreen) -> None:
        original(self)
        session = self.follower.session
        count = len(session.events) if session is not None else 0
        # Shown once the screen has been drawn with the new state: after the next refresh.
        self.app.call_after_refresh(lambda: seen.append((time.monotonic_ns(), count)))

    MirrorScreen.refresh_view = refresh_view  # type: ignore[method-assign]
    app = MirrorApp(data_dir=data)
    async with app.run_test(size=(120, 36)) as pilot:
        while writer.poll() is None:
            await pilot.pause(0.05)
    MirrorScreen.refresh_view = original  # type: ignore[method-assign]


def latencies(changes: list[dict], seen: list[tuple[int, int]]) -> list[float]:
    out = []
    for change in changes:
        shown = next((t for t, count in seen if count >= change["events"] and t >= change["t0"]), None)
        if shown is not None:
            out.append((shown - change["t0"]) / 1e9)
    return out


def main() -> None:
    from peercircle.tui.mirror_app import POLL_SECONDS

    quick = "--quick" in sys.argv or os.environ.get("PEERCIRCLE_BENCH_QUICK") == "1"
    count = 30 if quick else 120
    print(machine())
    print(f"{count} changes (next speaker, next phase, pause, resume), 0.35-0.75 s apart")
    print(f"the mirror looks at the folder every {POLL_SECONDS} s")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), str(count)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert writer.stdout is not None
        path = json.loads(writer.stdout.readline())["path"]
        until = time.monotonic() + 1.5 + count * 0.8 + 5
        poller = subprocess.Popen(
            [sys.executable, "-c", POLLER, path, str(POLL_SECONDS), str(until)],
            stdout=subprocess.PIPE,
            text=True,
        )
        seen: list[tuple[int, int]] = []
        asyncio.run(follow(data, writer, seen))
        lines = [json.loads(line) for line in writer.stdout]
        poller.terminate()
        polled = [json.loads(line)["t"] for line in poller.communicate()[0].splitlines()]
    changes = [line for line in lines if "t0" in line]
    mirror = Stats(tuple(latencies(changes, seen)))
    stat_poll = Stats(
        tuple(
            # The first change it sees after the command is that command's write (each one
            # writes the file; nothing else does): it may see it before the flush returns.
            (next(t for t in polled if t >= c["t0"]) - c["t0"]) / 1e9
            for c in changes
            if any(t >= c["t0"] for t in polled)
        )
    )
    write = Stats(tuple((c["t1"] - c["t0"]) / 1e9 for c in changes))
    for name, stats in (
        ("mirror shows it", mirror),
        ("baseline, stat poller", stat_poll),
        ("baseline, write to disk", write),
    ):
        p50, p95 = stats.median * 1e3, stats.p95 * 1e3
        print(f"{name + ':':<25} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({stats.ms()})")
    missed = len(changes) - len(mirror.values)
    if missed:
        print(f"{missed} change(s) never seen on the mirror")
    figure(
        "mirror: a change on the facilitator's screen shown on the mirror, p50 / p95",
        f"{mirror.median * 1e3:.0f} / {mirror.p95 * 1e3:.0f} ms",
        f"a bare stat poller on the same beat: {stat_poll.median * 1e3:.0f} / {stat_poll.p95 * 1e3:.0f} ms",
        "p95 < 1 s",
        mirror.p95 < GOAL_S and not missed,
    )


if __name__ == "__main__":
    main()
