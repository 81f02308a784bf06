"""The session's state as a fold over its events.

``Timeline.apply`` is the only place that interprets events, so the live screen, a
replay after a crash and the summary all agree by construction. Durations are kept in
*active* time: time that ran while the session was neither paused nor ended, in whole
nanoseconds (``_ns``), so that every way of folding the same events gives the same sums
exactly. Seconds are for the edges: ``clock.ns_to_seconds``.

A format's phases may run once, or once per presenter (a *cycle* each); the sequence of
(cycle, phase) pairs is the session's list of *steps*. Within a go-round, a round is a
queue: who is still to speak, who has spoken, and who passed and will be offered the
floor again at the end of the round.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from peercircle.sessions.engine.clock import seconds_to_ns
from peercircle.sessions.engine.events import UNDOABLE, Event, EventKind, exact_int
from peercircle.sessions.library.formats import Format, Phase, SpeakerMode


@dataclass
class Segment:
    """A stretch of time one person held the floor: a turn, a presentation or a mark."""

    step: int
    person: str
    round: int
    started_ns: int
    """Active time when it began."""
    ended_ns: int | None = None
    passed: bool = False
    kind: str = "turn"
    """"turn" in a go-round, "presenter" for a presenting phase, "floor" when marked."""

    def length_ns(self, active_now_ns: int) -> int:
        return (self.ended_ns if self.ended_ns is not None else active_now_ns) - self.started_ns


@dataclass
class StepRun:
    step: int
    cycle: int
    phase_index: int
    presenter: str | None
    planned_ns: int
    started_ns: int
    """Active time when the step began."""
    started_wall: str
    ended_ns: int | None = None
    ended_wall: str | None = None
    changes_ns: list[int] = field(default_factory=list)
    """Each change the facilitator made to the plan while the step ran (+ extended, -
    trimmed), as it took effect, in order: the record shows the plan as it began
    (``planned_ns`` less these) beside them."""


@dataclass(frozen=True)
class Step:
    cycle: int
    phase_index: int
    presenter: str | None


def plan_steps(fmt: Format, presenters: tuple[str, ...]) -> tuple[Step, ...]:
    """The phases in running order, repeated for each presenter when the format cycles."""
    cycles = presenters if fmt.cycle_per_presenter and presenters else (presenters[:1] or (None,))
    return tuple(Step(c, i, presenter) for c, presenter in enumerate(cycles) for i in range(len(fmt.phases)))


SETTINGS = ("quietest_first", "auto_advance", "mirror_notes")
"""The names a SETTING event may set (each a bool field of the timeline). A peercircle from
before a name skips an event that sets it, so a name can be added without a new schema."""


@dataclass
class Timeline:
    fmt: Format
    people: tuple[str, ...]
    """Everyone in rotation order (seating order, or shuffled when the session says so)."""
    presenters: tuple[str, ...]
    steps: tuple[Step, ...] = ()
    started: bool = False
    ended: bool = False
    paused: bool = False
    start_ns: int = 0
    """Clock reading (monotonic_ns) of the start."""
    start_wall: str = ""
    end_wall: str = ""
    last_ns: int = 0
    """Clock reading of the latest event folded in."""
    active_ns: int = 0
    paused_ns: int = 0
    step_index: int = 0
    roster: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    round: int = 1
    current: str | None = None
    queue: list[str] = field(default_factory=list)
    """Still to speak this round, in order."""
    passed: list[str] = field(default_factory=list)
    """Passed this round and not yet offered the floor again."""
    offered_again: list[str] = field(default_factory=list)
    history: list[tuple[str, bool]] = field(default_factory=list)
    """(person, passed) for each turn ended this round, for 'previous speaker'."""
    round_complete: bool = False
    floor: str | None = None
    """Who the facilitator marked as speaking, in phases without turns."""
    steps_run: list[StepRun] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    turn_extra_ns: dict[tuple[int, int, str], int] = field(default_factory=dict)
    quietest_first: bool = False
    auto_advance: bool = False
    auto_held: bool = False
    """An automatic phase change into this step was undone: do not redo it at once."""
    cards: list[tuple[int, str, str]] = field(default_factory=list)
    """(step, deck name, card title) for every prompt card put on screen, in order."""
    card_shown: tuple[str, str, str] | None = None
    """(deck id, deck name, card title) of the card beside the timer now; None when the
    facilitator took it down or none was put up (the mirror shows it from this)."""
    mirror_notes: bool = False
    """The facilitator chose to show the shared notes on the mirror (``peercircle mirror``)."""
    effective: list[Event] = field(default_factory=list, compare=False)
    """The events in force: all of them, less those taken back by undo."""
    _airtime_totals: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _airtime_upto: int = field(default=0, compare=False, repr=False)
    _airtime_last: Segment | None = field(default=None, compare=False, repr=False)
    """What _closed_airtime summed: it checks them itself, so a mark need not keep them."""
    _marks: list[_Mark] = field(default_factory=list, compare=False, repr=False)
    """The state just before each undoable event in ``effective``, in order: what an undo
    returns to (see ``_Mark``)."""

    def __post_init__(self) -> None:
        if not self.steps:
            self.steps = plan_steps(self.fmt, self.presenters)
        if not self.roster:
            self.roster = list(self.people)

    @classmethod
    def replay(
        cls, fmt: Format, people: tuple[str, ...], presenters: tuple[str, ...], events: list[Event]
    ) -> Timeline:
        timeline = cls(fmt, people, presenters)
        for event in events:
            timeline.apply(event)
        return timeline

    # -- reading -------------------------------------------------------------------------

    def active_ns_at(self, mono_ns: int) -> int:
        """Active time at clock reading ``mono_ns`` (which may be after the last event)."""
        if self.started and not self.paused and not self.ended:
            return self.active_ns + max(0, mono_ns - self.last_ns)
        return self.active_ns

    def paused_ns_at(self, mono_ns: int) -> int:
        if self.started and self.paused and not self.ended:
            return self.paused_ns + max(0, mono_ns - self.last_ns)
        return self.paused_ns

    @property
    def step(self) -> Step:
        return self.steps[self.step_index]

    @property
    def phase(self) -> Phase:
        return self.fmt.phases[self.step.phase_index]

    @property
    def presenter(self) -> str | None:
        return self.step.presenter

    @property
    def run(self) -> StepRun | None:
        return self.steps_run[-1] if self.steps_run else None

    @property
    def is_last_step(self) -> bool:
        return self.step_index >= len(self.steps) - 1

    @property
    def open_segment(self) -> Segment | None:
        if self.segments and self.segments[-1].ended_ns is None:
            return self.segments[-1]
        return None

    @property
    def takes_turns(self) -> bool:
        return self.phase.mode.takes_turns

    def members(self) -> list[str]:
        """Who takes turns now: everyone present, less the presenter, in rotation order
        (late arrivals at the end)."""
        return [p for p in self.roster if p not in self.left and p != self.presenter]

    def airtime_ns(self, active_now_ns: int) -> dict[str, int]:
        totals = {p: 0 for p in self.roster}
        for person, length in self._closed_airtime().items():
            totals[person] = totals.get(person, 0) + length
        for seg in self.segments[self._airtime_upto :]:
            totals[seg.person] = totals.get(seg.person, 0) + seg.length_ns(active_now_ns)
        return totals

    def _closed_airtime(self) -> dict[str, int]:
        """Airtime of the segments ended so far, summed once: the live screen asks for it at
        every refresh, and summing them all each time made one refresh 1.3 ms after 2,000
        events. Segments only grow and only the last one ever changes (it ends, or an undo
        puts back its copy from before), so the sum stays right while the last segment it
        counted is still the same object at the same place; otherwise it is made again."""
        upto, last = self._airtime_upto, self._airtime_last
        segments = self.segments
        if upto > len(segments) or (upto and segments[upto - 1] is not last):
            upto, self._airtime_totals = 0, {}
        totals = self._airtime_totals
        end = len(segments)
        if end and segments[-1].ended_ns is None:
            end -= 1  # the open segment is counted by the caller, at the time asked
        for seg in segments[upto:end]:
            totals[seg.person] = totals.get(seg.person, 0) + seg.length_ns(0)
        self._airtime_upto = end
        self._airtime_last = segments[end - 1] if end else None
        return totals

    def turn_used_ns(self, person: str, active_now_ns: int) -> int:
        """Time ``person`` has had in this step's current round, over all their segments."""
        used = 0
        # Segments run in order of step and round, so this round's are the last ones.
        for s in reversed(self.segments):
            if s.step != self.step_index or s.round != self.round:
                break
            if s.person == person and s.kind == "turn":
                used += s.length_ns(active_now_ns)
        return used

    def turn_planned_ns(self, person: str) -> int | None:
        base = self.phase.turn_seconds
        if base is None:
            return None
        return max(0, seconds_to_ns(base) + self.turn_extra_ns.get((self.step_index, self.round, person), 0))

    def upcoming(self, count: int = 2, active_now_ns: int | None = None) -> tuple[str, ...]:
        """The next people to speak in this step, in order, including a repeat round (in
        quietest-first order as of ``active_now_ns``: the speaker's time so far counts)."""
        if not self.takes_turns or self.current is None:
            return ()
        names = list(self.queue) + [p for p in self.passed if p not in self.offered_again]
        if self.phase.repeat_rounds:
            names += self._round_order(self.members(), active_now_ns)
        return tuple(dict.fromkeys(names))[:count]

    def undoable(self) -> Event | None:
        return next((e for e in reversed(self.effective) if e.kind in UNDOABLE), None)

    # -- what each event does ------------------------------------------------------------

    def can_apply(self, event_or_kind: Event | EventKind) -> bool:
        kind = event_or_kind.kind if isinstance(event_or_kind, Event) else event_or_kind
        data = event_or_kind.data if isinstance(event_or_kind, Event) else {}
        if kind is EventKind.START:
            return not self.started
        if not self.started or self.ended:
            return False
        if kind is EventKind.PAUSE:
            return not self.paused
        if kind is EventKind.RESUME:
            return self.paused
        if kind in (EventKind.NEXT_SPEAKER, EventKind.PASS):
            return self.takes_turns and self.current is not None
        if kind is EventKind.PREVIOUS_SPEAKER:
            return self.takes_turns and bool(self.history)
        if kind is EventKind.JUMP:
            person = data.get("person")
            if person is None:
                return not self.takes_turns
            if person not in self.roster or person in self.left:
                return False
            return person != self.presenter or not self.takes_turns
        if kind is EventKind.NEXT_PHASE:
            return not self.is_last_step
        if kind is EventKind.EXTEND:
            return data.get("target") in ("phase", "turn") and (
                data.get("target") == "phase"
                or (self.current is not None and self.turn_planned_ns(self.current) is not None)
            )
        if kind is EventKind.JOIN:
            person = str(data.get("person", "")).strip()
            return bool(person) and person.casefold() not in {p.casefold() for p in self.roster}
        if kind is EventKind.LEAVE:
            # Whether the presenter may leave is the command's question, not replay's: an
            # undo can replay a leave into a cycle where that person presents.
            person = data.get("person")
            return person in self.roster and person not in self.left
        if kind is EventKind.SETTING:
            return data.get("name") in SETTINGS
        if kind is EventKind.UNDO:
            return self.undoable() is not None
        if kind is EventKind.REOPEN:
            return True
        if kind is EventKind.CARD:
            # A card taken down is a card event without a card (``hidden``): a peercircle
            # from before it skips that event as it always skipped one without a card.
            return bool(data.get("card")) or (data.get("hidden") is True and self.card_shown is not None)
        return True  # END

    def apply(self, event: Event) -> None:
        if not self.can_apply(event):
            # A stored log only holds events that were valid when recorded; skipping keeps
            # replay total even for a hand-edited or partly damaged file.
            return
        if event.kind is EventKind.UNDO:
            self._undo(event)
            return
        if event.kind is EventKind.REOPEN:
            self._reopen(event)
            return
        if event.kind in UNDOABLE:
            self._marks.append(_Mark.of(self))
        self.effective.append(event)
        self._advance(event.mono_ns)
        kind, data = event.kind, event.data
        if kind is EventKind.START:
            self.started = True
            self.start_ns = event.mono_ns
            self.start_wall = event.wall
            self._begin_step(0, event.wall)
        elif kind is EventKind.PAUSE:
            self.paused = True
        elif kind is EventKind.RESUME:
            self.paused = False
        elif kind in (EventKind.NEXT_SPEAKER, EventKind.PASS):
            self._finish_turn(passed=kind is EventKind.PASS)
            self._next_turn()
        elif kind is EventKind.PREVIOUS_SPEAKER:
            self._previous_turn()
        elif kind is EventKind.JUMP:
            self._jump(data.get("person"))
        elif kind is EventKind.NEXT_PHASE:
            self._end_step(event.wall)
            self._begin_step(self.step_index + 1, event.wall)
        elif kind is EventKind.EXTEND:
            self._extend(data)
        elif kind is EventKind.JOIN:
            self._join(str(data["person"]).strip())
        elif kind is EventKind.LEAVE:
            self._leave(str(data["person"]))
        elif kind is EventKind.SETTING:
            setattr(self, str(data["name"]), bool(data.get("value")))
            if data["name"] == "quietest_first":
                self.queue = self._round_order(self.queue)
        elif kind is EventKind.CARD:
            if not data.get("card"):
                self.card_shown = None
                return
            deck = str(data.get("deck_name") or data.get("deck", ""))
            self.cards.append((self.step_index, deck, str(data.get("card", ""))))
            self.card_shown = (str(data.get("deck", "")), deck, str(data.get("card", "")))
        elif kind is EventKind.END:
            self._end_step(event.wall)
            self.ended = True
            self.paused = False
            self.end_wall = event.wall

    def _advance(self, mono_ns: int) -> None:
        if self.started:
            # A clock that went backwards (e.g. a reboot between runs) counts as no time.
            delta = max(0, mono_ns - self.last_ns)
            if self.paused:
                self.paused_ns += delta
            elif not self.ended:
                self.active_ns += delta
            self.last_ns = max(mono_ns, self.last_ns)
        else:
            self.last_ns = mono_ns

    def _reopen(self, event: Event) -> None:
        """Pick up after the process stopped: the time that ran until then counts, the time
        away counts as paused, and the clock is re-based (after a reboot it restarted)."""
        self.effective.append(event)
        data = event.data
        if self.paused:
            self.paused_ns = max(self.paused_ns, exact_int(data.get("paused_ns") or self.paused_ns))
        else:
            self.active_ns = max(self.active_ns, exact_int(data.get("active_ns") or self.active_ns))
        self.paused_ns += max(0, exact_int(data.get("gap_ns") or 0))
        self.paused = True
        self.card_shown = None  # the app that picks the session up starts without a card
        self.last_ns = event.mono_ns

    def _undo(self, event: Event) -> None:
        """Back to the state before the last advance, with the events since then applied
        again on top; time keeps running.

        The same as replaying every event in force but that one from the start (what this
        did before), without the replay: a session with hundreds of undos took seconds to
        read back, as each undo replayed all the events before it."""
        target = self.undoable()
        if target is None:
            return
        mark = self._marks.pop()
        since = self.effective[mark.effective + 1 :]  # none of them undoable: target is the last
        mark.restore(self)
        for later in since:
            self.apply(later)
        self._advance(event.mono_ns)
        # The open segment and step now absorb the time since the undone advance. Held
        # only right after an automatic phase change is undone, as a replay from the start
        # leaves it (no other event sets it).
        self.auto_held = target.kind is EventKind.NEXT_PHASE and bool(target.data.get("auto"))

    # -- steps ---------------------------------------------------------------------------

    def _begin_step(self, index: int, wall: str) -> None:
        self.step_index = index
        step = self.steps[index]
        phase = self.fmt.phases[step.phase_index]
        planned_ns = seconds_to_ns(phase.planned_seconds(len(self.members())))
        self.steps_run.append(
            StepRun(index, step.cycle, step.phase_index, step.presenter, planned_ns, self.active_ns, wall)
        )
        self.round = 1
        self.current = None
        self.floor = None
        self.round_complete = False
        self.auto_held = False
        if phase.mode.takes_turns:
            self._start_round()
        elif phase.mode is SpeakerMode.PRESENTER and step.presenter:
            self._open_segment(step.presenter, "presenter")

    def _end_step(self, wall: str) -> None:
        self._close_segment(passed=False)
        run = self.steps_run[-1]
        run.ended_ns = self.active_ns
        run.ended_wall = wall
        self.current = None
        self.floor = None
        self.queue, self.passed, self.offered_again, self.history = [], [], [], []

    def _extend(self, data: dict) -> None:
        # The amount is planned seconds (minutes x 60), converted here the same way on
        # every replay, so the totals it feeds stay exact integers.
        extra_ns = seconds_to_ns(float(data.get("seconds") or 0))
        if data.get("step", self.step_index) != self.step_index:
            return  # made for a phase an undo has since taken back
        if data["target"] == "phase":
            run = self.steps_run[-1]
            before = run.planned_ns
            run.planned_ns = max(0, run.planned_ns + extra_ns)
            if run.planned_ns != before:
                run.changes_ns.append(run.planned_ns - before)
            return
        person = data.get("person", self.current)
        if person is not None and person == self.current:
            key = (self.step_index, self.round, person)
            self.turn_extra_ns[key] = self.turn_extra_ns.get(key, 0) + extra_ns

    # -- turns ---------------------------------------------------------------------------

    def _round_order(self, names: list[str], active_now_ns: int | None = None) -> list[str]:
        if not self.quietest_first:
            return list(names)
        airtime = self.airtime_ns(self.active_ns if active_now_ns is None else active_now_ns)
        return sorted(names, key=lambda p: airtime.get(p, 0))  # stable: ties keep seat order

    def _start_round(self) -> None:
        self.queue = self._round_order(self.members())
        self.passed, self.offered_again, self.history = [], [], []
        self.round_complete = False
        self._take_next()

    def _open_segment(self, person: str, kind: str) -> None:
        self.segments.append(Segment(self.step_index, person, self.round, self.active_ns, kind=kind))

    def _close_segment(self, passed: bool) -> None:
        seg = self.open_segment
        if seg is not None:
            seg.ended_ns = self.active_ns
            seg.passed = passed

    def _finish_turn(self, passed: bool) -> None:
        person = self.current
        if person is None:
            return
        self._close_segment(passed)
        self.history.append((person, passed))
        if passed and person not in self.offered_again:
            self.passed.append(person)
        self.current = None

    def _take_next(self) -> None:
        if self.queue:
            self.current = self.queue.pop(0)
        elif self.passed:
            # Someone who passed gets the floor once more before the round closes.
            self.current = self.passed.pop(0)
            self.offered_again.append(self.current)
        else:
            self.current = None
            self.round_complete = True
            return
        self._open_segment(self.current, "turn")

    def _next_turn(self) -> None:
        self._take_next()
        if self.current is None and self.phase.repeat_rounds and self.members():
            self.round += 1
            self._start_round()

    def _previous_turn(self) -> None:
        person, was_passed = self.history.pop()
        if self.current is not None:
            self._close_segment(passed=False)
            self.queue.insert(0, self.current)
        if was_passed and person in self.passed:
            self.passed.remove(person)
        self.current = person
        self.round_complete = False
        self._open_segment(person, "turn")

    def _jump(self, person: str | None) -> None:
        if not self.takes_turns:
            # Marking the floor in an open phase: airtime goes to whoever is marked.
            self._close_segment(passed=False)
            self.floor = person
            if person is not None:
                self._open_segment(person, "floor")
            return
        assert person is not None
        if self.current == person:
            return
        if self.current is not None:
            self._finish_turn(passed=False)
        for waiting in (self.queue, self.passed):
            if person in waiting:
                waiting.remove(person)
        self.current = person
        self.round_complete = False
        self._open_segment(person, "turn")

    def _join(self, person: str) -> None:
        """A late arrival. In a go-round that runs once (a check-in, say) the next round
        never comes, so they are queued for this one, and a phase timed per person grows
        by their share; a round that repeats takes them from the next round."""
        self.roster.append(person)
        if not self.takes_turns or self.phase.repeat_rounds:
            return
        self.queue = self._round_order([*self.queue, person])
        if self.phase.minutes_each is not None:
            run = self.steps_run[-1]
            added = seconds_to_ns(self.phase.minutes_each * 60)
            run.planned_ns += added
            run.changes_ns.append(added)  # the record shows it as a change to the plan
        if self.current is None:  # the round had closed: it opens again for them
            self.round_complete = False
            self._take_next()

    def _leave(self, person: str) -> None:
        self.left.append(person)
        for waiting in (self.queue, self.passed):
            if person in waiting:
                waiting.remove(person)
        if self.floor == person:
            self._close_segment(passed=False)
            self.floor = None
        if self.current == person:
            self._finish_turn(passed=False)
            self._next_turn()
        # Nobody can be given the floor back after they have gone.
        self.history = [(p, passed) for p, passed in self.history if p != person]


