"""Following the session another process is running in the same data folder, read-only.

The mirror (``peercircle mirror``) shows the room the live session while the facilitator's
app writes it. It never takes the folder's lock and never writes: it looks at the files the
writer leaves (``sessions/<id>.json``, replaced atomically at every batch, and the
``<id>.alive`` heartbeat the writer touches once a second) and reads a session file again
only when its size, time or inode changed. Looking costs a few ``stat`` calls, so it can be
done several times a second; the time itself is never read from the files but computed from
the session's events with the follower's own clock, as the writer computes it.

A session is live while its file does not say it ended, its heartbeat is fresh, and the
folder's lock owner file (``lock.pid``) does not say nobody holds the lock (a clean quit
empties it at once; a crash leaves the heartbeat to go stale).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peercircle.sessions.engine.clock import NS_PER_SECOND, Clock, SystemClock
from peercircle.sessions.engine.events import Event
from peercircle.sessions.engine.session import Note, Session, SessionMeta
from peercircle.sessions.engine.timeline import Timeline
from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.store import SessionStore, StoreError

STALE_NS = 8 * NS_PER_SECOND
"""A heartbeat older than this (it is written every second) means its writer is gone:
crashed or killed. Generous, so a laptop busy for a few seconds does not blank the wall."""
RESCAN_NS = 2 * NS_PER_SECOND
"""While waiting, the folder is looked through at least this often (and whenever it changes)."""
PROBLEM_AFTER_NS = 2 * NS_PER_SECOND
"""A file that cannot be read is said to be so once it has stayed unreadable this long: a
writer that replaced it (atomically) since is read again first."""

FileStamp = tuple[int, int, int]
"""A file's (inode, size, mtime_ns): another means it was replaced or changed."""

_READ_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, ArithmeticError)
"""Whatever a damaged, cut or strange session file raises on the way in (as ``load`` lists them)."""


@dataclass(frozen=True)
class Sighting:
    """What the follower knows, for the mirror to show."""

    session: Session | None
    """The live session as last read whole, on the follower's clock; None while waiting."""
    problem: str
    """Why the file could not be read lately (shown beside the last good state); ''."""
    version: int
    """Moves on whenever the session or the problem changed."""


