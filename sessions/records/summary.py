"""What a session amounted to: each phase planned against actual, turns, airtime, notes."""

from __future__ import annotations

from dataclasses import dataclass

from peercircle.sessions.engine.clock import ns_to_seconds, seconds_to_ns
from peercircle.sessions.engine.meeting import Meeting
from peercircle.sessions.engine.session import Session
from peercircle.sessions.engine.timeline import Segment, Step, Timeline
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
    """The plan in the end: as the step began, with the changes made during it."""
    first_planned: float
    """The plan as the step began, before any change."""
    changes: tuple[float, ...]
    """Seconds added (+) or taken off (-) the plan during the step, in order."""
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
    undone: bool = False
    """The move into this step was taken back (u) and the step not run again: it has no
    time of its own (that ran on in the step before), only the notes typed in it."""

    @property
    def difference(self) -> float:
        """Actual against the plan in the end (changes included)."""
        return self.actual - self.planned


@dataclass(frozen=True)
class PlannedStep:
    """A step never reached: where it stood in the plan, and its planned length."""

    index: int
    planned: float


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
    """The steps that were reached, and any step left by an undo that holds notes, in
    step order."""
    skipped: tuple[str, ...]
    """Names of the other steps, never reached (the session ended early)."""
    active: float
    paused: float
    airtime: dict[str, float]
    """Seconds each person held the floor: turns, presenting, and marked speaking."""
    joined: tuple[str, ...]
    left: tuple[str, ...]
    seed: int | None
    agreement: str = ""
    format_id: str = ""
    not_reached: tuple[PlannedStep, ...] = ()
    """The steps named in ``skipped``, in the same order, with their plan."""
    step_count: int = 0
    """How many steps the plan has."""
    meeting: Meeting | None = None
    """The group it was a meeting of, who was there, and the report back; None for a
    session on its own."""

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
        """The whole plan as it stood before any change: every step, reached or not."""
        return sum(p.first_planned for p in self.phases) + sum(s.planned for s in self.not_reached)

    @property
    def planned_with_changes(self) -> float:
        """The whole plan with the changes made to steps as they ran."""
        return sum(p.planned for p in self.phases) + sum(s.planned for s in self.not_reached)

    @property
    def steps_run(self) -> int:
        return sum(not p.undone for p in self.phases)


def step_name(name: str, presenter: str | None, cycles: int) -> str:
    return f"{name} ({presenter})" if cycles > 1 and presenter else name


def _seconds(lengths: dict[str, int]) -> dict[str, float]:
    return {person: ns_to_seconds(ns) for person, ns in lengths.items()}


def summarise(session: Session) -> SessionSummary:
    """The record of a session, in seconds: the engine's exact nanoseconds are summed
    first and converted once each, here at the edge.

    Every note on the session is in it, under the step it was typed in: a step the group
    moved into and then undid (u) is kept, marked undone, when notes were typed there.
    """
    tl = session.timeline
    # An unfinished session is summarised up to now when live, and up to its last event
    # when read back from disk.
    now = session.now_ns()
    active_now = tl.active_ns_at(now)
    fmt = session.meta.format
    cycles = len(tl.steps) // max(1, len(fmt.phases))
    notes = _note_texts(session)
    # Each step's segments and cards, gathered in one pass rather than one pass per step.
    segments_of: dict[int, list[Segment]] = {}
    for seg in tl.segments:
        segments_of.setdefault(seg.step, []).append(seg)
    cards_of: dict[int, list[str]] = {}
    for step, deck, card in tl.cards:
        cards_of.setdefault(step, []).append(f"{deck}: {card}")
    phases = []
    for run in tl.steps_run:
        segments = segments_of.get(run.step, [])
        airtime: dict[str, int] = {}
        for seg in segments:
            airtime[seg.person] = airtime.get(seg.person, 0) + seg.length_ns(active_now)
        end = run.ended_ns if run.ended_ns is not None else active_now
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
                first_planned=ns_to_seconds(run.planned_ns - sum(run.changes_ns)),
                changes=tuple(ns_to_seconds(change) for change in run.changes_ns),
                actual=ns_to_seconds(end - run.started_ns),
                started_wall=run.started_wall,
                ended_wall=run.ended_wall or "",
                turns=tuple(
                    TurnSummary(s.person, s.round, ns_to_seconds(s.length_ns(active_now)), s.passed)
                    for s in segments
                    if s.kind == "turn"
                ),
                airtime=_seconds(airtime),
                notes=notes.get((run.step, "shared"), ""),
                actions=tuple(action_lines(notes.get((run.step, "action"), ""))),
                private=notes.get((run.step, "private"), ""),
                cards=tuple(dict.fromkeys(cards_of.get(run.step, ()))),
            )
        )
    reached = {run.step for run in tl.steps_run}
    # Notes outlive an undo: the step they were typed in is listed with them, once.
    for index in sorted({index for index, _ in notes} - reached):
        phases.append(_undone_step(tl, index, cycles, notes))
    phases.sort(key=lambda p: p.index)
    kept = {p.index for p in phases}
    not_reached = [i for i in range(len(tl.steps)) if i not in kept]
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
            step_name(fmt.phases[tl.steps[i].phase_index].name, tl.steps[i].presenter, cycles)
            for i in not_reached
        ),
        active=ns_to_seconds(active_now),
        paused=ns_to_seconds(tl.paused_ns_at(now)),
        airtime=_seconds(tl.airtime_ns(active_now)),
        joined=tuple(p for p in tl.roster if p not in session.meta.people),
        left=tuple(tl.left),
        seed=session.meta.seed,
        agreement=session.meta.agreement,
        format_id=fmt.id,
        not_reached=tuple(PlannedStep(i, _planned_now(tl, tl.steps[i])) for i in not_reached),
        step_count=len(tl.steps),
        meeting=session.meta.meeting,
    )


