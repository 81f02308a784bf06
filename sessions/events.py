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
    NEXT_PHASE = "next_phase"
    END = "end"


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
