"""A session: one run of a format by a group, recorded as an event log plus notes.

Commands (``pause``, ``next_speaker``, ``pass_turn``, ...) append events; everything
shown on screen is derived from those events by ``Timeline``. A ``SessionSink`` (the
autosaver) hears about every event and note change so nothing typed is lost.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from peercircle import __version__
from peercircle.sessions.engine.clock import (
    NS_PER_SECOND,
    Clock,
    SystemClock,
    ns_to_seconds,
    ns_to_timedelta,
    seconds_to_ns,
    timedelta_to_ns,
)
from peercircle.sessions.engine.events import Event, EventKind
from peercircle.sessions.engine.meeting import Meeting
from peercircle.sessions.engine.timeline import Timeline
from peercircle.sessions.library.formats import Format, Phase, SpeakerMode
from peercircle.sessions.text import clean_text

SCHEMA_VERSION = 4
"""3: event times in whole nanoseconds (``mono_ns``), where 2 had float seconds.
4: ``presenters`` is the order they present in; the seed no longer shuffles it."""


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
    """As entered: seating order."""
    presenters: tuple[str, ...]
    """In the order they present, as the facilitator ticked them; one for most formats,
    several when the format cycles per presenter."""
    created: str
    seed: int | None = None
    """When set, the speaking rotation is shuffled with it (shown on screen). Never the
    presenters: who presents when is the facilitator's decision, made in the open."""
    app_version: str = __version__
    schema: int = SCHEMA_VERSION
    agreement: str = ""
    """The group agreement as it stood when the session began (Markdown)."""
    meeting: Meeting | None = None
    """Set when the session is a meeting of a group: who was there, and the report back."""

    @property
    def presenter(self) -> str | None:
        return self.presenters[0] if self.presenters else None

    @property
    def rotation(self) -> tuple[str, ...]:
        return shuffled(self.people, self.seed)

    @property
    def presenter_order(self) -> tuple[str, ...]:
        """The order the cycles run in: the ticked order (a session saved before schema 4,
        whose seed shuffled it, is brought to the order it ran in when it is read)."""
        return self.presenters

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "format": self.format.to_dict(),
            "people": list(self.people),
            "presenters": list(self.presenters),
            "created": self.created,
            "seed": self.seed,
            "app_version": self.app_version,
            "schema": self.schema,
            "agreement": self.agreement,
            **({"meeting": self.meeting.to_dict()} if self.meeting else {}),
        }

    @classmethod
    def from_dict(cls, raw: dict) -> SessionMeta:
        return cls(
            id=str(raw["id"]),
            format=Format.from_dict(raw["format"]),
            people=tuple(raw["people"]),
            presenters=tuple(raw.get("presenters", ())),
            created=str(raw["created"]),
            seed=raw.get("seed"),
            app_version=str(raw.get("app_version", "")),
            schema=int(raw.get("schema", SCHEMA_VERSION)),
            agreement=str(raw.get("agreement", "")),
            meeting=Meeting.from_dict(raw.get("meeting")),
        )


def shuffled(names: tuple[str, ...], seed: int | None) -> tuple[str, ...]:
    """``names`` in a reproducible shuffled order, or unchanged without a seed."""
    if seed is None:
        return names
    order = list(names)
    random.Random(seed).shuffle(order)
    return tuple(order)


class GroupError(ValueError):
    """The names entered for a group cannot run this format."""


# Bidirectional embeddings, overrides and isolates: one in a name turns the rest of the
# line it is drawn on around (the roster, the summary), so it never belongs in a name.
_DIRECTION_CONTROLS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def tidy_name(raw: str) -> str:
    """One name as it is shown and saved: without terminal control characters (a pasted
    ESC went to the terminal inside every line the name was drawn on) or direction
    overrides, its spaces collapsed."""
    kept = "".join(
        char
        for char in clean_text(raw)  # escape sequences whole, and lone surrogates as U+FFFD
        if char not in _DIRECTION_CONTROLS and (char.isspace() or unicodedata.category(char) != "Cc")
    )
    return " ".join(kept.split())


