"""JSON documents that are only ever replaced whole, in one atomic write.

A session file (and the index) is one JSON object of tables, in the shape TinyDB gave
it: ``{"meta": {"1": {...}}, "events": {"<seq>": {...}}, "notes": {"1": {...}}}``. The
store builds each new version of a document in memory and writes it with a single
``files.atomic_write_text``, so a kill at any moment leaves either the old version or
the new one: never an intermediate state such as TinyDB's ``upsert`` writing
``{"meta": {}}`` before inserting.

The writer keeps the last version it wrote, with the file's stat at that moment, so a
batch costs one ``stat`` instead of a read and parse; any other change to the file (a
new inode from a replace, a new size or mtime) makes it read the file again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peercircle.sessions.files import atomic_write_text

Document = dict[str, Any]
Stamp = tuple[int, int, int]


def encode(doc: Document) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass
class DocumentCache:
    """The documents this process last wrote or read, trusted only while the file's
    stat is unchanged. Not thread-safe: the store calls it under its lock."""

    _known: dict[Path, tuple[Stamp, Document]] = field(default_factory=dict)

    def read(self, path: Path) -> Document:
        """The document in ``path`` ({} when there is none). Raises ValueError for a file
        that is not a JSON object, OSError when it cannot be read.

        Callers must not change what is returned: build a new document and ``write`` it.
        """
        stamp = _stamp(path)
        if stamp is None:
            self._known.pop(path, None)
            return {}
        known = self._known.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if text.strip() else {}
        if not isinstance(doc, dict):
            raise ValueError(f"{path.name} is not a JSON object")
        self._known[path] = (stamp, doc)
        return doc

    def write(self, path: Path, doc: Document) -> None:
        """Replace ``path`` with ``doc``: one atomic, durable, private write. The cache
        changes only once the write has succeeded, so a failed write is retried from
        what is really on disk."""
        self._known.pop(path, None)
        atomic_write_text(path, encode(doc))
        stamp = _stamp(path)
        if stamp is not None:
            self._known[path] = (stamp, doc)

    def forget(self, path: Path) -> None:
        self._known.pop(path, None)
