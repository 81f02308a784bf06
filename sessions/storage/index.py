"""The index file: each past session's line, kept so the history is listed without opening
every session file. The store (store.py) keeps it true to the files; this module knows
only its format, and lists the history from it alone when that is all a listing needs.

Format 3, written since issue 14's listing work, is two lines of JSON, each a table stored
by columns, the sessions in the same order in both (newest first)::

    {"index":3,"fields":["id","created",...,"file_size","file_mtime_ns"],"columns":[[...],...]}
    {"fields":["people","format_id","open_actions"],"columns":[[...],...]}

The first line holds what a listing shows (``LISTED``) and the version (size, mtime) of
the session file each line was computed from; the second the rest of each index entry
(who took part, for searching the history; the format's id; the open actions). By columns,
not a row per session: at 10,000 sessions the rows took 34 ms to parse, the first line
takes 7 and the second 10, and ``peercircle list`` parses only the first.

Lone surrogates are written as U+FFFD (they cannot be UTF-8); JSON never writes a line
break inside a value, so each line is one JSON document.

Older formats are read by the store: format 2 (one JSON document of rows, with the file
versions) and format 1 (a TinyDB table of entries, without them).

Only the standard library is imported here, and little of it: ``peercircle list`` imports
this module and no other part of the store while the index is up to date.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator, Sequence
from operator import gt
from pathlib import Path
from typing import Any

VERSION = 3

LISTED = ("id", "created", "format_name", "group_size", "length_seconds", "ended")
"""The fields of an index entry that a listing shows, in the first line."""
STAMP = ("file_size", "file_mtime_ns")
"""The version of the session file a line was computed from (``FileStamp``)."""
FileStamp = tuple[int, int]
"""A session file's (size, mtime_ns): the version a line was computed from (see store.py)."""
FIRST = (*LISTED, *STAMP)

_TYPES: dict[str, frozenset[type]] = {
    "id": frozenset({str}),
    "created": frozenset({str}),
    "format_name": frozenset({str}),
    "group_size": frozenset({int}),
    "length_seconds": frozenset({float, int}),
    "ended": frozenset({bool}),
    "file_size": frozenset({int}),
    "file_mtime_ns": frozenset({int}),
}
"""What each value of the first line may be (``bool`` is not an ``int`` here). Checked
whole column at a time: an index whose values a listing cannot show is no index."""

Columns = dict[str, list[Any]]
"""A table by columns: each field's values, one per session, every list the same length."""


class OtherFormat(Exception):
    """The text is not an index in this format: an older release's, or no index at all."""


def encode(columns: Columns, more: Sequence[str]) -> str:
    """The index text of ``columns`` (``FIRST`` and then the fields ``more``), the sessions
    in the order the columns have them."""
    first = {"index": VERSION, "fields": list(FIRST), "columns": [columns[name] for name in FIRST]}
    rest = {"fields": list(more), "columns": [columns[name] for name in more]}
    return f"{_ENCODER.encode(first)}\n{_ENCODER.encode(rest)}\n"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def decode(text: str, more: Sequence[str]) -> Columns:
    """Every column of the index ``text``. Raises ``OtherFormat`` for a text that is not
    in this format (its first line is not this format's), and ValueError for an index in
    this format that is damaged or has other fields (written by another release): its
    lines are computed again from the files."""
    head, _, tail = text.partition("\n")
    columns = _first_line(head)
    rest = json.loads(tail)
    if not isinstance(rest, dict) or rest.get("fields") != list(more):
        raise ValueError("the index has other fields")
    others = _table(list(more), rest.get("columns"))
    if others and len(next(iter(others.values()))) != len(columns["id"]):
        raise ValueError("the index's lines differ in number")
    if not set(map(type, others.get("people", ()))) <= {list}:
        raise ValueError("the index's people column is damaged")
    return columns | others


def read_listed(path: Path) -> Columns | None:
    """The first line's columns (``FIRST``) of the index at ``path``; None when there is
    no index in this format there, or it is damaged."""
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.readline()
        return _first_line(head)
    except (OSError, ValueError, OtherFormat):
        return None


