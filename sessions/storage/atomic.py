"""Session files that are only ever replaced whole, in one atomic write, at the cost of
what changed.

A session file is a TinyDB database: one JSON object of tables,
``{"meta": {"1": {...}}, "events": {"<seq>": {...}}, "notes": {"1": {...}}}``. TinyDB
still reads it; it no longer writes it. A batch (the meta, new events, changed notes) is
applied to the version this process last wrote, and the new version goes to disk with a
single ``files.atomic_write_text``: a kill at any moment leaves either the old version or
the new one, never an intermediate state.

Why not TinyDB for the writes: through TinyDB each batch deep-copied the whole document,
rebuilt each table per operation and encoded the whole file again, so a note save cost
what the file held: 74 ms at 1.2 MB, 230 ms for a session of 5,000 events. Here each
document is encoded once, when it is added or changed, and kept as text; a batch encodes
only what it changes and joins the rest, so the cost left is writing the bytes.

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
from peercircle.sessions.text import without_surrogates

Document = dict[str, Any]
Stamp = tuple[int, int, int]


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every document: ``json.dumps`` with these options makes a new one per
call, which cost as much as the encoding itself for the small documents of a session."""


def encode(doc: Any) -> str:
    return _ENCODER.encode(doc)


def _stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class StoredFile:
    """One version of a file of tables, with each document's text as it is written.

    Never changed in place: ``Edit`` makes the next version, sharing what did not change.
    """

    tables: Document = field(default_factory=dict)
    """The document: table name -> {document id: document}."""
    parts: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per table, per document id: ``"<id>":<document as JSON>``, ready to join."""
    other: dict[str, str] = field(default_factory=dict)
    """Anything else at the top (a hand edit, a newer peercircle), as JSON: kept as it is,
    as TinyDB kept what it did not touch."""

    @classmethod
    def of(cls, doc: Document) -> StoredFile:
        """A document read from disk. Raises ValueError when one of the session's tables
        is not documents keyed by whole numbers (TinyDB could not write it back either)."""
        parts: dict[str, dict[str, str]] = {}
        other: dict[str, str] = {}
        for name, table in doc.items():
            if isinstance(table, dict) and all(isinstance(k, str) and k.isdigit() for k in table):
                parts[name] = {k: _part(k, d) for k, d in table.items()}
            elif name in SESSION_TABLES:
                raise ValueError(f"the {name} table is damaged")
            else:
                other[name] = encode(table)
        return cls(doc, parts, other)

    def text(self) -> str:
        fields = (
            f"{encode(name)}:{self.other[name]}"
            if name in self.other
            else f"{encode(name)}:{{{','.join(self.parts[name].values())}}}"
            for name in self.tables
        )
        return "{" + ",".join(fields) + "}"

    def table(self, name: str) -> dict[str, Any]:
        return self.tables.get(name, {})


SESSION_TABLES = ("meta", "events", "notes")


def _part(key: str, doc: Any) -> str:
    return f'"{key}":{encode(doc)}'


class Edit:
    """The next version of a ``StoredFile``: tables touched are copied once (a dict of
    references, not the documents), the rest shared with the version it starts from."""

    def __init__(self, base: StoredFile) -> None:
        self.base = base
        self._tables: Document = dict(base.tables)
        self._parts: dict[str, dict[str, str]] = dict(base.parts)
        self._copied: set[str] = set()
        self.changed = False

    def table(self, name: str) -> dict[str, Any]:
        """The table as it stands in this edit (do not change it: use ``put``)."""
        return self._tables.get(name, {})

    def put(self, name: str, key: str, doc: Document) -> None:
        """Store ``doc`` as document ``key`` of table ``name``, replacing any old one whole."""
        if self.table(name).get(key) == doc:
            return  # a batch written already, retried: nothing to write
        self._own(name)
        self._tables[name][key] = doc
        self._parts[name][key] = _part(key, doc)
        self.changed = True

    def replace_table(self, name: str, docs: dict[str, Document]) -> None:
        if self.table(name) == docs and name in self._tables:
            return
        self._tables[name] = dict(docs)
        self._parts[name] = {k: _part(k, d) for k, d in docs.items()}
        self._copied.add(name)
        self.changed = True

    def _own(self, name: str) -> None:
        if name not in self._copied:
            self._tables[name] = dict(self._tables.get(name, {}))
            self._parts[name] = dict(self._parts.get(name, {}))
            self._copied.add(name)

    def result(self) -> StoredFile:
        return StoredFile(self._tables, self._parts, self.base.other)


@dataclass
class DocumentCache:
    """The files this process last wrote or read, trusted only while the file's stat is
    unchanged. Not thread-safe: the store calls it under its lock."""

    _known: dict[Path, tuple[Stamp, StoredFile]] = field(default_factory=dict)

    def read(self, path: Path) -> StoredFile:
        """The file's tables (empty when there is no file). Raises ValueError for a file
        that is not a JSON object of tables, OSError when it cannot be read."""
        stamp = _stamp(path)
        if stamp is None:
            self._known.pop(path, None)
            return StoredFile()
        known = self._known.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if text.strip() else {}
        if not isinstance(doc, dict):
            raise ValueError(f"{path.name} is not a JSON object")
        stored = StoredFile.of(doc)
        self._known[path] = (stamp, stored)
        return stored

    def write(self, path: Path, stored: StoredFile) -> None:
        """Replace ``path`` with ``stored``: one atomic, durable, private write. The cache
        changes only once the write has succeeded, so a failed write is retried from
        what is really on disk.

        Text is cleaned where it enters (``Session.write_note``, names, pastes), but a lone
        surrogate can still arrive past those: a name given to the API, or a ``"\\ud800"``
        escape in a file edited by hand and read back. UTF-8 cannot encode one, so before
        this every later save of the session failed, for good. Such a file is written once
        more with each lone surrogate made U+FFFD; everything else is written as it is."""
        self._known.pop(path, None)
        try:
            atomic_write_text(path, stored.text())
        except UnicodeEncodeError:
            stored = StoredFile.of(_without_surrogates(stored.tables))
            atomic_write_text(path, stored.text())
        stamp = _stamp(path)
        if stamp is not None:
            self._known[path] = (stamp, stored)

    def forget(self, path: Path) -> None:
        self._known.pop(path, None)


def _without_surrogates(value: Any) -> Any:
    """``value`` (JSON: dicts, lists, strings, numbers) with lone surrogates made U+FFFD,
    in keys too; a new document, as stored versions are never changed in place."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value
