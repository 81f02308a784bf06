"""What a session records of the group it was a meeting of.

Kept in the session's own file, so the record reads whole on its own: the group's name,
who was there and who was not, guests, the rotating roles, and the report back on earlier
actions. A carried action is part of this meeting's record, so purging the meeting it was
first agreed at takes nothing this one needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ACTION_STATUSES = ("open", "done", "carried", "dropped")
"""open: still to do; done; carried: still wanted, taken on into a later meeting (where it is
open again); dropped: no longer wanted."""


def _text(raw: Mapping, key: str) -> str:
    value = raw.get(key, "")
    return value if isinstance(value, str) else str(value)


def _names(raw: Mapping, key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class ReportBack:
    """One earlier action as the group heard back on it at the start of this meeting."""

    action_id: str
    """``<session id>#<n>``: the n-th action of that meeting's record."""
    what: str
    who: str
    when: str
    raised: str
    """ISO date of the meeting it was agreed at."""
    status: str = "open"
    """done, carried or dropped; open when the group did not get to it."""
    line: str = ""
    """What was said about it, in a line (optional)."""

    def to_dict(self) -> dict:
        return {
            "action_id": self.action_id,
            "what": self.what,
            "who": self.who,
            "when": self.when,
            "raised": self.raised,
            "status": self.status,
            "line": self.line,
        }

    @classmethod
    def from_dict(cls, raw: Mapping) -> ReportBack:
        status = _text(raw, "status")
        return cls(
            action_id=_text(raw, "action_id"),
            what=_text(raw, "what"),
            who=_text(raw, "who"),
            when=_text(raw, "when"),
            raised=_text(raw, "raised"),
            status=status if status in ACTION_STATUSES else "open",
            line=_text(raw, "line"),
        )


@dataclass(frozen=True)
class Meeting:
    """The group a session was a meeting of, and who was there."""

    group_id: str
    group_name: str
    members: tuple[str, ...]
    """The group's members when it met, in seating order."""
    absent: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    """Rotating role (lower case) to who took it."""
    report_back: tuple[ReportBack, ...] = ()

    @property
    def carried(self) -> tuple[ReportBack, ...]:
        """Earlier actions taken on into this meeting: open actions of this meeting."""
        return tuple(item for item in self.report_back if item.status == "carried")

    def to_dict(self) -> dict:
        return {
            "group_id": self.group_id,
            "group_name": self.group_name,
            "members": list(self.members),
            "absent": list(self.absent),
            "guests": list(self.guests),
            "roles": dict(self.roles),
            "report_back": [item.to_dict() for item in self.report_back],
        }

    @classmethod
    def from_dict(cls, raw: object) -> Meeting | None:
        if not isinstance(raw, Mapping) or not raw.get("group_id"):
            return None
        roles = raw.get("roles", {})
        report = raw.get("report_back", [])
        return cls(
            group_id=_text(raw, "group_id"),
            group_name=_text(raw, "group_name"),
            members=_names(raw, "members"),
            absent=_names(raw, "absent"),
            guests=_names(raw, "guests"),
            roles={str(k): str(v) for k, v in roles.items()} if isinstance(roles, Mapping) else {},
            report_back=tuple(ReportBack.from_dict(item) for item in report if isinstance(item, Mapping))
            if isinstance(report, list)
            else (),
        )
