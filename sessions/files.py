"""Writing files so that a crash never leaves half of one, and keeping them private.

TinyDB's own JSONStorage rewrites its file in place, so a kill mid-write can leave
half a file. Here each write goes to a temp file in the same folder, is flushed and
fsynced, replaces the old file with ``os.replace`` and then the folder is fsynced:
after a crash the file holds either the old or the new content, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMP_PREFIX = ".tmp-"
"""Every temp file starts so; then the writing process's id and a dash (see ``temp_owner``)."""


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600).

    ``durable=False`` skips the fsyncs: still all-or-nothing if the process is killed,
    but a power cut may lose it. For the once-a-second heartbeat, not for notes.
    """
    # mkstemp makes it 0600. The process id in the name tells a temp file being written
    # now from one a killed process left, without looking at every file at start.
    fd, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=path.parent)
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


def temp_owner(name: str) -> int | None:
    """The id of the process that wrote the temp file ``name``; None for another name, or
    a temp file from a peercircle that did not put it in the name."""
    if not name.startswith(TEMP_PREFIX):
        return None
    pid, dash, _ = name[len(TEMP_PREFIX) :].partition("-")
    return int(pid) if dash and pid.isdigit() else None


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` if needed and make it readable by its owner only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix" and (path.stat().st_mode & 0o777) != 0o700:
        os.chmod(path, 0o700)
    return path


def ensure_export_dir(path: Path) -> Path:
    """A folder for exports: created owner-only when peercircle makes it, but a folder the
    user already has (a shared folder, their home) keeps the permissions they gave it."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(path, 0o700)
    return path


def free_name(path: Path, reusable: Callable[[Path], bool]) -> Path:
    """``path``, or "name (2).md", "name (3).md"...: the first that does not exist yet or
    that ``reusable`` says may be written over (say, the same record saved before)."""
    candidate, number = path, 2
    while candidate.exists() and not reusable(candidate):
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


def size_text(size: int) -> str:
    """A file size as a person reads it: '256 KB', '10.0 MB' (binary units, as file managers show)."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