def _stamp(path: str) -> FileStamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class SessionFollower:
    """The live session of one data folder, followed from its files without writing."""

    def __init__(
        self,
        data_dir: os.PathLike[str] | str,
        clock: Clock | None = None,
        wall_ns: Callable[[], int] = time.time_ns,
        stale_ns: int = STALE_NS,
        problem_after_ns: int = PROBLEM_AFTER_NS,
    ) -> None:
        folder = DataFolder(Path(data_dir))
        self.store = SessionStore(folder.root, writer=False)
        self.clock: Clock = clock or SystemClock()
        self._wall_ns = wall_ns
        """Compared with the heartbeat file's mtime (both wall time, whatever the session clock)."""
        self._stale_ns = stale_ns
        self._problem_after_ns = problem_after_ns
        self._sessions_dir = os.fspath(folder.sessions)
        self._lock_owner = os.fspath(folder.lock_owner)
        self.session: Session | None = None
        self.problem = ""
        self.version = 0
        self._id: str | None = None
        self._stamp: FileStamp | None = None
        self._bad: tuple[FileStamp | None, int, str] | None = None
        """(stamp, since, reason) of the file version that could not be read."""
        self._dir_stamp: FileStamp | None = None
        self._scanned_ns: int | None = None

    @property
    def sighting(self) -> Sighting:
        return Sighting(self.session, self.problem, self.version)

    def poll(self) -> bool:
        """Look at the folder and read what changed; True when the sighting changed."""
        before = (self.session, self.problem, self.version)
        if self._id is not None:
            self._follow(self._id)
        if self._id is None:
            self._scan()
        return (self.session, self.problem, self.version) != before

    # -- following one session -----------------------------------------------------------

    def _follow(self, session_id: str) -> None:
        if not self._writer_alive(session_id):
            self._drop()
            return
        self._read_if_changed(session_id)
        if self.session is not None and self.session.ended:
            self._drop()

    def _writer_alive(self, session_id: str) -> bool:
        """Whether the session's writer is still there: a fresh heartbeat, and a lock that a
        clean quit has not given up."""
        try:
            beat = os.stat(os.path.join(self._sessions_dir, f"{session_id}.alive"))
        except OSError:
            return False
        if self._wall_ns() - beat.st_mtime_ns > self._stale_ns:
            return False
        try:
            # Emptied by the writer as it lets go of the lock; absent when no app ever
            # held it (a writer that takes no lock, as in tests and benchmarks).
            return os.stat(self._lock_owner).st_size > 0
        except OSError:
            return True

    def _read_if_changed(self, session_id: str) -> None:
        stamp = _stamp(os.path.join(self._sessions_dir, f"{session_id}.json"))
        if stamp is not None and stamp == self._stamp:
            return
        if self._bad is not None and self._bad[0] == stamp:
            self._still_bad()
            return
        try:
            if stamp is None:
                raise FileNotFoundError("the session file is gone")
            meta, events, notes = self.store.read_parts(session_id)
            session = self._merged(meta, events, notes)
        except StoreError as exc:
            self._failed(stamp, str(exc))
            return
        except _READ_ERRORS as exc:
            self._failed(stamp, f"{exc.__class__.__name__}: {exc}")
            return
        self.session, self._stamp, self._bad = session, stamp, None
        self.problem = ""
        self.version += 1

    def _merged(self, meta: SessionMeta, events: list[Event], notes: list[Note]) -> Session:
        """The session as now read: the one already followed with only its new events folded
        in when the file only grew (events are only ever appended), else replayed whole."""
        known = self.session
        if (
            known is not None
            and known.meta == meta
            and len(events) >= len(known.events)
            and (not known.events or events[len(known.events) - 1] == known.events[-1])
        ):
            had = len(known.events)
            try:
                for event in events[had:]:
                    known.events.append(event)
                    known.timeline.apply(event)
            except _READ_ERRORS:
                # Bad event data is damage, as in ``load``; the state shown stays as it was.
                del known.events[had:]
                known.timeline = Timeline.replay(
                    meta.format, meta.rotation, meta.presenter_order, known.events
                )
                raise
            known.notes = notes
            return known
        # live=True: "now" is the follower's clock, so the countdown runs between reads.
        return Session(meta, events, notes, clock=self.clock, live=True)

    def _failed(self, stamp: FileStamp | None, reason: str) -> None:
        """The file could not be read: keep the last good state, and say so if it lasts."""
        if self._bad is None or self._bad[0] != stamp:
            since = self._bad[1] if self._bad is not None else self._wall_ns()
            self._bad = (stamp, since, reason)
        self._still_bad()

    def _still_bad(self) -> None:
        assert self._bad is not None
        _, since, reason = self._bad
        if self._wall_ns() - since < self._problem_after_ns or self.problem:
            return
        self.problem = (
            f"Showing what the session file said last: it cannot be read now ({reason})."
            if self.session is not None
            else f"A session is running, but its file cannot be read ({reason})."
        )
        self.version += 1

    def _drop(self) -> None:
        """Back to waiting: the session ended, or its writer went away."""
        self._id = None
        self.session = None
        self._stamp = self._bad = None
        self.problem = ""
        self._scanned_ns = None  # look for another one at once
        self.version += 1

    # -- finding the live session --------------------------------------------------------

    def _scan(self) -> None:
        """Look for a live session when the folder changed (a new file is renamed into it at
        every save) or a while has passed; the freshest heartbeat wins."""
        now = self._wall_ns()
        dir_stamp = _stamp(self._sessions_dir)
        due = self._scanned_ns is None or now - self._scanned_ns >= RESCAN_NS
        if dir_stamp == self._dir_stamp and not due and not self._bad:
            return
        self._dir_stamp, self._scanned_ns = dir_stamp, now
        beats: list[tuple[int, str]] = []
        try:
            with os.scandir(self._sessions_dir) as found:
                for item in found:
                    if item.name.endswith(".alive"):
                        try:
                            beats.append((item.stat().st_mtime_ns, item.name[: -len(".alive")]))
                        except OSError:
                            continue
        except OSError:
            return  # no sessions folder yet
        for _, session_id in sorted(beats, reverse=True):
            if not self._writer_alive(session_id):
                continue
            self._read_if_changed(session_id)
            if self.session is not None and not self.session.ended:
                self._id = session_id
                return
            if self.session is None and self._bad is not None:
                return  # a live session's file that cannot be read (yet): tried again next poll
            self.session, self._stamp = None, None  # one that ended: not live
        if self._bad is not None or self.problem:
            self._bad, self.problem = None, ""  # the unreadable one is not live any more
            self.version += 1
