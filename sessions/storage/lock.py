"""One writer per data folder.

TinyDB is single-process: two writers on one file corrupt it. The first peercircle to open
a data folder holds an exclusive operating-system lock on ``lock`` for as long as it runs
(``filelock.FileLock``: ``flock`` on POSIX, ``msvcrt.locking`` on Windows), and writes its
process id to ``lock.pid`` beside it. A second one is told who holds it and opens history
read-only. The operating system drops the lock when its process dies, so a lock left by a
crash is taken over without any guessing about stale process ids.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import FileLock, Timeout

from peercircle.sessions.storage.layout import DataFolder

PRIVATE = 0o600


class FolderLock:
    def __init__(self, data_dir: Path) -> None:
        folder = DataFolder(data_dir)
        self.path = folder.lock
        self.owner_path = folder.lock_owner
        # A FileLock of our own per FolderLock (not a singleton, filelock's default; the
        # argument is left out since filelock 3.12 lacks it): two FolderLocks on one folder
        # in one process must exclude each other as two processes would, and flock on two
        # separate descriptors does. thread_local=False: the app takes the lock on one
        # thread and may release it on another at exit. timeout=0: never wait for it.
        self._file_lock = FileLock(str(self.path), timeout=0, mode=PRIVATE, thread_local=False)
        self._held = False
        self.took_over_from: int | None = None
        """The process id a previous, crashed holder left behind, if any."""

    @property
    def held(self) -> bool:
        return self._held

    def acquire(self) -> int | None:
        """Take the lock. Returns None when taken, else the process id holding it (0 if unknown)."""
        if self._held:
            return None
        try:
            self._file_lock.acquire(timeout=0)
        except Timeout:
            return _read_pid(self.owner_path)
        self._held = True
        _make_private(self.path)
        if self.owner_path.exists():
            _make_private(self.owner_path)  # left readable by an older version or another umask
        previous = _read_pid(self.owner_path)
        if previous and previous != os.getpid():
            self.took_over_from = previous  # it never cleared its pid: it did not exit cleanly
        _write_pid(self.owner_path, os.getpid())
        return None

    def release(self) -> None:
        if not self._held:
            return
        self._held = False
        try:
            # Cleared while still holding the lock, so the next holder's pid is never erased.
            _write_pid(self.owner_path, None)
        finally:
            self._file_lock.release(force=True)


def _make_private(path: Path) -> None:
    # FileLock applies ``mode`` when it creates the file; a lock file left by an older
    # version (or another umask) is tightened too. Not meaningful on Windows.
    if os.name == "posix":
        with contextlib.suppress(OSError):
            if path.exists() and path.stat().st_mode & 0o777 != PRIVATE:
                os.chmod(path, PRIVATE)


def _write_pid(path: Path, pid: int | None) -> None:
    """Write (or with None, empty) the holder's pid. Not atomic on purpose: a reader that
    catches it half-written reads 0, "another process", which is still true."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        if pid is not None:
            os.write(fd, f"{pid}\n".encode())
    finally:
        os.close(fd)


def _read_pid(path: Path) -> int:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0
