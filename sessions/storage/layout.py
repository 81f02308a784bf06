"""Where peercircle keeps its data, and keeping that place private."""

from __future__ import annotations

import os
import sys
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
