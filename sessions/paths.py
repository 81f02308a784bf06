"""Where peercircle keeps its data, and keeping that place private."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ENV_HOME = "PEERCIRCLE_HOME"
ENV_EXPORTS = "PEERCIRCLE_EXPORT_DIR"


def default_data_dir() -> Path:
    """The platform's per-user data folder (XDG on Linux), unless PEERCIRCLE_HOME is set."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "peercircle"
    if sys.platform.startswith("win"):
        return Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "peercircle"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "peercircle"


def default_export_dir(data_dir: Path) -> Path:
    """Exports go somewhere a facilitator can find: ~/Documents/peercircle when there is a
    Documents folder, else an ``exports`` folder inside the data folder."""
    override = os.environ.get(ENV_EXPORTS)
    if override:
        return Path(override).expanduser()
    if os.environ.get(ENV_HOME):
        return data_dir / "exports"
    documents = Path.home() / "Documents"
    return documents / "peercircle" if documents.is_dir() else data_dir / "exports"


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
