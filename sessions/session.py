"""A session: one run of a format by a group, recorded as an event log plus notes.

Commands (``pause``, ``next_speaker``, ``pass_turn``, ...) append events; everything
shown on screen is derived from those events by ``Timeline``. A ``SessionSink`` (the
autosaver) hears about every event and note change so nothing typed is lost.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sessions import __version__
from sessions.clock import Clock, SystemClock
from sessions.events import Event, EventKind
from sessions.formats import Format, Phase, SpeakerMode
from sessions.timeline import Timeline

SCHEMA_VERSION = 1


class SessionSink(Protocol):
    def event_added(self, session: Session, event: Event) -> None: ...

    def note_changed(self, session: Session, note: Note) -> None: ...


class _NoSink:
    def event_added(self, session: Session, event: Event) -> None:
        pass

    def note_changed(self, session: Session, note: Note) -> None:
        pass


@dataclass
class Note:
    id: str
    phase_index: int
    text: str
    created: str
    updated: str
    kind: str = "shared"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "phase_index": self.phase_index,
            "text": self.text,
            "created": self.created,
            "updated": self.updated,
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> Note:
        return cls(
            id=str(raw["id"]),
            phase_index=int(raw["phase_index"]),
            text=str(raw.get("text", "")),
            created=str(raw.get("created", "")),
            updated=str(raw.get("updated", "")),
            kind=str(raw.get("kind", "shared")),
        )


@dataclass(frozen=True)
class SessionMeta:
    id: str
    format: Format
    people: tuple[str, ...]
    presenter: str | None
    created: str
    app_version: str = __version__
    schema: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "format": self.format.to_dict(),
            "people": list(self.people),
            "presenter": self.presenter,
            "created": self.created,
            "app_version": self.app_version,
            "schema": self.schema,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> SessionMeta:
        return cls(
            id=str(raw["id"]),
            format=Format.from_dict(raw["format"]),
            people=tuple(raw["people"]),
            presenter=raw.get("presenter"),
            created=str(raw["created"]),
            app_version=str(raw.get("app_version", "")),
            schema=int(raw.get("schema", SCHEMA_VERSION)),
        )


class GroupError(ValueError):
    """The names entered for a group cannot run this format."""


def clean_names(raw: str) -> tuple[str, ...]:
    """Split 'Ann, Bob; Cat' or one-per-line input into trimmed names."""
    parts = raw.replace(";", ",").replace("\n", ",").split(",")
    return tuple(" ".join(p.split()) for p in parts if p.strip())


def check_group(fmt: Format, people: tuple[str, ...], presenter: str | None) -> None:
    if len(people) < 2:
        raise GroupError("Enter at least 2 names, separated by commas.")
    if len(people) > 12:
        raise GroupError(f"{len(people)} names: peercircle runs groups of up to 12.")
    lowered = [p.casefold() for p in people]
    dupes = sorted({p for p in people if lowered.count(p.casefold()) > 1})
    if dupes:
        raise GroupError(f"{', '.join(dupes)} appears twice; add an initial to tell them apart.")
    if any(len(p) > 40 for p in people):
        raise GroupError("A name is longer than 40 characters; use a shorter form.")
    if fmt.needs_presenter:
        if presenter is None:
            raise GroupError("Choose the presenter (the person bringing the case).")
        if presenter not in people:
            raise GroupError(f"The presenter {presenter!r} is not in the group.")
        if len(people) < 2:
            raise GroupError("This format needs a presenter and at least one member.")


def new_session_id(now: datetime) -> str:
    return f"{now:%Y%m%d-%H%M}-{secrets.token_hex(2)}"


@dataclass(frozen=True)
class LiveView:
    """Everything the live screen shows, at one instant."""

    phase: Phase
    phase_index: int
    phase_count: int
    planned: float
    elapsed: float
    remaining: float
    """Planned minus elapsed; negative in overtime."""
    paused: bool
    ended: bool
    speaker: str | None
    upcoming: tuple[str, ...]
    round: int
    turn_number: int | None
    rotation_size: int
    round_complete: bool
    is_last_phase: bool
    presenter: str | None
    session_elapsed: float

    @property
    def overtime(self) -> bool:
        return self.remaining < 0


class Session:
    def __init__(
        self,
        meta: SessionMeta,
        events: list[Event] | None = None,
        notes: list[Note] | None = None,
        clock: Clock | None = None,
        sink: SessionSink | None = None,
        live: bool = True,
    ) -> None:
        self.meta = meta
        self.live = live
        """False for a session read back from disk: its time stops at its last event."""
        self.events: list[Event] = list(events or [])
        self.notes: list[Note] = list(notes or [])
        self.clock: Clock = clock or SystemClock()
        self.sink: SessionSink = sink or _NoSink()
        self.timeline = Timeline.replay(meta.format, meta.people, meta.presenter, self.events)

    @classmethod
    def new(
        cls,
        fmt: Format,
        people: tuple[str, ...],
        presenter: str | None,
        clock: Clock | None = None,
        sink: SessionSink | None = None,
    ) -> Session:
        clock = clock or SystemClock()
        if not fmt.needs_presenter:
            presenter = None
        check_group(fmt, people, presenter)
        now = clock.now()
        meta = SessionMeta(new_session_id(now), fmt, people, presenter, now.isoformat(timespec="seconds"))
        return cls(meta, clock=clock, sink=sink)

    # -- commands ------------------------------------------------------------------------

    def _record(self, kind: EventKind, **data: object) -> Event | None:
        if not self.timeline.can_apply(kind):
            return None
        event = Event(
            seq=len(self.events) + 1,
            kind=kind,
            mono=self.clock.monotonic(),
            wall=self.clock.now().isoformat(timespec="seconds"),
            data=dict(data),
        )
        self.events.append(event)
        self.timeline.apply(event)
        self.sink.event_added(self, event)
        return event

    def start(self) -> Event | None:
        return self._record(EventKind.START)

    def pause(self) -> Event | None:
        return self._record(EventKind.PAUSE)

    def resume(self) -> Event | None:
        return self._record(EventKind.RESUME)

    def toggle_pause(self) -> Event | None:
        return self.resume() if self.timeline.paused else self.pause()

    def next_speaker(self) -> Event | None:
        return self._record(EventKind.NEXT_SPEAKER)

    def pass_turn(self) -> Event | None:
        return self._record(EventKind.PASS)

    def next_phase(self) -> Event | None:
        return self._record(EventKind.NEXT_PHASE)

    def end(self) -> Event | None:
        return self._record(EventKind.END)

    # -- notes ---------------------------------------------------------------------------

    def note_for(self, phase_index: int, kind: str = "shared") -> Note | None:
        return next((n for n in self.notes if n.phase_index == phase_index and n.kind == kind), None)

    def write_note(self, phase_index: int, text: str, kind: str = "shared") -> Note | None:
        """Set the text of a phase's note (created on first use) and tell the sink."""
        now = self.clock.now().isoformat(timespec="seconds")
        note = self.note_for(phase_index, kind)
        if note is None:
            if not text:
                return None
            note = Note(f"{phase_index}-{kind}", phase_index, text, now, now, kind)
            self.notes.append(note)
        elif note.text == text:
            return note
        else:
            note.text = text
            note.updated = now
        self.sink.note_changed(self, note)
        return note

    # -- reading -------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.timeline.started

    @property
    def ended(self) -> bool:
        return self.timeline.ended

    def now_mono(self) -> float:
        return self.clock.monotonic() if self.live else self.timeline.last_mono

    def view(self) -> LiveView:
        """The live state now: remaining = planned - active time since the phase began."""
        tl = self.timeline
        now = self.now_mono()
        run = tl.phases[-1] if tl.phases else None
        active = tl.active_at(now)
        elapsed = active - run.started if run else 0.0
        if run and run.ended is not None:
            elapsed = run.ended - run.started
        planned = run.planned if run else 0.0
        phase = self.meta.format.phases[tl.phase_index]
        turn = tl.current_turn
        if turn is not None:
            speaker: str | None = turn.person
        elif phase.mode is SpeakerMode.PRESENTER:
            speaker = self.meta.presenter
        else:
            speaker = None
        return LiveView(
            phase=phase,
            phase_index=tl.phase_index,
            phase_count=len(self.meta.format.phases),
            planned=planned,
            elapsed=elapsed,
            remaining=planned - elapsed,
            paused=tl.paused,
            ended=tl.ended,
            speaker=speaker,
            upcoming=tl.upcoming(2),
            round=tl.round,
            turn_number=(tl.turn_index + 1) if tl.turn_index is not None else None,
            rotation_size=len(tl.rotation),
            round_complete=bool(tl.rotation) and tl.turn_index is None,
            is_last_phase=tl.is_last_phase,
            presenter=self.meta.presenter,
            session_elapsed=active,
        )