_SCALARS = (
    "started",
    "ended",
    "paused",
    "start_ns",
    "start_wall",
    "end_wall",
    "last_ns",
    "active_ns",
    "paused_ns",
    "step_index",
    "round",
    "current",
    "round_complete",
    "floor",
    "quietest_first",
    "auto_advance",
    "auto_held",
    "card_shown",
    "mirror_notes",
)
_ROUND_LISTS = ("queue", "passed", "offered_again", "history")
"""A round's worth of names at most: copied whole."""
_GROWING_LISTS = ("roster", "left", "cards")
"""Only ever appended to (between undos): a length is enough to return to."""


@dataclass
class _Mark:
    """A timeline's state just before an undoable event, cheap to keep for every one.

    The long lists only grow, and of their items only the last is ever changed (the open
    segment is closed, the running step ends or is extended), so a mark keeps their
    lengths and a copy of their last items, plus everything else, which is small. If a
    new field is added to Timeline, it must be added here too (tests/test_undo_replay.py
    compares the result with a replay from the start)."""

    scalars: tuple[object, ...]
    round_lists: tuple[list, ...]
    lengths: tuple[int, ...]
    effective: int
    segments: int
    last_segment: Segment | None
    steps_run: int
    last_run: StepRun | None
    turn_extra_ns: dict[tuple[int, int, str], int]

    @classmethod
    def of(cls, tl: Timeline) -> _Mark:
        return cls(
            scalars=tuple(getattr(tl, name) for name in _SCALARS),
            round_lists=tuple(list(getattr(tl, name)) for name in _ROUND_LISTS),
            lengths=tuple(len(getattr(tl, name)) for name in _GROWING_LISTS),
            effective=len(tl.effective),
            segments=len(tl.segments),
            last_segment=copy.copy(tl.segments[-1]) if tl.segments else None,
            steps_run=len(tl.steps_run),
            last_run=_copy_run(tl.steps_run[-1]) if tl.steps_run else None,
            turn_extra_ns=dict(tl.turn_extra_ns),
        )

    def restore(self, tl: Timeline) -> None:
        """Put ``tl`` back as it was when this mark was made (the mark is used up)."""
        for name, value in zip(_SCALARS, self.scalars, strict=True):
            setattr(tl, name, value)
        for name, value in zip(_ROUND_LISTS, self.round_lists, strict=True):
            setattr(tl, name, value)
        for name, length in zip(_GROWING_LISTS, self.lengths, strict=True):
            del getattr(tl, name)[length:]
        del tl.effective[self.effective :]
        del tl.segments[self.segments :]
        if self.last_segment is not None:
            tl.segments[-1] = self.last_segment
        del tl.steps_run[self.steps_run :]
        if self.last_run is not None:
            tl.steps_run[-1] = self.last_run
        tl.turn_extra_ns = self.turn_extra_ns


def _copy_run(run: StepRun) -> StepRun:
    return replace(run, changes_ns=list(run.changes_ns))  # its only field changed in place
