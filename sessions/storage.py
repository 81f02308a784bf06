"""A TinyDB storage whose every write is atomic and private.

TinyDB's own JSONStorage rewrites its file in place, so a kill mid-write can leave
half a file. Here each write goes to a temp file in the same folder, is flushed and
fsynced, replaces the old file with ``os.replace`` and then the folder is fsynced:
after a crash the file holds either the old or the new content, never a mix.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

TEMP_PREFIX = ".tmp-"


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600).

    ``durable=False`` skips the fsyncs: still all-or-nothing if the process is killed,
    but a power cut may lose it. For the once-a-second heartbeat, not for notes.
    """
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_orphan_temps(folder: Path) -> int:
    """Delete temp files left by a write that was killed; returns how many."""
    count = 0
    for temp in folder.glob(TEMP_PREFIX + "*"):
        try:
            temp.unlink()
            count += 1
        except OSError:
            pass
    return count


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, **_: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        # Opened afresh each time so a replaced file is always what is read.
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        return json.loads(text)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # Serialise first: a value that cannot be stored fails before the file is touched.
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def close(self) -> None:
        pass
