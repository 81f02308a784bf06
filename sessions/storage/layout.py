"""Where peercircle keeps its data, and what lives where inside that folder.

``DataFolder`` is the one place that knows the names inside the data folder; everything
else asks it for a path instead of joining strings onto the folder itself. The folders
themselves come from ``platformdirs``, so a localised Documents folder (``~/Dokumente``
named in ``~/.config/user-dirs.dirs``) and the platform's own data folder are found as
the desktop knows them.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "peercircle"
ENV_HOME = "PEERCIRCLE_HOME"
"""A data folder of the user's choosing (tests, a portable install); exports then stay in it."""
ENV_EXPORTS = "PEERCIRCLE_EXPORT_DIR"
"""Where exports go, whatever the data folder."""


class DataFolder:
    """The data folder and the names inside it: a value, like a frozen dataclass. Not one:
    ``peercircle list`` needs this class, and importing dataclasses (and inspect with it)
    was some 10 ms of the command."""

    __slots__ = ("root",)
    root: Path

    def __init__(self, root: Path) -> None:
        object.__setattr__(self, "root", root)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a DataFolder cannot be changed (its {name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a DataFolder cannot be changed (its {name})")

    def __eq__(self, other: object) -> bool:
        return self.root == other.root if isinstance(other, DataFolder) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"DataFolder(root={self.root!r})"

    @classmethod
    def default(cls) -> DataFolder:
        """``$PEERCIRCLE_HOME`` if set, else the platform's per-user data folder."""
        override = os.environ.get(ENV_HOME, "").strip()
        if override:
            return cls(Path(override).expanduser())
        return cls(platform_data_dir())

    @property
    def sessions(self) -> Path:
        """One TinyDB file per session, and a ``.alive`` heartbeat beside a running one."""
        return self.root / "sessions"

    @property
    def index(self) -> Path:
        """The history list, rebuilt from the session files whenever it is missing or stale."""
        return self.root / "index.json"

    @property
    def quarantine(self) -> Path:
        """Damaged session files moved aside, never deleted."""
        return self.root / "quarantine"

    @property
    def formats(self) -> Path:
        """The facilitator's own format files."""
        return self.root / "formats"

    @property
    def decks(self) -> Path:
        """The facilitator's own card decks."""
        return self.root / "decks"

    @property
    def agreement(self) -> Path:
        """The group agreement as the facilitator edited it."""
        return self.root / "agreement.md"

    @property
    def groups(self) -> Path:
        """The groups that meet again and again: members, usual format, agreement, meetings."""
        return self.root / "groups.json"

    @property
    def action_ticks(self) -> Path:
        """Statuses given to actions between meetings (the history's actions view)."""
        return self.root / "actions.json"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def lock(self) -> Path:
        """Locked by the one process that writes to the folder."""
        return self.root / "lock"

    @property
    def lock_owner(self) -> Path:
        """The process id of the lock's holder. Kept beside the lock, not in it: on Windows
        the locked byte cannot be read by anyone else, and a lock library may rewrite or
        remove its own file."""
        return self.root / "lock.pid"

    @property
    def exports(self) -> Path:
        """Exports when there is no Documents folder (or the data folder was chosen)."""
        return self.root / "exports"

    def export_dir(self) -> Path:
        """Where exports go by default: ``$PEERCIRCLE_EXPORT_DIR``; else, for a data folder
        chosen with ``$PEERCIRCLE_HOME``, its ``exports`` folder; else ``<Documents>/peercircle``
        when the Documents folder exists, so a facilitator finds them; else ``exports``."""
        override = os.environ.get(ENV_EXPORTS, "").strip()
        if override:
            return Path(override).expanduser()
        if os.environ.get(ENV_HOME, "").strip():
            return self.exports
        documents = documents_dir()
        return documents / APP_NAME if documents is not None else self.exports


def platform_data_dir() -> Path:
    """The platform's per-user data folder for peercircle.

    ``roaming=True`` on Windows keeps the folder earlier versions used (``%APPDATA%``), so
    nobody's sessions seem to vanish after an upgrade; macOS and Linux are unchanged.
    """
    import platformdirs  # 6 ms, and only for the default folders: not with --data-dir

    path = platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=True)
    if not path.is_absolute():
        # The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored; newer
        # platformdirs releases do, older ones (still allowed by our pin) join onto it, which
        # would put the sessions wherever the app happened to be started.
        path = _xdg_default_data_home() / APP_NAME
    return path


def _xdg_default_data_home() -> Path:
    return Path.home() / ".local" / "share"


def documents_dir() -> Path | None:
    """The user's Documents folder as the desktop names it (``~/Dokumente``, ``~/Documents``),
    or None when it does not exist (a server, a minimal container)."""
    try:
        import platformdirs

        documents = platformdirs.user_documents_path()
    except (OSError, RuntimeError):  # no home to be found: exports stay in the data folder
        return None
    return documents if documents.is_absolute() and documents.is_dir() else None