def _first_line(head: str) -> Columns:
    try:
        first = json.loads(head)
    except ValueError:
        raise OtherFormat from None
    if not isinstance(first, dict) or "index" not in first:
        raise OtherFormat
    if first["index"] != VERSION or first.get("fields") != list(FIRST):
        raise ValueError("an index of another version")
    columns = _table(list(FIRST), first.get("columns"))
    for name, values in columns.items():
        if not set(map(type, values)) <= _TYPES[name]:
            raise ValueError(f"the index's {name} column is damaged")
    return columns


def _table(names: list[str], values: object) -> Columns:
    """The columns ``values`` by field name; ValueError unless there is a list for each
    name and all are the same length."""
    if not isinstance(values, list) or len(values) != len(names) or not all(type(v) is list for v in values):
        raise ValueError("a damaged index")
    if len({len(column) for column in values}) > 1:
        raise ValueError("the index's columns differ in length")
    return dict(zip(names, values, strict=True))


# -- listing from the index alone ----------------------------------------------------------


def listed(index_path: Path, sessions_dir: Path) -> tuple[Columns, list[tuple[str, FileStamp]]] | None:
    """The history from the index: the columns ``LISTED`` of every line whose session file
    is the version it names, newest first as the store lists them, and each session file
    that is not (new, or changed since its line: a session running now, a file damaged or
    copied in), with the version seen, by id. A line whose file is gone is left out, as the
    store's listing leaves it. None when the store must list it all (no index in this
    format, a damaged one, the same id twice, a folder that cannot be read).

    It looks at the folder as the store's listing does (one ``scandir``, a stat per file),
    so with the lines of the changed files computed by the store (``entries_of``) it lists
    what the store would, without making an index entry per session or (when no file
    changed) importing the store: ``peercircle list`` at 10,000 sessions."""
    columns = read_listed(index_path)
    if columns is None:
        return None
    ids = columns["id"]
    versions = dict(zip(ids, zip(columns["file_size"], columns["file_mtime_ns"], strict=True), strict=True))
    if len(versions) != len(ids):
        return None  # the same id twice: the store sorts it out
    changed: list[tuple[str, FileStamp]] = []
    try:
        with _entries(sessions_dir) as found:
            for item in found:
                name = item.name
                if not name.endswith(".json"):
                    continue
                st = item.stat()
                if not stat.S_ISREG(st.st_mode):
                    continue  # not a session, as the store's listing has it
                version = (st.st_size, st.st_mtime_ns)
                if versions.pop(name[:-5], None) != version:
                    changed.append((name[:-5], version))
    except OSError:
        if sessions_dir.exists() or ids:
            return None  # a file gone while looked at, an unreadable folder: the store's
    if changed or versions:  # (versions: the lines whose file is gone)
        dropped = versions.keys() | {session_id for session_id, _ in changed}
        kept = [i for i, session_id in enumerate(ids) if session_id not in dropped]
        columns = {name: [columns[name][i] for i in kept] for name in LISTED}
    return newest_first({name: columns[name] for name in LISTED}), sorted(changed)


@contextlib.contextmanager
def _entries(folder: Path) -> Iterator[Iterator[os.DirEntry[str]]]:
    """``os.scandir(folder)``; where it can (Linux, macOS), of the folder opened once, so
    that each entry's stat looks up its name in the folder instead of walking the whole
    path again: at 10,000 files, a seventh less time. (An entry's ``path`` is then its
    name only: for reading, not for changing files.)"""
    if os.scandir not in os.supports_fd:
        with os.scandir(folder) as found:
            yield found
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        with os.scandir(fd) as found:
            yield found
    finally:
        os.close(fd)


def newest_first(columns: Columns) -> Columns:
    """The columns with the sessions in the store's order: newest first, then by id."""
    ids, created = columns["id"], columns["created"]
    # The writer writes the lines in that order, so unless two sessions began at the same
    # moment, a look along them finds them in it already.
    if all(map(gt, created, created[1:])):
        return columns
    order = sorted(range(len(ids)), key=ids.__getitem__)
    order.sort(key=created.__getitem__, reverse=True)
    return {name: [values[i] for i in order] for name, values in columns.items()}
