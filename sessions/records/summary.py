"""What a session amounted to: each phase planned against actual, turns, airtime, notes."""

from __future__ import annotations

from dataclasses import dataclass

from peercircle.sessions.engine.clock import ns_to_seconds
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import SpeakerMode
from peercircle.sessions.records.actions import action_lines


@dataclass(frozen=True)
class TurnSummary:
    person: str
    round: int
    seconds: float
    passed: bool


@dataclass(frozen=True)
class PhaseSummary:
    """One step of the session: a phase, in its cycle when the format cycles."""

    index: int
    name: str
    mode: SpeakerMode
    rule: str
    presenter: str | None
    cycle: int
    planned: float
    actual: float
    started_wall: str
    ended_wall: str
    turns: tuple[TurnSummary, ...]
    airtime: dict[str, float]
    notes: str
    """The group's shared notes for this phase."""
    actions: tuple[str, ...] = ()
    private: str = ""
    """The facilitator's own notes: never exported unless asked for."""
    cards: tuple[str, ...] = ()
    """Prompt cards put on screen in this step, as "Deck: Card", first use only."""

    @property
    def difference(self) -> float:
        return self.actual - self.planned


@dataclass(frozen=True)
class SessionSummary:
    id: str
    format_name: str
    people: tuple[str, ...]
    presenters: tuple[str, ...]
    cycles: int
    started_wall: str
    ended_wall: str
    ended: bool
    phases: tuple[PhaseSummary, ...]
    """Only the steps that were reached."""
    skipped: tuple[str, ...]
    """Names of steps never reached (the session ended early)."""
    active: float
    paused: float
    airtime: dict[str, float]
    """Seconds each person held the floor: turns, presenting, and marked speaking."""
    joined: tuple[str, ...]
    left: tuple[str, ...]
    seed: int | None
    agreement: str = ""
    format_id: str = ""

    @property
    def roster(self) -> tuple[str, ...]:
        """Everyone who took part: the group as set up, then late arrivals."""
        return (*self.people, *self.joined)

    @property
    def elapsed(self) -> float:
        """From start to end (or to the last recorded moment): active plus paused time."""
        return self.active + self.paused

    @property
    def planned(self) -> float:
        return sum(p.planned for p in self.phases)


def step_name(name: str, presenter: str | None, cycles: int) -> str:
    return f"{name} ({presenter})" if cycles > 1 and presenter else name


def _seconds(lengths: dict[str, int]) -> dict[str, float]:
    return {person: ns_to_seconds(ns) for person, ns in lengths.items()}


def summarise(session: Session) -> SessionSummary:
    """The record of a session, in seconds: the engine's exact nanoseconds are summed
    first and converted once each, here at the edge."""
    tl = session.timeline
    # An unfinished session is summarised up to now when live, and up to its last event
    # when read back from disk.
    now = session.now_ns()
    active_now = tl.active_ns_at(now)
    fmt = session.meta.format
    cycles = len(tl.steps) // max(1, len(fmt.phases))
    phases = []
    for run in tl.steps_run:
        segments = [s for s in tl.segments if s.step == run.step]
        airtime: dict[str, int] = {}
        for seg in segments:
            airtime[seg.person] = airtime.get(seg.person, 0) + seg.length_ns(active_now)
        end = run.ended_ns if run.ended_ns is not None else active_now
        note = session.note_for(run.step)
        action_note = session.note_for(run.step, "action")
        private_note = session.note_for(run.step, "private")
        phase = fmt.phases[run.phase_index]
        phases.append(
            PhaseSummary(
                index=run.step,
                name=step_name(phase.name, run.presenter, cycles),
                mode=phase.mode,
                rule=phase.rule,
                presenter=run.presenter,
                cycle=run.cycle,
                planned=ns_to_seconds(run.planned_ns),
                actual=ns_to_seconds(end - run.started_ns),
                started_wall=run.started_wall,
                ended_wall=run.ended_wall or "",
                turns=tuple(
                    TurnSummary(s.person, s.round, ns_to_seconds(s.length_ns(active_now)), s.passed)
                    for s in segments
                    if s.kind == "turn"
                ),
                airtime=_seconds(airtime),
                notes=note.text if note else "",
                actions=tuple(action_lines(action_note.text)) if action_note else (),
                private=private_note.text if private_note else "",
                cards=tuple(
                    dict.fromkeys(f"{deck}: {card}" for step, deck, card in tl.cards if step == run.step)
                ),
            )
        )
    reached = {run.step for run in tl.steps_run}
    return SessionSummary(
        id=session.meta.id,
        format_name=fmt.name,
        people=session.meta.rotation,
        presenters=session.meta.presenter_order,
        cycles=cycles,
        started_wall=tl.start_wall,
        ended_wall=tl.end_wall,
        ended=tl.ended,
        phases=tuple(phases),
        skipped=tuple(
            step_name(fmt.phases[s.phase_index].name, s.presenter, cycles)
            for i, s in enumerate(tl.steps)
            if i not in reached
        ),
        active=ns_to_seconds(active_now),
        paused=ns_to_seconds(tl.paused_ns_at(now)),
        airtime=_seconds(tl.airtime_ns(active_now)),
        joined=tuple(p for p in tl.roster if p not in session.meta.people),
        left=tuple(tl.left),
        seed=session.meta.seed,
        agreement=session.meta.agreement,
        format_id=fmt.id,
    )


def share_bar(share: float, width: int = 20) -> str:
    """A bar of ``width`` cells, filled in proportion to ``share`` (0..1)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "░" * (width - filled)