NOTE_KINDS = ("shared", "action", "private")


def _note_texts(session: Session) -> dict[tuple[int, str], str]:
    """The text of every note with words in it, by (step, kind). A step has one note of
    each kind; should a file hold two, both are kept, one after the other."""
    texts: dict[tuple[int, str], list[str]] = {}
    for note in session.notes:
        if note.kind in NOTE_KINDS and note.text.strip():
            texts.setdefault((note.phase_index, note.kind), []).append(note.text)
    return {key: "\n\n".join(parts) for key, parts in texts.items()}


def _planned_now(tl: Timeline, step: Step) -> float:
    """A step's plan for the group as it is now (a go-round's length depends on its size)."""
    members = [p for p in tl.roster if p not in tl.left and p != step.presenter]
    return ns_to_seconds(seconds_to_ns(tl.fmt.phases[step.phase_index].planned_seconds(len(members))))


def _undone_step(tl: Timeline, index: int, cycles: int, notes: dict[tuple[int, str], str]) -> PhaseSummary:
    """A step that holds notes but is not in the timeline: the move into it was undone."""
    if 0 <= index < len(tl.steps):
        step = tl.steps[index]
        phase = tl.fmt.phases[step.phase_index]
        name, mode, rule = step_name(phase.name, step.presenter, cycles), phase.mode, phase.rule
        presenter, cycle, planned = step.presenter, step.cycle, _planned_now(tl, step)
    else:  # only a damaged or hand-edited file has notes for a step the format lacks
        name, mode, rule, presenter, cycle, planned = f"Step {index + 1}", SpeakerMode.OPEN, "", None, 0, 0.0
    return PhaseSummary(
        index=index,
        name=name,
        mode=mode,
        rule=rule,
        presenter=presenter,
        cycle=cycle,
        planned=planned,
        first_planned=planned,
        changes=(),
        actual=0.0,
        started_wall="",
        ended_wall="",
        turns=(),
        airtime={},
        notes=notes.get((index, "shared"), ""),
        actions=tuple(action_lines(notes.get((index, "action"), ""))),
        private=notes.get((index, "private"), ""),
        undone=True,
    )


def share_bar(share: float, width: int = 20) -> str:
    """A bar of ``width`` cells, filled in proportion to ``share`` (0..1)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "░" * (width - filled)


def airtime_shares(airtime: dict[str, float]) -> dict[str, int]:
    """Each person's whole-number percentage of all the airtime, adding up to exactly 100
    whenever anyone held the floor (largest remainder: everyone gets their exact share
    rounded down, then the points left go to the largest fractions, ties to the longer
    airtime, then to the order given). Each is within 1 of its exact value."""
    # The floats as stored, exactly: each is a whole number over a power of two, so over
    # the largest of those denominators they are all whole numbers, and the sums and
    # remainders are exact integers: two people with the same airtime can never be split
    # by a rounding error. (The same arithmetic as with Fraction, several times faster.)
    ratios = [max(0.0, value).as_integer_ratio() for value in airtime.values()]
    denominator = max((d for _, d in ratios), default=1)
    seconds = {person: n * (denominator // d) for person, (n, d) in zip(airtime, ratios, strict=True)}
    total = sum(seconds.values())
    if total <= 0:
        return dict.fromkeys(airtime, 0)
    # Each exact share is shares[person] + remainder[person] / total.
    shares = {person: value * 100 // total for person, value in seconds.items()}  # floor: all are >= 0
    remainder = {person: value * 100 % total for person, value in seconds.items()}
    order = sorted(enumerate(seconds), key=lambda item: (-remainder[item[1]], -seconds[item[1]], item[0]))
    for _, person in order[: 100 - sum(shares.values())]:
        shares[person] += 1
    return shares
