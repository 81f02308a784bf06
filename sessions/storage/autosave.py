"""Saving as you go, off the UI thread.

The autosaver is the session's sink: every event and note change is queued and a single
background thread writes it (one writer: the files are never written from two threads).
Note edits are coalesced, so a burst of typing costs one write, and each keystroke is on
disk within about half a second. A failed write (disk full, folder read-only) keeps the
changes in memory, reports the error and retries until it succeeds.

Each batch (the meta, new events, changed notes) is one atomic replace of the session
file: a kill at any moment leaves it loadable, holding a batch that was written whole.
The index is not written here: the history listing computes a session's line from its
file whenever the file has changed (``SessionStore.list_sessions``). Before, every event
(a speaker change, a pause) rewrote the whole index and summarised the session on the UI
thread: 183 ms per speaker change with 10,000 past sessions.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

from peercircle.sessions.engine.events import Event, EventKind
from peercircle.sessions.engine.session import Note, Session
from peercircle.sessions.storage.store import SessionStore

NOTE_DELAY = 0.4
"""Seconds to gather keystrokes before writing a note."""
RETRY_DELAY = 2.0
HEARTBEAT = 1.0
"""Seconds between 'still running' marks, which crash resume reads to restore the time."""


@dataclass
class _Batch:
    """What one write takes from the queue; put back whole if the write fails."""

    meta: bool
    events: list[Event]
    notes: list[Note]
    started: float


class Autosaver:
    def __init__(self, store: SessionStore, session: Session) -> None:
        self.store = store
        self.session = session
        self.error: str | None = None
        self._background = True
        self._cond = threading.Condition()
        self._meta_pending = True
        self._events: list[Event] = []
        self._notes: dict[str, Note] = {}
        self._notes_due = 0.0
        self._busy = False
        self._pending_since: float | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="peercircle-autosave", daemon=True)
        self._stop_heartbeat = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, name="peercircle-heartbeat", daemon=True)

    def start(self, background: bool = True) -> Autosaver:
        """Queue the session's details and start writing. ``background=False`` starts no
        threads (no writer, no heartbeat): the caller writes each batch with ``save_now``,
        so it knows exactly which write holds what (the fault-injection tests)."""
        self._background = background
        self.session.sink = self
        self.event_added(self.session, None)
        if background:
            self._thread.start()
            self._heartbeat.start()
        return self

    # -- SessionSink ---------------------------------------------------------------------

    def event_added(self, session: Session, event: Event | None) -> None:
        with self._cond:
            if event is not None:
                self._events.append(event)
            self._mark_pending()
            self._cond.notify()

    def note_changed(self, session: Session, note: Note) -> None:
        with self._cond:
            if not self._notes:
                self._notes_due = time.monotonic() + NOTE_DELAY
            self._mark_pending()
            self._notes[note.id] = Note.from_dict(note.to_dict())  # a snapshot, not the live object
            self._cond.notify()

    def _mark_pending(self) -> None:
        if self._pending_since is None:
            self._pending_since = time.monotonic()

    # -- control -------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        with self._cond:
            return self._has_work(force=True) or self._busy

    def unsaved_for(self) -> float:
        """Seconds that the oldest change still waiting for the disk has waited (0 if none)."""
        with self._cond:
            if self._pending_since is None:
                return 0.0
            return time.monotonic() - self._pending_since

    def flush(self, timeout: float = 5.0) -> bool:
        """Write everything now; True when all of it is on disk."""
        if not self._background:
            return self.save_now()
        deadline = time.monotonic() + timeout
        with self._cond:
            self._notes_due = 0.0
            self._cond.notify()
            while self._has_work(force=True) or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
                self._notes_due = 0.0
        return self.error is None

    def close(self, timeout: float = 5.0) -> bool:
        saved = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._background:
            self._thread.join(timeout)
            self._stop_heartbeat.set()
            self._heartbeat.join(timeout)
        self.store.close(self.session.meta.id)
        if self.session.ended:
            self.store.alive_path(self.session.meta.id).unlink(missing_ok=True)
        return saved

    def _beat(self) -> None:
        clock, sid = self.session.clock, self.session.meta.id
        while not self._stop_heartbeat.is_set() and not self.session.ended:
            # A full disk is reported by the writer; the heartbeat just tries again.
            with contextlib.suppress(OSError):
                self.store.write_alive(sid, clock.monotonic_ns(), clock.now().isoformat(timespec="seconds"))
            self._stop_heartbeat.wait(HEARTBEAT)

    # -- the writer thread ---------------------------------------------------------------

    def _has_work(self, force: bool = False) -> bool:
        notes_ready = bool(self._notes) and (force or time.monotonic() >= self._notes_due)
        return self._meta_pending or bool(self._events) or notes_ready

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._has_work():
                    timeout = max(0.0, self._notes_due - time.monotonic()) if self._notes else None
                    self._cond.wait(timeout)
                if self._stopping and not self._has_work(force=True):
                    return
                batch = self._take()
            if not self._commit(batch):
                with self._cond:
                    self._cond.wait(RETRY_DELAY)

    def save_now(self) -> bool:
        """Write everything queued as one batch on the calling thread; True when it is on
        disk. For a saver started with ``background=False``."""
        with self._cond:
            if not self._has_work(force=True):
                return self.error is None
            batch = self._take()
        return self._commit(batch)

    def _take(self) -> _Batch:
        """Called holding ``_cond``: empty the queue into one batch."""
        batch = _Batch(self._meta_pending, self._events, list(self._notes.values()), time.monotonic())
        self._meta_pending, self._events, self._notes = False, [], {}
        self._busy = True
        return batch

    def _commit(self, batch: _Batch) -> bool:
        """Write a batch taken from the queue; on failure put it back (ahead of anything
        queued since) and report the error. True when it is on disk."""
        try:
            self._write(batch.meta, batch.events, batch.notes)
        except Exception as exc:  # noqa: BLE001 - any failure must keep the data, not kill the thread
            with self._cond:
                self.error = _describe(exc)
                self._meta_pending |= batch.meta
                self._events = batch.events + self._events
                for note in batch.notes:
                    self._notes.setdefault(note.id, note)
                self._busy = False
                self._cond.notify_all()
            return False
        with self._cond:
            self.error = None
            self._busy = False
            # What is still queued arrived during this write, so it is younger than it.
            self._pending_since = batch.started if self._has_work(force=True) else None
            self._cond.notify_all()
        return True

    def _write(self, meta: bool, events: list[Event], notes: list[Note]) -> None:
        sid = self.session.meta.id
        if meta or events or notes:
            self.store.write_batch(sid, self.session.meta if meta else None, events, notes)
        if any(e.kind is EventKind.END for e in events):
            # The session's line in the index, from the file just written and here, off
            # the UI thread, so the next listing need not read it. If the index cannot be
            # written, that listing computes the line: the batch itself is on disk.
            with contextlib.suppress(OSError):
                self.store.index_session(sid)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == 28:
        return "The disk is full. Notes are kept in memory and saved when space is freed."
    if isinstance(exc, PermissionError):
        return "The data folder cannot be written to. Notes are kept in memory; retrying."
    return f"Saving failed ({exc.__class__.__name__}: {exc}). Notes are kept in memory; retrying."
