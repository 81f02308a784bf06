"""A group over time, from its meetings' own records: who came, who presented when, who
spoke how much, the balance of Proctor's functions, the formats used, and the actions
opened and closed. The group screen and the group report both show this one reading.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from peercircle.sessions.groups.group import Group
from peercircle.sessions.groups.rota import PRESENTER, PastMeeting, suggest, suggest_roles
from peercircle.sessions.groups.tracking import (
    StatusChange,
    TrackedAction,
    group_actions,
    meeting_date,
    recorded_actions,
)
from peercircle.sessions.records.export import PROCTOR, proctor_balance
from peercircle.sessions.records.summary import SessionSummary


@dataclass(frozen=True)
class MeetingLine:
    """One meeting of the group, as the overview shows it."""

    session_id: str
    date: str
    format_name: str
    present: tuple[str, ...]
    """Members who came (seating order)."""
    absent: tuple[str, ...]
    guests: tuple[str, ...]
    presenters: tuple[str, ...]
    roles: dict[str, str]
    airtime_share: dict[str, float]
    """Each person's share of the meeting's speaking time, 0..1 (guests included)."""
    proctor: dict[str, int]
    """Tagged shared-note lines per function: normative, formative, restorative."""
    actions_opened: int
    actions_closed: int
    """Earlier actions this meeting's report back closed (done or dropped; carried is not
    closed, it moves on)."""
    minutes: float


@dataclass(frozen=True)
class GroupOverview:
    group: Group
    meetings: tuple[MeetingLine, ...]
    actions: tuple[TrackedAction, ...]
    missing: tuple[str, ...] = field(default=())
    """Meetings listed for the group whose records are gone (purged or unreadable)."""

    @property
    def people(self) -> tuple[str, ...]:
        """Members in seating order, then anyone else who came (former members, guests)."""
        seen = list(self.group.members)
        for meeting in self.meetings:
            for person in (*meeting.present, *meeting.guests):
                if person not in seen:
                    seen.append(person)
        return tuple(seen)

    def attendance(self, person: str) -> int:
        return sum(person in m.present for m in self.meetings)

    def presented(self, person: str) -> tuple[str, ...]:
        """The dates ``person`` presented."""
        return tuple(m.date for m in self.meetings if person in m.presenters)

    def proctor_total(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for meeting in self.meetings:
            total.update(meeting.proctor)
        return {name: total[name] for name, _ in PROCTOR}

    def formats_used(self) -> dict[str, int]:
        return dict(Counter(m.format_name for m in self.meetings))

    @property
    def open_actions(self) -> tuple[TrackedAction, ...]:
        return tuple(a for a in self.actions if a.is_open)

    def actions_by_status(self) -> dict[str, int]:
        counts = Counter(a.status for a in self.actions)
        return {status: counts[status] for status in ("open", "done", "carried", "dropped")}


def past_meeting(summary: SessionSummary) -> PastMeeting:
    meeting = summary.meeting
    present = tuple(p for p in summary.roster if not meeting or p not in meeting.guests)
    return PastMeeting(
        present=present,
        presenters=summary.presenters,
        roles=dict(meeting.roles) if meeting else {},
    )


def meeting_line(summary: SessionSummary, group: Group) -> MeetingLine:
    meeting = summary.meeting
    guests = meeting.guests if meeting else ()
    members = meeting.members if meeting else group.members
    total = sum(summary.airtime.values())
    closed = 0
    if meeting:
        closed = sum(item.status in ("done", "dropped") for item in meeting.report_back)
    return MeetingLine(
        session_id=summary.id,
        date=meeting_date(summary),
        format_name=summary.format_name,
        present=tuple(p for p in summary.roster if p not in guests),
        absent=meeting.absent if meeting else tuple(p for p in members if p not in summary.roster),
        guests=guests,
        presenters=summary.presenters,
        roles=dict(meeting.roles) if meeting else {},
        airtime_share={p: (s / total if total else 0.0) for p, s in summary.airtime.items()},
        proctor=proctor_balance(summary),
        actions_opened=sum(not a.carried_from for a in recorded_actions(summary)),
        actions_closed=closed,
        minutes=summary.elapsed / 60,
    )


def overview(
    group: Group,
    read: Callable[[str], SessionSummary | None],
    ticks: Sequence[StatusChange] = (),
) -> GroupOverview:
    """The group over time. ``read`` gives a meeting's summary, None when its record is gone."""
    summaries: list[SessionSummary] = []
    missing: list[str] = []
    for session_id in group.meetings:
        summary = read(session_id)
        if summary is None:
            missing.append(session_id)
        else:
            summaries.append(summary)
    summaries.sort(key=lambda s: (meeting_date(s), s.id))
    return GroupOverview(
        group=group,
        meetings=tuple(meeting_line(s, group) for s in summaries),
        actions=tuple(group_actions(summaries, ticks)),
        missing=tuple(missing),
    )


@dataclass(frozen=True)
class Suggestion:
    presenters: tuple[str, ...]
    roles: dict[str, str]


def suggest_next(
    group: Group,
    summaries: Sequence[SessionSummary],
    present: Sequence[str],
    presenters_wanted: int = 1,
    roles: Sequence[str] = (),
) -> Suggestion:
    """Who to offer the presenter's turn, and each rotating role, at the next meeting."""
    history = [past_meeting(s) for s in sorted(summaries, key=lambda s: (meeting_date(s), s.id))]
    chosen = suggest(group.members, present, history, PRESENTER, count=presenters_wanted)
    rotating = [r for r in roles if r.lower() in {x.lower() for x in group.rotate_roles}]
    return Suggestion(chosen, suggest_roles(rotating, group.members, present, history, chosen))
