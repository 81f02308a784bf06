"""One writer per data folder.

TinyDB is single-process: two writers on one file corrupt it. The first peercircle to open
a data folder holds an exclusive ``flock`` on ``lock`` for as long as it runs; the file
also names its process. A second one is told who holds it and opens history read-only.
The operating system drops a flock when its process dies, so a lock left by a crash is
taken over without any guessing about stale process ids.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; one writer is then the user's responsibility
    fcntl = None  # type: ignore[assignment]


class FolderLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "lock"
        self._fd: int | None = None
        self.took_over_from: int | None = None
        """The process id a previous, crashed holder left in the file, if any."""

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> int | None:
        """Take the lock. Returns None when taken, else the process id holding it (0 if unknown)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_pid(fd)
                os.close(fd)
                return holder
        previous = _read_pid(fd)
        if previous and previous != os.getpid():
            self.took_over_from = previous
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing drops the flock


def _read_pid(fd: int) -> int:
    try:
        text = os.pread(fd, 32, 0).decode(errors="replace").strip()
        return int(text) if text.isdigit() else 0
    except OSError:
        return 0
