"""What a session amounted to: each phase planned against actual, turns, pauses and notes."""

from __future__ import annotations

from dataclasses import dataclass

from sessions.formats import SpeakerMode
from sessions.session import Session


@dataclass(frozen=True)
class TurnSummary:
    person: str
    round: int
    seconds: float
    passed: bool


@dataclass(frozen=True)
class PhaseSummary:
    index: int
    name: str
    mode: SpeakerMode
    rule: str
    planned: float
    actual: float
    started_wall: str
    ended_wall: str
    turns: tuple[TurnSummary, ...]
    notes: str

    @property
    def difference(self) -> float:
        return self.actual - self.planned


@dataclass(frozen=True)
class SessionSummary:
    id: str
    format_name: str
    people: tuple[str, ...]
    presenter: str | None
    started_wall: str
    ended_wall: str
    ended: bool
    phases: tuple[PhaseSummary, ...]
    """Only the phases that were reached."""
    skipped: tuple[str, ...]
    """Names of phases never reached (the session ended early)."""
    active: float
    paused: float

    @property
    def elapsed(self) -> float:
        """From start to end (or to the last recorded moment): active plus paused time."""
        return self.active + self.paused

    @property
    def planned(self) -> float:
        return sum(p.planned for p in self.phases)


def summarise(session: Session) -> SessionSummary:
    tl = session.timeline
    # An unfinished session is summarised up to now when live, and up to its last event
    # when read back from disk.
    now = session.now_mono()
    active_now = tl.active_at(now)
    fmt = session.meta.format
    phases = []
    for run in tl.phases:
        end = run.ended if run.ended is not None else active_now
        turns = tuple(
            TurnSummary(
                t.person, t.round, (t.ended if t.ended is not None else active_now) - t.started, t.passed
            )
            for t in tl.turns
            if t.phase_index == run.index
        )
        note = session.note_for(run.index)
        phase = fmt.phases[run.index]
        phases.append(
            PhaseSummary(
                index=run.index,
                name=phase.name,
                mode=phase.mode,
                rule=phase.rule,
                planned=run.planned,
                actual=end - run.started,
                started_wall=run.started_wall,
                ended_wall=run.ended_wall or "",
                turns=turns,
                notes=note.text if note else "",
            )
        )
    reached = {run.index for run in tl.phases}
    return SessionSummary(
        id=session.meta.id,
        format_name=fmt.name,
        people=session.meta.people,
        presenter=session.meta.presenter,
        started_wall=tl.start_wall,
        ended_wall=tl.end_wall,
        ended=tl.ended,
        phases=tuple(phases),
        skipped=tuple(p.name for i, p in enumerate(fmt.phases) if i not in reached),
        active=active_now,
        paused=tl.paused_at(now),
    )
