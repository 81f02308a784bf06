"""JSON documents that are only ever replaced whole, in one atomic write.

A session file (and the index) is a TinyDB database: one JSON object of tables,
``{"meta": {"1": {...}}, "events": {"<seq>": {...}}, "notes": {"1": {...}}}``. The store
changes it through TinyDB, with TinyDB's ``CachingMiddleware`` holding every change of a
batch in memory, and then writes the new version with a single
``files.atomic_write_text`` (``one_write``). A kill at any moment leaves either the old
version or the new one: never an intermediate state such as TinyDB's ``upsert`` writing
``{"meta": {}}`` before inserting.

The writer keeps the last version it wrote, with the file's stat at that moment, so a
batch costs one ``stat`` instead of a read and parse; any other change to the file (a
new inode from a replace, a new size or mtime) makes it read the file again.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

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


class _CachedDocumentStorage(Storage):
    """A TinyDB storage over a ``DocumentCache``: it reads a private copy of the document
    (TinyDB changes what it reads in place) and its only write is one atomic replace."""

    def __init__(self, path: Path, docs: DocumentCache, start_empty: bool = False) -> None:
        self.path = path
        self.docs = docs
        self.start_empty = start_empty

    def read(self) -> Document | None:
        if self.start_empty:
            return None
        doc = self.docs.read(self.path)
        return copy.deepcopy(doc) if doc else None

    def write(self, data: Document) -> None:
        self.docs.write(self.path, data)

    def close(self) -> None:
        pass


class _OneFlush(CachingMiddleware):
    # TinyDB's cache flushes itself every WRITE_CACHE_SIZE changes; a batch must reach the
    # disk as one write, so only ``one_write`` flushes.
    WRITE_CACHE_SIZE = sys.maxsize


@contextmanager
def one_write(path: Path, docs: DocumentCache, start_empty: bool = False) -> Iterator[TinyDB]:
    """A TinyDB database on ``path`` whose changes inside the ``with`` block reach the
    disk as ONE atomic replace when the block ends (and none if nothing changed or the
    block raised). TinyDB's own operations write the file once per operation (``upsert``
    even twice: an empty table first), which a kill can catch half-way through a batch."""
    middleware = _OneFlush(_CachedDocumentStorage)
    db = TinyDB(path, storage=middleware, docs=docs, start_empty=start_empty)
    before = None if start_empty else docs.read(path)
    yield db
    if middleware.cache is not None and middleware.cache != (before or {}):
        middleware.flush()
