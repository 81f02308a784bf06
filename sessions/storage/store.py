"""Sessions on disk: one TinyDB file per session plus a small index.

One file per session keeps the cost of saving a note independent of how many past
sessions the folder holds; the index keeps the history list cheap and can always be
rebuilt from the session files.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import Query
from tinydb.table import Document as TinyDocument
from tinydb.table import Table

from peercircle.sessions.engine.clock import Clock
from peercircle.sessions.engine.events import Event
from peercircle.sessions.engine.session import SCHEMA_VERSION, Note, Session, SessionMeta
from peercircle.sessions.files import atomic_write_text, ensure_private_dir, remove_orphan_temps, size_text
from peercircle.sessions.records.actions import open_action_count
from peercircle.sessions.records.summary import summarise
from peercircle.sessions.storage.atomic import DocumentCache, one_write
from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.migrations import alive_mono_ns, migrate, migrate_event
from peercircle.sessions.text import without_surrogates


class StoreError(Exception):
    """Something about the stored sessions that the user needs to hear about."""


class UnknownSession(StoreError):
    pass


class DamagedSession(StoreError):
    pass


class TooBig(StoreError):
    """A session file too big to open; it is left where it is, not treated as damage."""


MAX_SESSION_BYTES = 100 << 20
"""The largest session file opened. A 90-minute session with full notes is 50-200 KB; a
50 MB one (half a million events) takes 5 s to read here and forty on a slow laptop, and
Python needs about ten times the file's size in memory while reading it. Past 100 MB a file
would take minutes and gigabytes, so it is refused with its size instead."""


@dataclass(frozen=True)
class DamagedFile:
    """A session file that could not be read."""

    name: str
    reason: str
    moved_to: Path | None
    """Where it was moved aside; None when it was left where it is (a reader never moves
    a file, and a move can fail)."""

    @property
    def message(self) -> str:
        where = f" and was moved to {self.moved_to}" if self.moved_to else ""
        return f"{self.name} could not be read ({self.reason}){where}"


@dataclass(frozen=True)
class IndexEntry:
    id: str
    created: str
    format_name: str
    group_size: int
    length_seconds: float
    ended: bool
    people: tuple[str, ...] = ()
    """Everyone in the group, late arrivals included, for searching the history by person."""
    format_id: str = ""
    open_actions: int = 0
    """Action lines not ticked off ([x])."""

    def to_dict(self) -> dict:
        raw = self.__dict__.copy()
        raw["people"] = list(self.people)
        return raw

    @classmethod
    def from_dict(cls, raw: dict) -> IndexEntry | None:
        """An entry as the index stores it; None for one written before a field existed
        (or by a newer peercircle), so the index is rebuilt from the session files."""
        if not isinstance(raw, dict) or set(raw) != _INDEX_FIELDS:
            return None
        return cls(**{**raw, "people": tuple(raw["people"])})

    @classmethod
    def from_session(cls, session: Session) -> IndexEntry:
        summary = summarise(session)
        return cls(
            id=session.meta.id,
            created=session.meta.created,
            format_name=session.meta.format.name,
            group_size=len(session.timeline.roster),  # late arrivals count
            length_seconds=round(summary.elapsed, 1),
            ended=session.ended,
            people=tuple(session.timeline.roster),
            format_id=session.meta.format.id,
            open_actions=sum(open_action_count(n.text) for n in session.notes if n.kind == "action"),
        )


_INDEX_FIELDS = {f.name for f in fields(IndexEntry)}


class SessionStore:
    def __init__(self, data_dir: Path, writer: bool = True) -> None:
        self.data_dir = data_dir
        folder = DataFolder(data_dir)
        self.sessions_dir = folder.sessions
        self.index_path = folder.index
        self.quarantine_dir = folder.quarantine
        self.damaged: list[DamagedFile] = []
        """Session files found damaged by this store, oldest find first, each once: for
        the app and the command line to tell the user."""
        self.deleted_damaged: list[Path] = []
        """Files the last ``purge`` deleted from the quarantine folder."""
        self._listing: list[IndexEntry] | None = None
        """The history as last read; the writer drops it whenever it changes the index."""
        self.writer = writer
        """Only the process holding the folder lock moves, rewrites or deletes files;
        a reader (the CLI, a second app) just skips what it cannot read."""
        self._lock = threading.Lock()  # one read-modify-write of a document at a time
        self._docs: DocumentCache = _WritesAnyText()

    def prepare(self) -> None:
        """Create the private folders, clear temp files left by a killed write, and make
        sure every file is readable by its owner only."""
        ensure_private_dir(self.data_dir)
        ensure_private_dir(self.sessions_dir)
        remove_orphan_temps(self.data_dir)
        remove_orphan_temps(self.sessions_dir)
        if os.name == "posix":
            for folder in (self.data_dir, self.sessions_dir, self.quarantine_dir):
                for path in folder.glob("*") if folder.is_dir() else ():
                    if path.is_file() and (path.stat().st_mode & 0o777) != 0o600:
                        os.chmod(path, 0o600)
                    elif path.is_dir() and (path.stat().st_mode & 0o777) != 0o700:
                        os.chmod(path, 0o700)

    def path_for(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json"

    def alive_path(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.alive"

    # -- heartbeat -----------------------------------------------------------------------

    def write_alive(self, session_id: str, mono_ns: int, wall: str) -> None:
        """When the running session was last known alive (``Clock.monotonic_ns()`` and wall
        time); read back after a crash."""
        beat = json.dumps({"mono_ns": mono_ns, "wall": wall})
        atomic_write_text(self.alive_path(session_id), beat, durable=False)

    def read_alive(self, session_id: str) -> tuple[int | None, str | None]:
        try:
            raw = json.loads(self.alive_path(session_id).read_text(encoding="utf-8"))
            return alive_mono_ns(raw), str(raw["wall"])
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
            return None, None

    # -- removing ------------------------------------------------------------------------

    @property
    def quarantined(self) -> list[str]:
        """A message about each damaged file found, for the user."""
        return [damage.message for damage in self.damaged]

    def quarantined_files(self) -> list[Path]:
        """The damaged files moved aside so far (by any run), oldest first."""
        if not self.quarantine_dir.is_dir():
            return []
        return sorted((p for p in self.quarantine_dir.iterdir() if p.is_file()), key=lambda p: p.name)

    def quarantine(self, path: Path, reason: str) -> None:
        """Move a damaged file aside so everything else opens; tell the user which."""
        self._listing = None
        self._docs.forget(path)
        moved_to = None
        if self.writer:
            target = self.quarantine_dir / f"{path.name}.{int(time.time())}"
            try:
                ensure_private_dir(self.quarantine_dir)
                os.replace(path, target)
                moved_to = target
            except OSError:
                pass
        if not any(d.name == path.name and d.moved_to == moved_to for d in self.damaged):
            self.damaged.append(DamagedFile(path.name, reason, moved_to))

    def delete(self, session_id: str) -> None:
        """Remove a session for good: its file, its heartbeat and its line in the index."""
        with self._lock:
            self._docs.forget(self.path_for(session_id))
        for path in (self.path_for(session_id), self.alive_path(session_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.rebuild_index()

    def older_than(self, days: int, now: datetime) -> list[IndexEntry]:
        cutoff = now - timedelta(days=days)
        return [e for e in self.list_sessions() if _created(e.created) < cutoff]

    def purge(self, older_than_days: int, now: datetime) -> list[IndexEntry]:
        """Delete every session (and quarantined file) older than the given age."""
        cutoff = now - timedelta(days=older_than_days)
        doomed = self.older_than(older_than_days, now)
        for entry in doomed:
            with self._lock:
                self._docs.forget(self.path_for(entry.id))
            for path in (self.path_for(entry.id), self.alive_path(entry.id)):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        self.deleted_damaged = []
        for path in self.quarantined_files():
            if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff:
                path.unlink()
                self.deleted_damaged.append(path)
        if doomed:
            self.rebuild_index()
        return doomed

    # -- writing (called from the autosave thread) ---------------------------------------

    def write_batch(
        self,
        session_id: str,
        meta: SessionMeta | None = None,
        events: Iterable[Event] = (),
        notes: Iterable[Note] = (),
    ) -> None:
        """Save one autosave batch (the meta, new events, changed notes) as ONE atomic
        replace of the session file: a kill leaves the file before or after the batch,
        never between its parts. Retrying a batch that was written already is harmless:
        events are keyed by sequence number and notes by id."""
        path = self.path_for(session_id)
        with self._lock, one_write(path, self._docs) as db:
            if meta is not None:
                meta_table = db.table("meta")
                keys = [doc.doc_id for doc in meta_table.all()]
                meta_table.truncate()  # in the cache: the file never holds an empty table
                meta_table.insert(TinyDocument(meta.to_dict(), doc_id=keys[0] if len(keys) == 1 else 1))
            event_table = db.table("events")
            new_events = [e for e in events if not event_table.contains(doc_id=e.seq)]
            event_table.insert_multiple(TinyDocument(e.to_dict(), doc_id=e.seq) for e in new_events)
            note_table = db.table("notes")
            for note in notes:
                _put(note_table, _doc_id(note_table, note.id), note.to_dict())
            if not len(db.table("meta")):
                # A file without its details would not load and would be quarantined;
                # raising here leaves the file as it was.
                raise StoreError(f"session {session_id} has no details to save yet")

    def write_meta(self, meta: SessionMeta) -> None:
        self.write_batch(meta.id, meta=meta)

    def append_events(self, session_id: str, events: list[Event]) -> None:
        self.write_batch(session_id, events=events)

    def write_notes(self, session_id: str, notes: list[Note]) -> None:
        self.write_batch(session_id, notes=notes)

    def update_index(self, entry: IndexEntry) -> None:
        """Add or replace the session's line in the index: one atomic write."""
        self._listing = None
        with self._lock:
            try:
                self._docs.read(self.index_path)
                damaged = False
            except ValueError:
                damaged = True  # a damaged index: list_sessions rebuilds it when the ids differ
            try:
                self._put_in_index(entry, start_empty=damaged)
            except (AttributeError, TypeError, ValueError, KeyError):
                # JSON, but not an index (a list, a string for an entry): start it afresh;
                # list_sessions rebuilds the other lines from the session files.
                self._put_in_index(entry, start_empty=True)

    def _put_in_index(self, entry: IndexEntry, start_empty: bool) -> None:
        with one_write(self.index_path, self._docs, start_empty=start_empty) as db:
            table = db.table("sessions")
            _put(table, _doc_id(table, entry.id), entry.to_dict())

    def close(self, session_id: str) -> None:
        """The session is no longer being written: drop what is kept of its file."""
        with self._lock:
            self._docs.forget(self.path_for(session_id))

    # -- reading -------------------------------------------------------------------------

    def size_of(self, session_id: str) -> int:
        """The session file's size in bytes (0 when there is none): how long reading it takes."""
        try:
            return self.path_for(session_id).stat().st_size
        except OSError:
            return 0

    def load(self, session_id: str, clock: Clock | None = None) -> Session:
        path = self.path_for(session_id)
        if not path.is_file():
            raise UnknownSession(f"no session with id {session_id!r}; 'peercircle list' shows the ids")
        size = self.size_of(session_id)
        if size > MAX_SESSION_BYTES:
            raise TooBig(
                f"session file {path.name} is {size_text(size)}, too big to open (peercircle opens "
                f"up to {size_text(MAX_SESSION_BYTES)}; a whole session with notes is under 1 MB). "
                f"It is left as it is in {path.parent}."
            )
        # A big file makes millions of objects, and the cyclic garbage collector would go
        # through all of them again and again as they are made, each time in one call that
        # holds the interpreter lock: a 50 MB file took three times as long, and froze the
        # UI thread for half a second at a time. What is read holds no cycles to collect.
        pause = _cyclic_gc_paused() if size >= PARSE_IN_STEPS_FROM else contextlib.nullcontext()
        try:
            with pause:
                return self._read(path, session_id, clock)
        except DamagedSession:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, ArithmeticError) as exc:
            reason = f"{exc.__class__.__name__}: {exc}"
            self.quarantine(path, reason)
            raise DamagedSession(f"session file {path.name} is damaged ({reason})") from exc

    def _read(self, path: Path, session_id: str, clock: Clock | None) -> Session:
        raw = _parse(_read_text(path))
        _check_keys(raw)
        metas = list(raw.get("meta", {}).values())
        if len(metas) != 1:
            raise ValueError("no session details")
        meta = SessionMeta.from_dict(migrate(metas[0], SCHEMA_VERSION))
        if meta.schema > SCHEMA_VERSION:
            raise DamagedSession(
                f"session {session_id} was saved by a newer peercircle (schema {meta.schema}); "
                "update peercircle to open it"
            )
        # Every event, whatever the meta says: a file resumed after an upgrade holds
        # old-shaped events and new ones under a meta already rewritten at the new schema.
        stored = (migrate_event(e) for e in raw.get("events", {}).values())
        events = sorted((Event.from_dict(e) for e in stored), key=lambda e: e.seq)
        notes = [Note.from_dict(n) for n in raw.get("notes", {}).values()]
        # Replaying the events is part of reading: bad event data is damage too.
        return Session(meta, events, notes, clock=clock, live=False)

    def read_notes(self, session_id: str) -> list[Note]:
        """A session's notes straight from its file, without replaying its events: what a
        search of the history needs. Raises OSError or ValueError for a missing or bad file."""
        raw = _parse(_read_text(self.path_for(session_id)))
        if not isinstance(raw, dict):
            raise ValueError("not a session file")
        return [Note.from_dict(n) for n in raw.get("notes", {}).values()]

    def resolve(self, prefix: str) -> str:
        """A full id from an id or an unambiguous start of one."""
        if self.path_for(prefix).is_file():
            return prefix
        matches = [e.id for e in self.list_sessions() if e.id.startswith(prefix)] if prefix else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownSession(f"{prefix!r} matches {len(matches)} sessions; give more of the id")
        raise UnknownSession(f"no session with id {prefix!r}; 'peercircle list' shows the ids")

    def list_sessions(self) -> list[IndexEntry]:
        """Past sessions, newest first; rebuilds the index when it is missing or unreadable."""
        cached = self._listing
        if cached is not None and self.writer:
            return list(cached)  # only the writer changes the folder, and it drops the cache
        entries: list[IndexEntry] | None = None
        try:
            raw = json.loads(self.index_path.read_text(encoding="utf-8"))
            read = [IndexEntry.from_dict(doc) for doc in raw.get("sessions", {}).values()]
            entries = None if None in read else [e for e in read if e is not None]
        except (OSError, ValueError, TypeError, AttributeError):
            entries = None
        ids_on_disk = (
            {p.stem for p in self.sessions_dir.glob("*.json")} if self.sessions_dir.is_dir() else set()
        )
        if entries is None or {e.id for e in entries} != ids_on_disk:
            entries = self.rebuild_index()
        else:
            entries = self._without_damage(entries)
        listing = sorted(entries, key=lambda e: e.created, reverse=True)
        self._listing = listing
        return list(listing)

    def _without_damage(self, entries: list[IndexEntry]) -> list[IndexEntry]:
        """The index's entries less those whose file is plainly damaged: cut short, emptied
        or unreadable since the index was written. Those are moved aside (a reader just
        leaves them out), found from a few bytes at each end of each file, so listing the
        history stays cheap. Before, such a file stayed listed, and nobody heard of it
        until it was opened."""
        damaged = set()
        for entry in entries:
            path = self.path_for(entry.id)
            problem = _edge_damage(path)
            if problem is not None:
                self.quarantine(path, problem)
                damaged.add(entry.id)
        if not damaged:
            return entries
        kept = [e for e in entries if e.id not in damaged]
        if self.writer:
            self._write_index(kept)
        return kept

    def rebuild_index(self) -> list[IndexEntry]:
        self._listing = None
        entries = []
        for path in sorted(self.sessions_dir.glob("*.json")) if self.sessions_dir.is_dir() else []:
            if not path.is_file():
                continue  # a folder named like a session is not one, nor damage to move
            problem = _edge_damage(path)
            if problem is not None:  # moved aside unread: reading a big one takes seconds
                self.quarantine(path, problem)
                continue
            try:
                entries.append(IndexEntry.from_session(self.load(path.stem)))
            except (StoreError, ValueError, ArithmeticError):
                continue  # damaged: quarantined by load, or left out of the list
        self._write_index(entries)
        return entries

    def _write_index(self, entries: list[IndexEntry]) -> None:
        """Replace the index with ``entries`` (the writer only; a reader never writes)."""
        self._listing = None
        if not self.writer:
            return
        try:
            ensure_private_dir(self.data_dir)
            with self._lock:
                self._docs.write(
                    self.index_path, {"sessions": {str(i + 1): e.to_dict() for i, e in enumerate(entries)}}
                )
        except OSError:
            pass  # a read-only folder still lists what it can


