"""The running session's heartbeat: when it was last known to be running.

Written once a second for as long as a session runs, and read back only after a crash (to
give the session back the time it had run). A projecting laptop writes it 5,400 times in a
ninety-minute session, so a beat is one ``pwrite`` into a file kept open, not a new file
renamed into place (six system calls and a directory change each second: a tenth of a
percent of a core, a third of what a bare clock app uses in all).

A beat cannot be written half in place over the last one: the file holds two fixed-size
slots, written in turn, each a line of JSON padded with spaces. A kill in the middle of a
write can spoil only the slot being written; the other still holds the beat before it, and
the reader takes the latest beat that reads whole. A file in the old form (one JSON object
written by an atomic replace) reads the same way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SLOT_BYTES = 128
"""Room for one beat: ``{"mono_ns": <20 digits>, "wall": "<ISO time>"}`` is under 80."""


class HeartbeatFile:
    """Beats written in turn into the two slots of one file, kept open between beats.
    One writer: the autosaver's heartbeat thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._slot = 0

    def write(self, beat: dict[str, Any]) -> None:
        """Write ``beat`` (JSON, under SLOT_BYTES) into the slot not written last."""
        line = json.dumps(beat, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        if len(line) >= SLOT_BYTES:
            raise ValueError(f"a heartbeat of {len(line)} bytes does not fit its slot")
        if self._fd is None:
            # A new run starts the file afresh: a beat left by an earlier run (before a
            # restart of the machine, when the monotonic clock began again at 0) would
            # otherwise read as the latest. The other slot keeps the run's beat before
            # from then on. 0600 like every data file.
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.pwrite(self._fd, line.ljust(SLOT_BYTES - 1) + b"\n", self._slot * SLOT_BYTES)
        self._slot ^= 1

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def read_beats(path: Path) -> list[dict[str, Any]]:
    """Every beat in the file that reads whole, in slot order (the caller picks the latest).
    Raises OSError when the file cannot be read."""
    beats = []
    for line in path.read_bytes().splitlines():
        try:
            beat = json.loads(line)
        except ValueError:
            continue  # a slot a kill cut short, or never written
        if isinstance(beat, dict):
            beats.append(beat)
    return beats