def clean_names(raw: str) -> tuple[str, ...]:
    """Split 'Ann, Bob; Cat' or one-per-line input into trimmed names."""
    parts = raw.replace(";", ",").replace("\n", ",").split(",")
    return tuple(name for name in map(tidy_name, parts) if name)


def as_presenters(presenters: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if presenters is None:
        return ()
    if isinstance(presenters, str):
        return (presenters,)
    return tuple(presenters)


def check_group(
    fmt: Format, people: tuple[str, ...], presenters: str | tuple[str, ...] | list[str] | None
) -> None:
    chosen = as_presenters(presenters)
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
        if not chosen:
            raise GroupError("Choose the presenter (the person bringing the case).")
        for presenter in chosen:
            if presenter not in people:
                raise GroupError(f"The presenter {presenter!r} is not in the group.")
        if len(set(chosen)) != len(chosen):
            raise GroupError("Each presenter can be chosen once.")
        if len(chosen) > 1 and not fmt.cycle_per_presenter:
            raise GroupError(f"{fmt.name} has one presenter per session.")


def new_session_id(now: datetime) -> str:
    # Imported here: ``secrets`` loads OpenSSL (7 ms), and only a new session needs it, not
    # every command that reads one.
    import secrets

    return f"{now:%Y%m%d-%H%M}-{secrets.token_hex(2)}"


@dataclass(frozen=True)
class LiveView:
    """Everything the live screen shows, at one instant.

    Lengths are held exact, in nanoseconds (``*_ns``); the properties without the suffix
    give seconds, for the screen.
    """

    phase: Phase
    phase_index: int
    """Index of the phase within the format."""
    phase_count: int
    step_index: int
    """Index of the step (phase within its cycle) within the whole session."""
    step_count: int
    cycle: int
    cycle_count: int
    presenter: str | None
    planned_ns: int
    elapsed_ns: int
    remaining_ns: int
    """Planned minus elapsed; negative in overtime."""
    paused: bool
    ended: bool
    speaker: str | None
    """Whose turn it is (go-rounds), the presenter (presenting), or who was marked."""
    upcoming: tuple[str, ...]
    round: int
    turn_planned_ns: int | None
    turn_remaining_ns: int | None
    rotation_size: int
    round_complete: bool
    is_last_step: bool
    members: tuple[str, ...]
    """Everyone present, in rotation order: the numbers on screen index this."""
    left: tuple[str, ...]
    airtime_ns: dict[str, int]
    quietest_first: bool
    auto_advance: bool
    seed: int | None
    scheduled_end: datetime | None
    """When the session would end had every phase run to plan from the start."""
    projected_end: datetime | None
    """When it will end if the current phase keeps to its (extended) box and the rest to plan."""

    @property
    def planned(self) -> float:
        return ns_to_seconds(self.planned_ns)

    @property
    def elapsed(self) -> float:
        return ns_to_seconds(self.elapsed_ns)

    @property
    def remaining(self) -> float:
        """Seconds left in the phase; negative in overtime."""
        return ns_to_seconds(self.remaining_ns)

    @property
    def turn_planned(self) -> float | None:
        return None if self.turn_planned_ns is None else ns_to_seconds(self.turn_planned_ns)

    @property
    def turn_remaining(self) -> float | None:
        return None if self.turn_remaining_ns is None else ns_to_seconds(self.turn_remaining_ns)

    @property
    def airtime(self) -> dict[str, float]:
        """Seconds each person has held the floor."""
        return {person: ns_to_seconds(ns) for person, ns in self.airtime_ns.items()}

    @property
    def overtime(self) -> bool:
        return self.remaining_ns < 0

    @property
    def is_last_phase(self) -> bool:
        return self.is_last_step

    @property
    def behind(self) -> float:
        """Seconds behind plan (negative when ahead)."""
        if self.scheduled_end is None or self.projected_end is None:
            return 0.0
        return (self.projected_end - self.scheduled_end).total_seconds()


AUTO_ADVANCE_QUIET_NS = 5 * NS_PER_SECOND
"""Auto-advance waits until the facilitator has not typed for this long."""


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
        self.timeline = Timeline.replay(meta.format, meta.rotation, meta.presenter_order, self.events)

    @classmethod
    def new(
        cls,
        fmt: Format,
        people: tuple[str, ...],
        presenters: str | tuple[str, ...] | list[str] | None,
        clock: Clock | None = None,
        sink: SessionSink | None = None,
        seed: int | None = None,
        agreement: str = "",
        meeting: Meeting | None = None,
    ) -> Session:
        clock = clock or SystemClock()
        # Cleaned where they enter, as the app's own boxes clean them: a name or agreement
        # given through the API holds no control character or lone surrogate either.
        people = tuple(tidy_name(p) for p in people)
        chosen = tuple(tidy_name(p) for p in as_presenters(presenters)) if fmt.needs_presenter else ()
        check_group(fmt, people, chosen)
        now = clock.now()
        meta = SessionMeta(
            new_session_id(now),
            fmt,
            tuple(people),
            chosen,
            now.isoformat(timespec="seconds"),
            seed=seed,
            agreement=clean_text(agreement),
            meeting=meeting,
        )
        return cls(meta, clock=clock, sink=sink)

    # -- commands ------------------------------------------------------------------------

    def _record(self, kind: EventKind, **data: object) -> Event | None:
        event = Event(
            seq=len(self.events) + 1,
            kind=kind,
            mono_ns=self.clock.monotonic_ns(),
            wall=self.clock.now().isoformat(timespec="seconds"),
            data=dict(data),
        )
        if not self.timeline.can_apply(event):
            return None
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

    def previous_speaker(self) -> Event | None:
        return self._record(EventKind.PREVIOUS_SPEAKER)

    def jump_to(self, person: str | None) -> Event | None:
        """In a go-round: ``person`` takes the turn now. Otherwise: mark who has the floor.
        None (nothing recorded) when the phase's mode keeps them from it: see ``floor_refusal``."""
        if self.floor_refusal(person) is not None:
            return None
        return self._record(EventKind.JUMP, person=person)

    def floor_refusal(self, person: str | None) -> str | None:
        """Why the phase's mode keeps ``person`` from being given the floor, in a sentence
        for the facilitator, or None when nothing does.

        Asked by the command, not by replay (like the presenter leaving): every key that
        gives the floor (a number, the people list, the palette) comes through here, and a
        session recorded before this rule still reads back as it ran.
        """
        tl = self.timeline
        if (
            person is not None
            and person == tl.presenter
            and tl.phase.mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS
        ):
            return f"{person} listens in silence in this phase."
        if person is not None and tl.phase.mode is SpeakerMode.SILENCE:
            # Marking a speaker would count airtime in a phase where nobody speaks.
            return "Nobody has the floor in a silent phase."
        return None

    def jump_to_number(self, number: int) -> Event | None:
        """The person numbered ``number`` (from 1) on screen."""
        members = self.view().members
        if not 1 <= number <= len(members):
            return None
        person = members[number - 1]
        if not self.timeline.takes_turns and self.timeline.floor == person:
            return self.jump_to(None)  # pressing the same number again clears the mark
        return self.jump_to(person)

    def next_phase(self) -> Event | None:
        return self._record(EventKind.NEXT_PHASE)

    def advance_needs_confirmation(self) -> bool:
        """A protected phase (the group holds the silence) asks before ending early."""
        view = self.view()
        return view.phase.protected and view.remaining_ns > 0

    def extend_phase(self, minutes: float = 1) -> Event | None:
        return self._record(
            EventKind.EXTEND, target="phase", seconds=minutes * 60, step=self.timeline.step_index
        )

    def extend_turn(self, minutes: float = 1) -> Event | None:
        tl = self.timeline
        return self._record(
            EventKind.EXTEND, target="turn", seconds=minutes * 60, step=tl.step_index, person=tl.current
        )

    def add_person(self, name: str) -> Event | None:
        """A late arrival: queued in a go-round that runs once, else from the next round."""
        return self._record(EventKind.JOIN, person=tidy_name(name))

    def remove_person(self, name: str) -> Event | None:
        """Someone leaves: out of upcoming turns, their airtime so far kept."""
        if name == self.timeline.presenter:
            return None  # the presenter stays for their own cycle
        return self._record(EventKind.LEAVE, person=name)

    def set_quietest_first(self, on: bool) -> Event | None:
        if self.timeline.quietest_first == on:
            return None
        return self._record(EventKind.SETTING, name="quietest_first", value=on)

    def set_auto_advance(self, on: bool) -> Event | None:
        if self.timeline.auto_advance == on:
            return None
        return self._record(EventKind.SETTING, name="auto_advance", value=on)

    def set_mirror_notes(self, on: bool) -> Event | None:
        """Show the shared notes on the mirror (``peercircle mirror``), or stop showing them.
        Kept in the session, which is all the mirror reads."""
        if self.timeline.mirror_notes == on:
            return None
        return self._record(EventKind.SETTING, name="mirror_notes", value=on)

    def undo(self) -> Event | None:
        """Take back the last advance (speaker, pass, jump or phase), keeping the time run."""
        return self._record(EventKind.UNDO)

    def auto_advance_due(self, last_typed_ns: int | None) -> bool:
        """``last_typed_ns``: the clock's ``monotonic_ns()`` at the last keystroke in a note."""
        tl = self.timeline
        if not tl.auto_advance or tl.auto_held or tl.paused or self.ended:
            return False
        if last_typed_ns is not None and self.clock.monotonic_ns() - last_typed_ns < AUTO_ADVANCE_QUIET_NS:
            return False
        view = self.view()
        return view.remaining_ns <= 0 and not view.is_last_step

    def auto_advance(self, last_typed_ns: int | None) -> Event | None:
        """Move to the next phase at zero when the session asks for it, unless the
        facilitator is typing (never cut a note off mid-sentence)."""
        if not self.auto_advance_due(last_typed_ns):
            return None
        return self._record(EventKind.NEXT_PHASE, auto=True)

    def show_card(self, deck_id: str, deck_name: str, card: str) -> Event | None:
        """A prompt card went on screen: recorded so the record can say which cards were used."""
        return self._record(EventKind.CARD, deck=deck_id, deck_name=deck_name, card=card)

    def hide_card(self) -> Event | None:
        """The card beside the timer was taken down (recorded so the mirror takes it down too)."""
        return self._record(EventKind.CARD, hidden=True)

    def end(self) -> Event | None:
        return self._record(EventKind.END)

    def reopen(self, alive_mono_ns: int | None, alive_wall: str | None) -> Event | None:
        """Resume after the app stopped mid-session (a crash, a closed terminal, a quit).

        ``alive_*`` is the last heartbeat the old process left: when it was last known to
        be running (its ``monotonic_ns()`` and wall time). The session comes back paused,
        with the time it had when it stopped.
        """
        tl = self.timeline
        active_ns, paused_ns = tl.active_ns, tl.paused_ns
        if alive_mono_ns is not None and alive_mono_ns >= tl.last_ns:
            active_ns, paused_ns = tl.active_ns_at(alive_mono_ns), tl.paused_ns_at(alive_mono_ns)
        gap_ns = 0
        since = alive_wall or (self.events[-1].wall if self.events else None)
        if since:
            gap_ns = max(0, timedelta_to_ns(self.clock.now() - datetime.fromisoformat(since)))
        return self._record(EventKind.REOPEN, active_ns=active_ns, paused_ns=paused_ns, gap_ns=gap_ns)

    # -- notes ---------------------------------------------------------------------------

    def note_for(self, step_index: int, kind: str = "shared") -> Note | None:
        return next((n for n in self.notes if n.phase_index == step_index and n.kind == kind), None)

    def write_note(self, step_index: int, text: str, kind: str = "shared") -> Note | None:
        """Set the text of a step's note (created on first use) and tell the sink.

        The text is cleaned here, where every note enters (typed, pasted, or given by a
        caller): no escape sequences or control characters, and no lone surrogate, which
        could never be saved."""
        text = clean_text(text)
        now = self.clock.now().isoformat(timespec="seconds")
        note = self.note_for(step_index, kind)
        if note is None:
            if not text:
                return None
            note = Note(f"{step_index}-{kind}", step_index, text, now, now, kind)
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

    def now_ns(self) -> int:
        """The clock reading that "now" means: the clock's when live, else the last event's."""
        return self.clock.monotonic_ns() if self.live else self.timeline.last_ns

    def view(self) -> LiveView:
        """The live state now: remaining = planned - active time since the phase began."""
        tl = self.timeline
        active_ns = tl.active_ns_at(self.now_ns())
        run = tl.run
        if run is None:
            elapsed_ns, planned_ns = 0, seconds_to_ns(tl.phase.planned_seconds(len(tl.members())))
        else:
            elapsed_ns = (run.ended_ns if run.ended_ns is not None else active_ns) - run.started_ns
            planned_ns = run.planned_ns
        phase = tl.phase
        if tl.takes_turns:
            speaker = tl.current
        elif phase.mode is SpeakerMode.PRESENTER and tl.floor is None:
            speaker = tl.presenter
        else:
            speaker = tl.floor
        turn_planned_ns = tl.turn_planned_ns(tl.current) if tl.current else None
        turn_remaining_ns = (
            turn_planned_ns - tl.turn_used_ns(tl.current, active_ns)
            if tl.current is not None and turn_planned_ns is not None
            else None
        )
        scheduled = projected = None
        if tl.started and self.live and not tl.ended:
            members = len(tl.members())
            scheduled = datetime.fromisoformat(tl.start_wall) + ns_to_timedelta(self._initial_plan_ns())
            rest = sum(
                seconds_to_ns(self.meta.format.phases[s.phase_index].planned_seconds(members))
                for s in tl.steps[tl.step_index + 1 :]
            )
            projected = self.clock.now() + ns_to_timedelta(max(0, planned_ns - elapsed_ns) + rest)
        return LiveView(
            phase=phase,
            phase_index=tl.step.phase_index,
            phase_count=len(self.meta.format.phases),
            step_index=tl.step_index,
            step_count=len(tl.steps),
            cycle=tl.step.cycle,
            cycle_count=len(tl.steps) // max(1, len(self.meta.format.phases)),
            presenter=tl.presenter,
            planned_ns=planned_ns,
            elapsed_ns=elapsed_ns,
            remaining_ns=planned_ns - elapsed_ns,
            paused=tl.paused,
            ended=tl.ended,
            speaker=speaker,
            # As of now, not of the last event: an undo replays up to now, and the order
            # shown must not depend on whether anything happened in between.
            upcoming=tl.upcoming(2, active_ns),
            round=tl.round,
            turn_planned_ns=turn_planned_ns,
            turn_remaining_ns=turn_remaining_ns,
            rotation_size=len(tl.members()) if tl.takes_turns else 0,
            round_complete=tl.round_complete,
            is_last_step=tl.is_last_step,
            members=tuple(p for p in tl.roster if p not in tl.left),
            left=tuple(tl.left),
            airtime_ns=tl.airtime_ns(active_ns),
            quietest_first=tl.quietest_first,
            auto_advance=tl.auto_advance,
            seed=self.meta.seed,
            scheduled_end=scheduled,
            projected_end=projected,
        )

    def _initial_plan_ns(self) -> int:
        """The whole session's planned length for the group as it started."""
        fmt = self.meta.format
        members = len(self.meta.people) - (1 if fmt.needs_presenter else 0)
        return sum(
            seconds_to_ns(fmt.phases[s.phase_index].planned_seconds(members)) for s in self.timeline.steps
        )
