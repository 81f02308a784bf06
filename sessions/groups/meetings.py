"""Starting a meeting of a group: what the facilitator is offered, and what is recorded.

``plan`` reads the group's earlier meetings from their own records and offers: the actions
still open (for the report back), who is next to present and to take each rotating role,
and whether the agreement is due for review. ``meeting`` makes what the new session keeps
of it; ``GroupStore.record_meeting`` then adds the session to the group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from peercircle.sessions.engine.meeting import Meeting, ReportBack
from peercircle.sessions.groups.group import Group
from peercircle.sessions.groups.overview import Suggestion, suggest_next
from peercircle.sessions.groups.tracking import (
    StatusChange,
    TrackedAction,
    group_actions,
    meeting_date,
    open_first,
)
from peercircle.sessions.records.summary import SessionSummary


@dataclass(frozen=True)
class MeetingPlan:
    group: Group
    past: tuple[SessionSummary, ...]
    """The earlier meetings whose records could be read, oldest first."""
    open_actions: tuple[TrackedAction, ...]
    """To hear back on: the last meeting's first."""
    review_due: bool

    @property
    def number(self) -> int:
        """This meeting's number in the group's life (the first is 1)."""
        return len(self.group.meetings) + 1

    def suggestion(
        self, present: Sequence[str], presenters_wanted: int = 1, roles: Sequence[str] = ()
    ) -> Suggestion:
        return suggest_next(self.group, self.past, present, presenters_wanted, roles)


def read_past(group: Group, read: Callable[[str], SessionSummary | None]) -> list[SessionSummary]:
    past = [s for s in map(read, group.meetings) if s is not None]
    return sorted(past, key=lambda s: (meeting_date(s), s.id))


def plan(
    group: Group,
    read: Callable[[str], SessionSummary | None],
    ticks: Sequence[StatusChange],
    today: date,
) -> MeetingPlan:
    past = read_past(group, read)
    actions = group_actions(past, ticks)
    return MeetingPlan(group, tuple(past), tuple(open_first(actions)), group.review_due(today))


def meeting(
    group: Group,
    present: Sequence[str],
    guests: Sequence[str] = (),
    roles: Mapping[str, str] | None = None,
    report_back: Sequence[ReportBack] = (),
) -> Meeting:
    """What the session records of the group: members then, who was absent, guests, roles."""
    here = set(present)
    return Meeting(
        group_id=group.id,
        group_name=group.name,
        members=group.members,
        absent=tuple(m for m in group.members if m not in here),
        guests=tuple(guests),
        roles={k.lower(): v for k, v in (roles or {}).items() if v},
        report_back=tuple(report_back),
    )
