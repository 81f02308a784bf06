"""Events: one thing that happened in a session, stamped with monotonic and wall-clock time."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from peercircle.sessions.engine.clock import MAX_NS


class EventKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    NEXT_SPEAKER = "next_speaker"
    PASS = "pass"
    PREVIOUS_SPEAKER = "previous_speaker"
    JUMP = "jump"
    """data: person. In a go-round the person takes the turn now; in other phases the
    facilitator marks who has the floor (person None: nobody in particular)."""
    NEXT_PHASE = "next_phase"
    EXTEND = "extend"
    """data: target ("phase" or "turn"), seconds (negative to trim). A planned amount, not a
    clock reading: the fold converts it to nanoseconds once, the same way on every replay."""
    JOIN = "join"
    """data: person, a late arrival. In a go-round that runs once they are queued in this
    round (the phase grows by a turn when it is timed per person); in one that repeats,
    they take turns from the next round."""
    LEAVE = "leave"
    """data: person; out of upcoming turns, airtime so far kept."""
    SETTING = "setting"
    """data: name ("quietest_first" or "auto_advance"), value (bool)."""
    UNDO = "undo"
    """Takes back the last advance (speaker, pass, jump or phase) as if it never happened."""
    REOPEN = "reopen"
    """The app came back after a crash or a quit mid-session. data: active_ns (active time
    that had run when it stopped), paused_ns (paused time then), gap_ns (how long it was
    away, counted as paused), all whole nanoseconds. Comes back paused."""
    CARD = "card"
    """data: deck (id), card (title), deck_name. A prompt card was put on screen."""
    END = "end"


UNDOABLE = frozenset(
    {
        EventKind.NEXT_SPEAKER,
        EventKind.PASS,
        EventKind.PREVIOUS_SPEAKER,
        EventKind.JUMP,
        EventKind.NEXT_PHASE,
    }
)


@dataclass(frozen=True)
class Event:
    seq: int
    kind: EventKind
    mono_ns: int
    """Clock.monotonic_ns() when it happened; only differences matter. Whole nanoseconds,
    so every fold of the same events sums to the same totals."""
    wall: str
    """Local wall-clock time, ISO 8601 with offset, for display and records."""
    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "seq": self.seq,
            "kind": self.kind.value,
            "mono_ns": self.mono_ns,
            "wall": self.wall,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, raw: dict) -> Event:
        return cls(
            seq=int(raw["seq"]),
            kind=EventKind(raw["kind"]),
            mono_ns=exact_int(raw["mono_ns"]),
            wall=str(raw["wall"]),
            data=dict(raw.get("data", {})),
        )


def exact_int(value: object) -> int:
    """An integer as stored; a float or text here is damage, not something to round."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= MAX_NS:
        raise ValueError(f"expected whole nanoseconds, got {value!r}")
    return value
