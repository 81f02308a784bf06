"""A facilitator's app as a mirror sees it, without the app: a session run through the real
engine and store in a data folder, saved whole after each change, with the heartbeat a
running app writes. For the tests that watch the mirror from outside (the browser test)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from peercircle.sessions.engine.clock import SystemClock
from peercircle.sessions.engine.events import Event
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.storage.store import SessionStore

BEAT_SECONDS = 0.5
"""Twice as often as the app beats: a loaded test machine must not make the session look gone."""


@dataclass
class LiveWriter:
    store: SessionStore
    session: Session
    _stop: threading.Event = field(default_factory=threading.Event)
    _quiet: threading.Lock = field(default_factory=threading.Lock)
    _beats: threading.Thread | None = None

    @classmethod
    def start(
        cls,
        data_dir: Path,
        format_id: str = "action-learning-set",
        people: tuple[str, ...] = ("Aisha", "Ben", "Ciara"),
    ) -> LiveWriter:
        fmt = load_library().get(format_id)
        assert fmt is not None
        store = SessionStore(data_dir, writer=True)
        store.prepare()
        session = Session.new(fmt, people, people[0] if fmt.needs_presenter else None, clock=SystemClock())
        session.start()
        writer = cls(store, session)
        writer.save()
        writer.beat()
        writer._beats = threading.Thread(target=writer._beat_until_stopped, daemon=True)
        writer._beats.start()
        return writer

    def do(self, change: Callable[[Session], Event | None]) -> None:
        """One control, as the facilitator's key would work it, saved at once."""
        change(self.session)
        self.save()

    def save(self) -> None:
        s = self.session
        self.store.write_batch(s.meta.id, meta=s.meta, events=s.events, notes=s.notes)

    def beat(self) -> None:
        clock = self.session.clock
        self.store.write_alive(self.session.meta.id, clock.monotonic_ns(), clock.now().isoformat())

    @contextmanager
    def beats_paused(self) -> Iterator[None]:
        """Nothing written meanwhile, the heartbeat included (for a few seconds: the mirror
        takes a session for gone after eight without a beat)."""
        with self._quiet:
            yield

    def _beat_until_stopped(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            with self._quiet:
                self.beat()

    def stop(self) -> None:
        self._stop.set()
        if self._beats is not None:
            self._beats.join()
