"""The session's state as a fold over its events.

``Timeline.apply`` is the only place that interprets events, so the live screen, a
replay after a crash and the summary all agree by construction. Durations are kept in
*active* seconds: time that ran while the session was neither paused nor ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sessions.events import Event, EventKind
from sessions.formats import Format


@dataclass
class TurnRun:
    phase_index: int
    person: str
    round: int
    started: float
    ended: float | None = None
    passed: bool = False


@dataclass
class PhaseRun:
    index: int
    planned: float
    started: float
    started_wall: str
    ended: float | None = None
    ended_wall: str | None = None


def rotation_for(
    fmt: Format, phase_index: int, people: tuple[str, ...], presenter: str | None
) -> tuple[str, ...]:
    """Who takes turns in a phase: members in seating order, presenter left out."""
    mode = fmt.phases[phase_index].mode
    if not mode.takes_turns:
        return ()
    return tuple(p for p in people if p != presenter)


@dataclass
class Timeline:
    fmt: Format
    people: tuple[str, ...]
    presenter: str | None
    started: bool = False
    ended: bool = False
    paused: bool = False
    start_mono: float = 0.0
    start_wall: str = ""
    end_wall: str = ""
    last_mono: float = 0.0
    active: float = 0.0
    paused_total: float = 0.0
    phase_index: int = 0
    rotation: tuple[str, ...] = ()
    turn_index: int | None = None
    round: int = 1
    phases: list[PhaseRun] = field(default_factory=list)
    turns: list[TurnRun] = field(default_factory=list)

    @classmethod
    def replay(
        cls, fmt: Format, people: tuple[str, ...], presenter: str | None, events: list[Event]
    ) -> Timeline:
        timeline = cls(fmt, people, presenter)
        for event in events:
            timeline.apply(event)
        return timeline

    # -- reading -------------------------------------------------------------------------

    def active_at(self, mono: float) -> float:
        """Active seconds at ``mono`` (which may be after the last event)."""
        if self.started and not self.paused and not self.ended:
            return self.active + max(0.0, mono - self.last_mono)
        return self.active

    def paused_at(self, mono: float) -> float:
        if self.started and self.paused and not self.ended:
            return self.paused_total + max(0.0, mono - self.last_mono)
        return self.paused_total

    @property
    def current_phase(self) -> PhaseRun | None:
        return self.phases[-1] if self.phases and not self.ended else None

    @property
    def current_turn(self) -> TurnRun | None:
        if self.turns and self.turns[-1].ended is None:
            return self.turns[-1]
        return None

    @property
    def is_last_phase(self) -> bool:
        return self.phase_index >= len(self.fmt.phases) - 1

    # -- what each event does ------------------------------------------------------------

    def can_apply(self, kind: EventKind) -> bool:
        if kind is EventKind.START:
            return not self.started
        if not self.started or self.ended:
            return False
        if kind is EventKind.PAUSE:
            return not self.paused
        if kind is EventKind.RESUME:
            return self.paused
        if kind in (EventKind.NEXT_SPEAKER, EventKind.PASS):
            return self.turn_index is not None
        if kind is EventKind.NEXT_PHASE:
            return not self.is_last_phase
        return True  # END

    def apply(self, event: Event) -> None:
        if not self.can_apply(event.kind):
            # A stored log only holds events that were valid when recorded; skipping keeps
            # replay total even for a hand-edited or partly damaged file.
            return
        self._advance(event.mono)
        kind = event.kind
        if kind is EventKind.START:
            self.started = True
            self.start_mono = event.mono
            self.start_wall = event.wall
            self._begin_phase(0, event.wall)
        elif kind is EventKind.PAUSE:
            self.paused = True
        elif kind is EventKind.RESUME:
            self.paused = False
        elif kind in (EventKind.NEXT_SPEAKER, EventKind.PASS):
            self._end_turn(passed=kind is EventKind.PASS)
            self._next_turn()
        elif kind is EventKind.NEXT_PHASE:
            self._end_phase(event.wall)
            self._begin_phase(self.phase_index + 1, event.wall)
        elif kind is EventKind.END:
            self._end_phase(event.wall)
            self.ended = True
            self.paused = False
            self.end_wall = event.wall

    def _advance(self, mono: float) -> None:
        if self.started:
            # A clock that went backwards (e.g. a reboot between runs) counts as no time.
            delta = max(0.0, mono - self.last_mono)
            if self.paused:
                self.paused_total += delta
            elif not self.ended:
                self.active += delta
        self.last_mono = max(mono, self.last_mono) if self.started else mono

    def _begin_phase(self, index: int, wall: str) -> None:
        self.phase_index = index
        self.rotation = rotation_for(self.fmt, index, self.people, self.presenter)
        phase = self.fmt.phases[index]
        self.phases.append(PhaseRun(index, phase.planned_seconds(len(self.rotation)), self.active, wall))
        self.round = 1
        self.turn_index = None
        if self.rotation:
            self.turn_index = 0
            self._start_turn()

    def _end_phase(self, wall: str) -> None:
        self._end_turn(passed=False)
        run = self.phases[-1]
        run.ended = self.active
        run.ended_wall = wall
        self.turn_index = None

    def _start_turn(self) -> None:
        assert self.turn_index is not None
        person = self.rotation[self.turn_index]
        self.turns.append(TurnRun(self.phase_index, person, self.round, self.active))

    def _end_turn(self, passed: bool) -> None:
        turn = self.current_turn
        if turn is not None:
            turn.ended = self.active
            turn.passed = passed

    def _next_turn(self) -> None:
        assert self.turn_index is not None
        if self.turn_index + 1 < len(self.rotation):
            self.turn_index += 1
        elif self.fmt.phases[self.phase_index].repeat_rounds:
            self.turn_index = 0
            self.round += 1
        else:
            self.turn_index = None  # the round is complete
            return
        self._start_turn()

    def upcoming(self, count: int = 2) -> tuple[str, ...]:
        """The next people to speak in this phase, in order."""
        if self.turn_index is None or not self.rotation:
            return ()
        repeat = self.fmt.phases[self.phase_index].repeat_rounds
        names: list[str] = []
        i = self.turn_index
        while len(names) < count:
            i += 1
            if i >= len(self.rotation):
                if not repeat:
                    break
                i = 0
            if i == self.turn_index:
                break
            names.append(self.rotation[i])
        return tuple(names)
