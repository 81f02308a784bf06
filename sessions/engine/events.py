"""Events: one thing that happened in a session, stamped with monotonic and wall-clock time."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
    """data: target ("phase" or "turn"), seconds (negative to trim)."""
    JOIN = "join"
    """data: person, a late arrival; takes turns from the next round."""
    LEAVE = "leave"
    """data: person; out of upcoming turns, airtime so far kept."""
    SETTING = "setting"
    """data: name ("quietest_first" or "auto_advance"), value (bool)."""
    UNDO = "undo"
    """Takes back the last advance (speaker, pass, jump or phase) as if it never happened."""
    REOPEN = "reopen"
    """The app came back after a crash or a quit mid-session. data: active (seconds that
    had run when it stopped), gap (seconds it was away, counted as paused). Comes back paused."""
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
    mono: float
    """Clock.monotonic() when it happened; only differences matter."""
    wall: str
    """Local wall-clock time, ISO 8601 with offset, for display and records."""
    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "seq": self.seq,
            "kind": self.kind.value,
            "mono": self.mono,
            "wall": self.wall,
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, raw: dict) -> Event:
        return cls(
            seq=int(raw["seq"]),
            kind=EventKind(raw["kind"]),
            mono=float(raw["mono"]),
            wall=str(raw["wall"]),
            data=dict(raw.get("data", {})),
        )