class _WritesAnyText(DocumentCache):
    """A document cache whose writes never fail on what the text holds.

    Text is cleaned where it enters (``Session.write_note``, names, pastes), but a lone
    surrogate can still arrive past those: a name given to the API, or a ``"\\ud800"``
    escape in a file edited by hand and read back. UTF-8 cannot encode one, so before this
    every later save of the session failed, for good. Such a document is written once
    more with each lone surrogate made U+FFFD; everything else is written as it is."""

    def write(self, path: Path, doc: dict[str, Any]) -> None:
        try:
            super().write(path, doc)
        except UnicodeEncodeError:
            super().write(path, _without_surrogates(doc))


def _without_surrogates(value: Any) -> Any:
    """``value`` (JSON: dicts, lists, strings, numbers) with lone surrogates made U+FFFD,
    in keys too; a new document, as cached documents are never changed in place."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


PARSE_IN_STEPS_FROM = 1 << 20
"""Characters: a session file this long is parsed one document at a time (see _parse)."""
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not JSON whitespace."""
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]  # it always matches


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while any big file is being read (on any thread)."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


_EDGE_BYTES = 64


def _edge_damage(path: Path) -> str | None:
    """What is plainly wrong with a session file, from a few bytes at each end: a file cut
    short, emptied, not a session file at all, or unreadable. None when it begins with '{'
    and ends with '}' (only reading it whole tells more). A tiny fraction of the cost of
    reading it: the history is checked at every start."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_EDGE_BYTES).lstrip()
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _EDGE_BYTES))
            tail = handle.read().rstrip()
    except OSError as exc:
        return f"{exc.__class__.__name__}: {exc.strerror or exc}"
    if not head:
        return "the file is empty"
    if head[:1] != b"{":
        return "it is not a session file"
    if tail[-1:] != b"}":
        return "the file is cut short"
    return None


def _read_text(path: Path) -> str:
    """``path.read_text(encoding="utf-8")``, a megabyte per call: one call for 50 MB holds
    the interpreter lock for as long as it takes to read and decode them all (see _parse)."""
    with open(path, encoding="utf-8") as handle:
        return "".join(iter(lambda: handle.read(1 << 20), ""))


def _parse(text: str) -> Any:
    """``json.loads(text)``, for a big file in many small steps.

    ``json.loads`` is one call into C that holds the interpreter lock throughout: 50 MB took
    1.5 s and more, during which no other thread runs, so a file read in the background
    still froze the UI. A session file is a table of tables of small documents, so the two
    outer levels are walked here and each document parsed on its own, letting the UI thread
    in between. Anything this walk does not expect is parsed by ``json.loads`` after all, so
    the answer, and the error for a damaged file, are exactly what they always were."""
    if len(text) < PARSE_IN_STEPS_FROM:
        return json.loads(text)
    try:
        value, end = _parse_object(text, _skip(text, 0), levels=2)
        if _skip(text, end) != len(text):
            raise ValueError("extra data")
        return value
    except (ValueError, IndexError):
        return json.loads(text)


def _parse_object(text: str, pos: int, levels: int) -> tuple[dict[str, Any], int]:
    """The object starting at ``pos``; its values walked ``levels - 1`` levels deeper."""
    if text[pos] != "{":
        raise ValueError("not an object")
    out: dict[str, Any] = {}
    pos = _skip(text, pos + 1)
    if text[pos] == "}":
        return out, pos + 1
    while True:
        if text[pos] != '"':
            raise ValueError("not a key")
        key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        pos = _skip(text, pos)
        if text[pos] != ":":
            raise ValueError("no colon")
        pos = _skip(text, pos + 1)
        if levels > 1 and text[pos] == "{":
            out[key], pos = _parse_object(text, pos, levels - 1)
        else:
            out[key], pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] == "}":
            return out, pos + 1
        if text[pos] != ",":
            raise ValueError("no comma")
        pos = _skip(text, pos + 1)


def _check_keys(raw: object) -> None:
    """Every table's keys are TinyDB document ids (whole numbers). A file with another key
    would load but could never be saved again (TinyDB reads each key as an int), so it is
    damage, found when the file is read."""
    if not isinstance(raw, dict):
        raise ValueError("not a session file")
    for name in ("meta", "events", "notes"):
        table = raw.get(name, {})
        if not isinstance(table, dict) or not all(isinstance(k, str) and k.isdigit() for k in table):
            raise ValueError(f"the {name} table is damaged")


def _put(table: Table, doc_id: int, data: dict[str, Any]) -> None:
    """Store ``data`` as document ``doc_id``, replacing the old one whole (TinyDB's
    ``upsert`` merges fields, so a field the new version leaves out would linger)."""
    if table.contains(doc_id=doc_id):

        def replace(doc: MutableMapping[str, Any]) -> None:
            doc.clear()
            doc.update(data)

        table.update(replace, doc_ids=[doc_id])
    else:
        table.insert(TinyDocument(data, doc_id=doc_id))


def _doc_id(table: Table, key: str) -> int:
    """The TinyDB id of the document whose ``id`` field is ``key``, or the next free one."""
    found = table.get(Query().id == key)
    if isinstance(found, TinyDocument):
        return found.doc_id
    return max((doc.doc_id for doc in table.all()), default=0) + 1


def _created(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
