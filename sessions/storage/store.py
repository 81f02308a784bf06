"""Sessions on disk: one TinyDB file per session plus a small index.

One file per session keeps the cost of saving a note independent of how many past
sessions the folder holds; the index keeps the history list cheap and can always be
rebuilt from the session files. Each index line names the version (size, mtime) of the
file it was computed from, so a listing trusts a line only while its file is that
version: saves never write the index, and a file changed behind it (a crash mid-session,
a copy, damage) is read again as the history is listed. The index's format is index.py's.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from peercircle.sessions.engine.clock import Clock
from peercircle.sessions.engine.events import Event
from peercircle.sessions.engine.session import SCHEMA_VERSION, Note, Session, SessionMeta
from peercircle.sessions.files import (
    TEMP_PREFIX,
    atomic_write_text,
    ensure_private_dir,
    remove_orphan_temps,
    size_text,
    temp_owner,
)
from peercircle.sessions.records.actions import open_action_count
from peercircle.sessions.records.summary import summarise
from peercircle.sessions.storage import index
from peercircle.sessions.storage.atomic import DocumentCache, Edit
from peercircle.sessions.storage.heartbeat import HeartbeatFile, read_beats
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


FileStamp = index.FileStamp
"""A session file's (size, mtime_ns): the version an index line was computed from. Not
its inode: a folder copied or restored with its times (``cp -a``, rsync, a backup) keeps
these, and its history is not read again whole. A change of either means the line is
computed again. Two versions of one size written within one tick of the file clock (a few
milliseconds) would look alike; events only add bytes, and the line is written from the
file after the session's last event, so only a note edited to the same length within
those milliseconds could be missed, until the file next changes."""


class _Line(NamedTuple):
    """One session in the index: its entry and the version of its file it was computed
    from. A tuple, not a dataclass: a listing makes ten thousand of them."""

    entry: IndexEntry
    stamp: FileStamp
    """``_LEGACY`` for a line read from an index written before stamps."""


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
        self.writer = writer
        """Only the process holding the folder lock moves, rewrites or deletes files;
        a reader (the CLI, a second app) just skips what it cannot read."""
        self._lock = threading.Lock()  # one read-modify-write of a file at a time
        self._writing: set[str] = set()
        """Sessions this store is writing (written to and not yet closed)."""
        self._beats: dict[str, HeartbeatFile] = {}
        """Each running session's heartbeat file, kept open between beats."""
        self._beat_lock = threading.Lock()
        self._docs = DocumentCache()
        self._lines: dict[str, _Line] | None = None
        """The index as the writer last checked it against the files (None: not yet). Each
        line names its file's version, so it is right whatever else changed: the writer
        keeps them instead of reading the index again."""
        self._index_stamp: tuple[int, int, int] | None = None
        """The index file as the writer last read or wrote it; another means it must be
        written again."""
        self._generation = 0
        """Counts this store's changes to the folder: a listing made while one happened is
        not kept."""
        self._listing: list[IndexEntry] | None = None
        """The history as last listed, newest first (the writer's: it changes the folder,
        and drops this when it does)."""
        self._tidy_pending = False
        """``prepare`` leaves the session files' modes and stray temp files to the first
        listing, which looks at every file anyway: at start that costs nothing per file."""
        self._prepared_ns = 0
        self._refreshing = threading.Lock()  # one listing at a time brings the lines up to date

    def prepare(self) -> None:
        """Create the private folders, clear temp files left by a killed write, and make
        sure every file is readable by its owner only.

        The session files themselves (there may be ten thousand) are tidied by the first
        listing (``list_sessions``), in the pass over the folder it makes anyway: at start
        this costs the same with 0 or 10,000 past sessions. Before, it looked at each of
        them here, on the way to the first screen (198 ms at 10,000)."""
        ensure_private_dir(self.data_dir)
        ensure_private_dir(self.sessions_dir)
        remove_orphan_temps(self.data_dir)
        if os.name == "posix":
            for folder in (self.data_dir, self.quarantine_dir):
                with contextlib.suppress(FileNotFoundError), os.scandir(folder) as found:
                    for item in found:
                        _make_private(item)
        self._tidy_pending = True
        self._prepared_ns = time.time_ns()
        self._lines = None  # look at every file once more

    def path_for(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.json"

    def alive_path(self, session_id: str) -> Path:
        return self.sessions_dir / f"{session_id}.alive"

    # -- heartbeat -----------------------------------------------------------------------

    def write_alive(self, session_id: str, mono_ns: int, wall: str) -> None:
        """When the running session was last known alive (``Clock.monotonic_ns()`` and wall
        time); read back after a crash. One ``pwrite`` into a file kept open (heartbeat.py)."""
        with self._beat_lock:
            beats = self._beats.get(session_id)
            if beats is None:
                beats = self._beats[session_id] = HeartbeatFile(self.alive_path(session_id))
            try:
                beats.write({"mono_ns": mono_ns, "wall": wall})
            except OSError:
                # Opened afresh at the next beat: the folder may have been fixed or moved.
                self._close_beats(session_id)
                raise

    def read_alive(self, session_id: str) -> tuple[int | None, str | None]:
        """The latest beat that reads whole; (None, None) when there is none."""
        try:
            beats = read_beats(self.alive_path(session_id))
        except OSError:
            return None, None
        latest: tuple[int, str] | None = None
        for raw in beats:
            try:
                found = alive_mono_ns(raw), str(raw["wall"])
            except (ValueError, KeyError, TypeError, ArithmeticError):
                continue
            if latest is None or found[0] > latest[0]:
                latest = found
        return latest if latest is not None else (None, None)

    def _close_beats(self, session_id: str) -> None:
        beats = self._beats.pop(session_id, None)
        if beats is not None:
            with contextlib.suppress(OSError):
                beats.close()

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
        self._changed_file(path.stem)
        with self._lock:
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
        self._remove([session_id])
        self._refresh()  # the index without its line, written now

    def older_than(self, days: int, now: datetime) -> list[IndexEntry]:
        cutoff = now - timedelta(days=days)
        return [e for e in self.list_sessions() if _created(e.created) < cutoff]

    def purge(self, older_than_days: int, now: datetime) -> list[IndexEntry]:
        """Delete every session (and quarantined file) older than the given age."""
        cutoff = now - timedelta(days=older_than_days)
        doomed = self.older_than(older_than_days, now)
        self._remove([entry.id for entry in doomed])
        self.deleted_damaged = []
        for path in self.quarantined_files():
            if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff:
                path.unlink()
                self.deleted_damaged.append(path)
        if doomed:
            self._refresh()
        return doomed

    def _remove(self, session_ids: list[str]) -> None:
        for session_id in session_ids:
            self._changed_file(session_id)
            self.close(session_id)
            for path in (self.path_for(session_id), self.alive_path(session_id)):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

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
        events are keyed by sequence number and notes by id, and a batch that changes
        nothing writes nothing.

        It costs what the batch changes plus writing the file's bytes (see ``atomic``);
        the index is not touched: the next listing sees the file changed."""
        path = self.path_for(session_id)
        with self._lock:
            self._writing.add(session_id)
            edit = Edit(self._docs.read(path))
            if meta is not None:
                keys = list(edit.table("meta"))
                # One document, under the key it had (TinyDB's id): 1 for a new file.
                edit.replace_table("meta", {keys[0] if len(keys) == 1 else "1": meta.to_dict()})
            known = edit.table("events")
            for event in events:
                key = str(event.seq)
                if key not in known:
                    edit.put("events", key, event.to_dict())
            for note in notes:
                edit.put("notes", _note_key(edit.table("notes"), note.id), note.to_dict())
            if not edit.table("meta"):
                # A file without its details would not load and would be quarantined;
                # raising here leaves the file as it was.
                raise StoreError(f"session {session_id} has no details to save yet")
            if edit.changed:
                self._docs.write(path, edit.result())
        self._changed_file(session_id)

    def write_meta(self, meta: SessionMeta) -> None:
        self.write_batch(meta.id, meta=meta)

    def append_events(self, session_id: str, events: list[Event]) -> None:
        self.write_batch(session_id, events=events)

    def write_notes(self, session_id: str, notes: list[Note]) -> None:
        self.write_batch(session_id, notes=notes)

    def index_session(self, session_id: str) -> None:
        """Bring the session's line in the index up to date now, from its file (the
        autosaver's last step, so the next listing need not read the file). Raises OSError
        when the index cannot be written; the next listing tries again."""
        self._changed_file(session_id)
        with self._lock:
            self._writing.discard(session_id)  # its line is made from the file now
        if self.writer:
            self._refresh(strict=True)

    def update_index(self, entry: IndexEntry) -> None:
        """``index_session(entry.id)``, kept for callers from before the index knew its
        files. The line is computed from the file, not taken from ``entry``: a line is only
        ever computed from the file version it names, so none can say something its file
        does not (one handed in from memory could, after a crash or a failed write)."""
        self.index_session(entry.id)

    def close(self, session_id: str) -> None:
        """The session is no longer being written: drop what is kept of its file."""
        with self._lock:
            self._docs.forget(self.path_for(session_id))
            self._writing.discard(session_id)
        with self._beat_lock:
            self._close_beats(session_id)

    def _changed_file(self, session_id: str) -> None:
        """This store changed, moved or removed the session's file: the next listing looks."""
        with self._lock:
            self._generation += 1
            self._listing = None

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
        meta, events, notes = self.read_parts(session_id)
        # Replaying the events is part of reading: bad event data is damage too.
        return Session(meta, events, notes, clock=clock, live=False)

    def read_parts(self, session_id: str) -> tuple[SessionMeta, list[Event], list[Note]]:
        """A session file's details, its events in order and its notes, read as ``load``
        reads them but without replaying the events or moving a bad file aside: for a
        reader that follows a session another process is writing (the mirror). Raises
        OSError, ValueError (and the like) for a file it cannot read, DamagedSession for
        one written by a newer peercircle."""
        path = self.path_for(session_id)
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
        return meta, events, notes

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

    # -- the index -----------------------------------------------------------------------

    def list_sessions(self) -> list[IndexEntry]:
        """Past sessions, newest first, each line as its file says.

        The index keeps each session's line with the version (size and mtime) of the file
        it was computed from. A listing looks at the folder once (one ``scandir``, a stat
        per file) and computes again only the lines whose file is new, changed or has
        none, checking only those for damage: a session that was running when the app
        stopped is listed as its file has it, and a file cut short since is moved aside.
        The writer keeps the lines it checked, so its next listing looks again only at
        the files it changed since. Before, every listing read both ends of every file
        (38 ms per 1,000), and every speaker change rewrote the whole index."""
        with self._lock:
            cached = self._listing
        if cached is not None and self.writer:
            return list(cached)
        return list(self._refresh(keep=True))

    def entries_of(self, files: Iterable[tuple[str, FileStamp]]) -> list[IndexEntry]:
        """The entries of the session files named, each with the version (size, mtime) it
        was seen at, computed from the files as a listing computes the line of a file that
        changed: a damaged file is left out and told in ``damaged`` (moved aside by the
        writer). For a listing that has the rest from the index (index.listed)."""
        lines = (self._line_for(session_id, stamp, None) for session_id, stamp in sorted(files))
        return [line.entry for line in lines if line is not None]

    def rebuild_index(self) -> list[IndexEntry]:
        """Every line computed again from its file, whatever the index says."""
        return self._refresh(from_files=True)

    def _refresh(
        self, from_files: bool = False, strict: bool = False, keep: bool = False
    ) -> list[IndexEntry]:
        """Check every line against its file, write the index if any changed, and return
        the listing; ``keep`` keeps it for the writer's next ``list_sessions``."""
        with self._refreshing:
            with self._lock:
                known, generation = self._lines, self._generation
            # Thousands of lines are made here, none in a cycle: the collector would go
            # through all of them again and again as they are made (a third of the time).
            with _cyclic_gc_paused():
                if from_files:
                    base, dirty = {}, True
                elif known is not None and self.writer:
                    base, dirty = known, _index_stamp(self.index_path) != self._index_stamp
                else:
                    base, dirty = self._read_index()
                lines, changed = self._scan(base)
            if dirty or changed:
                self._write_index(lines, strict)
            listing = _newest_first(lines)
            if self.writer:
                with self._lock:
                    self._lines = lines
                    if keep and self._generation == generation:  # nothing was written meanwhile
                        self._listing = listing
            return listing

    def _scan(self, indexed: dict[str, _Line]) -> tuple[dict[str, _Line], bool]:
        """Every session file against ``indexed``: the lines, and whether any changed. The
        writer's first pass after ``prepare`` tidies the folder too."""
        tidy = self.writer and self._tidy_pending
        lines: dict[str, _Line] = {}
        stale: list[tuple[str, FileStamp]] = []
        try:
            with os.scandir(self.sessions_dir) as found:
                for item in found:
                    name = item.name
                    if tidy and self._tidied(item):
                        continue
                    if not name.endswith(".json"):
                        continue
                    try:
                        st = item.stat()
                    except OSError:
                        continue
                    if not stat.S_ISREG(st.st_mode):
                        continue  # a folder named like a session is not one, nor damage to move
                    session_id, stamp = name[:-5], (st.st_size, st.st_mtime_ns)
                    old = indexed.get(session_id)
                    if old is not None and old.stamp == stamp:
                        lines[session_id] = old
                    else:
                        stale.append((session_id, stamp))
        except OSError:
            pass  # no sessions folder yet: no sessions
        if tidy:
            self._tidy_pending = False
        for session_id, stamp in sorted(stale):  # damage is told in name order
            line = self._line_for(session_id, stamp, indexed.get(session_id))
            if line is not None:
                lines[session_id] = line
        return lines, bool(stale) or len(lines) != len(indexed)

    def _line_for(self, session_id: str, stamp: FileStamp, old: _Line | None) -> _Line | None:
        """The session's line for the file version ``stamp``: the old one while the file
        is that version, else computed from the file. None for a damaged file (moved
        aside by the writer) or one that cannot be read."""
        if old is not None and old.stamp == stamp:
            return old
        if old is not None and session_id in self._writing:
            # The session this app is running: its file changes with every speaker and
            # note, and a long one took a second to read again at each listing. Its line
            # stays as it was, with the file version it was made from, so the index still
            # says it is out of date: the end of the session (index_session) or, after a
            # crash, the next run's first listing makes it again from the file.
            return old
        path = self.path_for(session_id)
        problem = _edge_damage(path)
        if problem is not None:  # moved aside unread: reading a big one takes seconds
            self.quarantine(path, problem)
            return None
        if old is not None and old.stamp is _LEGACY and old.entry.ended:
            # A line from an index written before lines named their file's version: as
            # trusted as the index that held it always was (a session that ended is not
            # written again), so a history of thousands is not read again whole.
            return _Line(old.entry, stamp)
        try:
            # Stat first, read second: if the file changes between the two, the line is
            # newer than the version it names, and the next listing computes it again.
            return _Line(IndexEntry.from_session(self.load(session_id)), stamp)
        except (StoreError, ValueError, ArithmeticError):
            return None  # damaged: quarantined by load, or left out of the list

    def _tidied(self, item: os.DirEntry[str]) -> bool:
        """Make a file in the sessions folder private, or delete it if it is a temp file
        left by a killed write; True for a temp file (not a session)."""
        if not item.name.startswith(TEMP_PREFIX):
            _make_private(item)
            return False
        owner = temp_owner(item.name)
        with contextlib.suppress(OSError):
            # This process's own temp files may be being written now; one of them older
            # than ``prepare`` is from a killed process that had the same id.
            if (
                owner != os.getpid()
                or item.stat(follow_symlinks=False).st_mtime_ns < self._prepared_ns - 10**9
            ):
                os.unlink(item.path)
        return True

    def _read_index(self) -> tuple[dict[str, _Line], bool]:
        """The index's lines, and whether it must be written again (missing, damaged, or
        written by a release before this one). An index that cannot be read is no index:
        every line is computed from the files."""
        try:
            text = self.index_path.read_text(encoding="utf-8")
            try:
                lines, dirty = _lines_of(index.decode(text, _MORE_FIELDS)), False
            except index.OtherFormat:
                raw = json.loads(text)
                lines = _rows(raw) if isinstance(raw, dict) and "rows" in raw else _legacy_lines(raw)
                dirty = True  # written again in this release's format
        except (OSError, ValueError, TypeError, AttributeError, KeyError, IndexError):
            return {}, True
        self._index_stamp = _index_stamp(self.index_path)
        return lines, dirty

    def _write_index(self, lines: dict[str, _Line], strict: bool = False) -> None:
        """Replace the index with ``lines`` (the writer only; a reader never writes). An
        index that cannot be written raises OSError when ``strict``, else is left as it is."""
        if not self.writer:
            return
        text = index.encode(_columns(lines), _MORE_FIELDS)
        try:
            ensure_private_dir(self.data_dir)
            try:
                atomic_write_text(self.index_path, text)
            except UnicodeEncodeError:  # a lone surrogate, which UTF-8 cannot hold
                atomic_write_text(self.index_path, without_surrogates(text))
            self._index_stamp = _index_stamp(self.index_path)
        except OSError:
            if strict:
                raise
            # A read-only folder still lists what it can; the lines are kept in memory
            # as written, so a writer tries again only when something changes.


_ENTRY_FIELDS = [f.name for f in fields(IndexEntry)]
_MORE_FIELDS = [name for name in _ENTRY_FIELDS if name not in index.LISTED]
"""The index's second line (index.py): what a listing does not show."""
assert set(index.LISTED) <= set(_ENTRY_FIELDS)
_LEGACY: FileStamp = (-1, -1)
"""The stamp of a line from an index written before lines named their file's version."""


def _columns(lines: dict[str, _Line]) -> index.Columns:
    """The index's columns (index.py): every entry's fields and its file's version, newest
    first."""
    entries = _newest_first(lines)
    columns: index.Columns = {name: [getattr(e, name) for e in entries] for name in _ENTRY_FIELDS}
    columns["people"] = [list(people) for people in columns["people"]]
    stamps = [lines[e.id].stamp for e in entries]
    columns["file_size"] = [size for size, _ in stamps]
    columns["file_mtime_ns"] = [mtime for _, mtime in stamps]
    return columns


def _lines_of(columns: index.Columns) -> dict[str, _Line]:
    """The lines of an index in this release's format."""
    rows = zip(*(columns[name] for name in _ENTRY_FIELDS), strict=True)
    stamps = zip(columns["file_size"], columns["file_mtime_ns"], strict=True)
    lines: dict[str, _Line] = {}
    for values, stamp in zip(rows, stamps, strict=True):
        entry = _entry_of(values)
        lines[entry.id] = _Line(entry, stamp)
    return lines


def _entry_of(values: Sequence[Any]) -> IndexEntry:
    """The entry with ``values`` (its fields in order; more after them are left out). Made
    without the frozen dataclass's ``__init__`` (which sets each field through
    ``object.__setattr__``): half the time, for 10,000 lines."""
    entry = object.__new__(IndexEntry)
    entry.__dict__.update(zip(_ENTRY_FIELDS, values, strict=False))
    entry.__dict__["people"] = tuple(entry.people)
    return entry


_FORMAT_2_FIELDS = [*_ENTRY_FIELDS, "file_size", "file_mtime_ns"]
"""Format 2 of the index (the release before this one): ``{"fields": _FORMAT_2_FIELDS,
"rows": [[...], ...]}``, one row per session, each the entry's values and the version of
its file. Read once, then written again in format 3 (index.py)."""


def _rows(raw: dict[str, Any]) -> dict[str, _Line]:
    """The lines of an index in format 2; one of another shape (fields added or gone) is
    read as no index, so every line is computed again."""
    if raw.get("fields") != _FORMAT_2_FIELDS:
        return {}
    width = len(_FORMAT_2_FIELDS)
    lines: dict[str, _Line] = {}
    for row in raw["rows"]:
        if len(row) != width or type(row[-1]) is not int or type(row[-2]) is not int:
            continue  # a damaged row: its session is computed again from its file
        entry = _entry_of(row)
        lines[entry.id] = _Line(entry, (row[-2], row[-1]))
    return lines


def _legacy_lines(raw: Any) -> dict[str, _Line]:
    """The lines of an index in format 1 (a TinyDB table of entries, without their files'
    versions): as trusted as it always was for a session that ended."""
    lines: dict[str, _Line] = {}
    for doc in raw.get("sessions", {}).values():
        entry = IndexEntry.from_dict(doc)
        if entry is not None:  # else from before a field existed: computed from its file
            lines[entry.id] = _Line(entry, _LEGACY)
    return lines


def _index_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _newest_first(lines: dict[str, _Line]) -> list[IndexEntry]:
    by_id = sorted((line.entry for line in lines.values()), key=attrgetter("id"))
    return sorted(by_id, key=attrgetter("created"), reverse=True)


def _make_private(item: os.DirEntry[str]) -> None:
    """Owner only: 0600 for a file, 0700 for a folder (a link is left alone: what it points
    at is not peercircle's)."""
    if os.name != "posix" or item.is_symlink():
        return
    with contextlib.suppress(OSError):
        mode = item.stat(follow_symlinks=False).st_mode
        want = 0o700 if stat.S_ISDIR(mode) else 0o600 if stat.S_ISREG(mode) else None
        if want is not None and stat.S_IMODE(mode) != want:
            os.chmod(item.path, want)


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


def _note_key(table: dict[str, Any], note_id: str) -> str:
    """The key of the document whose ``id`` is ``note_id`` (the first, as TinyDB's query
    found it), or the next free one."""
    for key, doc in table.items():
        if isinstance(doc, dict) and doc.get("id") == note_id:
            return key
    return str(max((int(key) for key in table), default=0) + 1)


def _created(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
