"""A group that meets over months: its members in seating order, its usual format, its own
agreement with the date it was agreed and when to review it, and how often it meets.

A meeting's own record (its session file) keeps what that meeting needs to be read on its
own: the group's name, who was there, who was absent, the guests and the report back on
earlier actions. The group holds only what carries over from one meeting to the next.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from peercircle.sessions.engine.session import clean_names, tidy_name

MAX_MEMBERS = 12
"""As many as a session can hold: every member may come to the same meeting."""
MAX_NAME = 60
DEFAULT_REVIEW_MONTHS = 6
"""An agreement is looked at again after six months unless the group says otherwise."""
CADENCES = ("weekly", "fortnightly", "monthly", "every six weeks", "quarterly", "as arranged")


class GroupProblem(ValueError):
    """What is wrong with a group as entered, in words for the facilitator."""


def slug(name: str) -> str:
    """A stable, file-safe id made from a group's name: 'NQSW set (North)' -> 'nqsw-set-north'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return text[:40].strip("-") or "group"


def add_months(day: date, months: int) -> date:
    """``day`` moved on by whole months, on the last day of a shorter month if need be."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    members: tuple[str, ...]
    """In seating order: the order turns go round and the rota breaks ties in."""
    format_id: str = ""
    """The format the group usually uses; preselected when a meeting starts."""
    cadence: str = "monthly"
    agreement: str = ""
    """The group's own agreement (Markdown); empty: the data folder's agreement is used."""
    agreed_on: str = ""
    """ISO date the agreement was agreed; empty until the group first agrees it."""
    review_on: str = ""
    """ISO date by which the group looks at its agreement again."""
    rotate_roles: tuple[str, ...] = ()
    """Roles the group passes round (facilitator, timekeeper), from the format's roles."""
    archived: bool = False
    created: str = ""
    meetings: tuple[str, ...] = field(default=())
    """Session ids of the group's meetings, oldest first."""

    def review_due(self, today: date) -> bool:
        """True once the agreement's review date has come (or it was never agreed)."""
        if not self.review_on:
            return bool(self.agreement) and not self.agreed_on
        try:
            return today >= date.fromisoformat(self.review_on)
        except ValueError:
            return True

    def agreed(self, text: str, today: date, months: int = DEFAULT_REVIEW_MONTHS) -> Group:
        """The group with ``text`` agreed today and a review date ``months`` on."""
        return replace(
            self,
            agreement=text,
            agreed_on=today.isoformat(),
            review_on=add_months(today, months).isoformat(),
        )

    def with_meeting(self, session_id: str) -> Group:
        if session_id in self.meetings:
            return self
        return replace(self, meetings=(*self.meetings, session_id))

    def without_meetings(self, session_ids: set[str]) -> Group:
        return replace(self, meetings=tuple(m for m in self.meetings if m not in session_ids))

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "members": list(self.members),
            "format_id": self.format_id,
            "cadence": self.cadence,
            "agreement": self.agreement,
            "agreed_on": self.agreed_on,
            "review_on": self.review_on,
            "rotate_roles": list(self.rotate_roles),
            "archived": self.archived,
            "created": self.created,
            "meetings": list(self.meetings),
        }

    @classmethod
    def from_dict(cls, raw: dict) -> Group:
        """A group as stored; raises ``GroupProblem`` (never a KeyError) for a damaged one."""
        if not isinstance(raw, dict):
            raise GroupProblem("a group is not an object")

        def text(key: str, default: str = "") -> str:
            value = raw.get(key, default)
            if not isinstance(value, str):
                raise GroupProblem(f"the group's {key} is not text")
            return value

        def names(key: str) -> tuple[str, ...]:
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise GroupProblem(f"the group's {key} is not a list of names")
            return tuple(value)

        group = cls(
            id=text("id"),
            name=text("name"),
            members=names("members"),
            format_id=text("format_id"),
            cadence=text("cadence", "monthly"),
            agreement=text("agreement"),
            agreed_on=text("agreed_on"),
            review_on=text("review_on"),
            rotate_roles=names("rotate_roles"),
            archived=bool(raw.get("archived", False)),
            created=text("created"),
            meetings=names("meetings"),
        )
        if not group.id or not group.name:
            raise GroupProblem("a group has no id or no name")
        return group


def checked_members(raw: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Members as typed ('Ann, Bob' or one a line), tidied; raises ``GroupProblem``."""
    members = clean_names(raw) if isinstance(raw, str) else tuple(n for n in map(tidy_name, raw) if n)
    if not members:
        raise GroupProblem("Enter the members' names, separated by commas, in seating order.")
    if len(members) > MAX_MEMBERS:
        raise GroupProblem(f"{len(members)} names: a group has up to {MAX_MEMBERS} members.")
    folded = [m.casefold() for m in members]
    twice = sorted({m for m in members if folded.count(m.casefold()) > 1})
    if twice:
        raise GroupProblem(f"{', '.join(twice)} appears twice; add an initial to tell them apart.")
    if any(len(m) > 40 for m in members):
        raise GroupProblem("A name is longer than 40 characters; use a shorter form.")
    return members


def checked_name(raw: str, taken: dict[str, str], own_id: str | None = None) -> str:
    """A group's name, tidied; ``taken`` maps other groups' ids to their names."""
    name = tidy_name(raw)
    if not name:
        raise GroupProblem("Give the group a name, such as 'NQSW set North'.")
    if len(name) > MAX_NAME:
        raise GroupProblem(f"A group's name has up to {MAX_NAME} characters.")
    for group_id, other in taken.items():
        if group_id != own_id and other.casefold() == name.casefold():
            raise GroupProblem(f"There is already a group called {other!r}.")
    return name


def new_group_id(name: str, taken: set[str]) -> str:
    base = slug(name)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
