"""What a format is: a named, sourced sequence of phases, each with a speaker mode and a rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class SpeakerMode(StrEnum):
    """Who talks during a phase (the group's words, as in DESIGN.md)."""

    PRESENTER = "presenter"
    QUESTIONS = "questions"
    GO_ROUND = "go-round"
    OPEN = "open"
    MEMBERS_WHILE_PRESENTER_LISTENS = "members-while-presenter-listens"
    DIALOGUE = "dialogue"
    SILENCE = "silence"

    @property
    def label(self) -> str:
        return MODE_LABELS[self]

    @property
    def takes_turns(self) -> bool:
        """Whether the phase moves through people one at a time."""
        return self in (SpeakerMode.GO_ROUND, SpeakerMode.QUESTIONS)


MODE_LABELS: dict[SpeakerMode, str] = {
    SpeakerMode.PRESENTER: "The presenter speaks; everyone else listens",
    SpeakerMode.QUESTIONS: "Members ask in turn; the presenter answers",
    SpeakerMode.GO_ROUND: "Go-round: one person at a time, in order",
    SpeakerMode.OPEN: "Open discussion",
    SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS: (
        "Presenter listens in silence; members talk among themselves"
    ),
    SpeakerMode.DIALOGUE: "Dialogue: presenter and group together",
    SpeakerMode.SILENCE: "Silence: individual reflection",
}


@dataclass(frozen=True)
class Phase:
    name: str
    mode: SpeakerMode
    minutes: float | None = None
    """Time box for the whole phase, or None when it is set per person."""
    minutes_each: float | None = None
    """Time box per person in the rotation (the box grows with the group)."""
    rule: str = ""
    description: str = ""
    prompts: tuple[str, ...] = ()
    turn_minutes: float | None = None
    """A per-turn countdown in go-rounds (defaults to minutes_each when that is set)."""
    repeat_rounds: bool = False
    """Go round again after the last person, until the phase's time is up."""
    protected: bool = False
    """The group holds the time even if the speaker finishes early."""
    deck: str = ""
    """Id of a prompt deck this phase suggests (e.g. "heron"), or empty."""
    card: str = ""
    """Title of the card in ``deck`` to offer first (e.g. "Catalytic"), or empty."""

    @property
    def turn_seconds(self) -> float | None:
        minutes = self.turn_minutes if self.turn_minutes is not None else self.minutes_each
        return minutes * 60 if minutes is not None and self.mode.takes_turns else None

    def planned_seconds(self, rotation_size: int) -> float:
        if self.minutes_each is not None:
            return self.minutes_each * 60 * max(rotation_size, 1)
        return (self.minutes or 0) * 60

    def to_dict(self) -> dict:
        data = asdict(self)
        data["mode"] = self.mode.value
        data["prompts"] = list(self.prompts)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Phase:
        return cls(
            name=data["name"],
            mode=SpeakerMode(data["mode"]),
            minutes=data.get("minutes"),
            minutes_each=data.get("minutes_each"),
            turn_minutes=data.get("turn_minutes"),
            rule=data.get("rule", ""),
            description=data.get("description", ""),
            prompts=tuple(data.get("prompts", ())),
            repeat_rounds=bool(data.get("repeat_rounds", False)),
            protected=bool(data.get("protected", False)),
            deck=str(data.get("deck", "")),
            card=str(data.get("card", "")),
        )


@dataclass(frozen=True)
class Format:
    id: str
    name: str
    phases: tuple[Phase, ...]
    purpose: str = ""
    source: str = ""
    timings: str = "suggested"
    """"published" when the minutes come from the source, "suggested" when they are our defaults."""
    group_min: int = 2
    group_max: int = 12
    needs_presenter: bool = True
    cycle_per_presenter: bool = False
    """The phases run once for each presenter in turn (Troika, Wise Crowds, airtime in a set)."""
    origin: str = "built-in"
    path: str = field(default="", compare=False)
    roles: tuple[str, ...] = ()
    """Who does what, e.g. ("presenter", "facilitator", "timekeeper")."""
    total_minutes: float | None = None
    """The length the file states, checked against the phases for ``total_group`` people
    (for a format that cycles, the length of one presenter's cycle)."""
    total_group: int | None = None

    def planned_seconds(self, group_size: int, presenters: int = 1) -> float:
        members = group_size - 1 if self.needs_presenter else group_size
        cycles = presenters if self.cycle_per_presenter else 1
        return cycles * sum(p.planned_seconds(members) for p in self.phases)

    def stated_total_seconds(self) -> float | None:
        """What the phases add up to for the group size the Total line names."""
        if self.total_group is None:
            return None
        return self.planned_seconds(self.total_group, presenters=1)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "purpose": self.purpose,
            "source": self.source,
            "timings": self.timings,
            "group_min": self.group_min,
            "group_max": self.group_max,
            "needs_presenter": self.needs_presenter,
            "cycle_per_presenter": self.cycle_per_presenter,
            "origin": self.origin,
            "roles": list(self.roles),
            "total_minutes": self.total_minutes,
            "total_group": self.total_group,
            "phases": [p.to_dict() for p in self.phases],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Format:
        return cls(
            id=data["id"],
            name=data["name"],
            phases=tuple(Phase.from_dict(p) for p in data["phases"]),
            purpose=data.get("purpose", ""),
            source=data.get("source", ""),
            timings=data.get("timings", "suggested"),
            group_min=int(data.get("group_min", 2)),
            group_max=int(data.get("group_max", 12)),
            needs_presenter=bool(data.get("needs_presenter", True)),
            cycle_per_presenter=bool(data.get("cycle_per_presenter", False)),
            origin=data.get("origin", "built-in"),
            roles=tuple(data.get("roles", ())),
            total_minutes=data.get("total_minutes"),
            total_group=data.get("total_group"),
        )
