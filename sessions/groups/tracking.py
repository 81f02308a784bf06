"""Actions that live across meetings: each has an identity and a status.

An action's identity is where it was first written: ``<session id>#<n>``, the n-th action of
that meeting's record (in step order, then line order), or ``<session id>#c<n>`` for the
n-th earlier action carried into that meeting. Its status starts as the record has it (a
line ticked ``[x]`` is done, any other is open) and then follows what was said about it
afterwards, oldest first:

- the report back at the start of a later meeting of the group (kept in that meeting's own
  record), and
- a tick between meetings, from the history's actions view (kept in ``actions.json``).

Carried means "still wanted": the original is closed as carried, and the later meeting
holds it again, open, under its own identity, with ``carried_from`` pointing back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from peercircle.sessions.engine.meeting import ACTION_STATUSES, ReportBack
from peercircle.sessions.records.export import session_actions
from peercircle.sessions.records.summary import SessionSummary


@dataclass(frozen=True)
class StatusChange:
    """A status given to an action after the meeting it was agreed at."""

    action_id: str
    status: str
    at: str
    """ISO date and time it was given: the later meeting's start, or the tick's moment."""
    line: str = ""
    source: str = ""
    """The session id of the meeting whose report back gave it; empty for a tick."""
    into: str = ""
    """For a carried action: its identity in the meeting it was carried into."""

    def to_dict(self) -> dict:
        raw = {"action_id": self.action_id, "status": self.status, "at": self.at, "line": self.line}
        if self.source:
            raw["source"] = self.source
        if self.into:
            raw["into"] = self.into
        return raw

    @classmethod
    def from_dict(cls, raw: object) -> StatusChange | None:
        if not isinstance(raw, dict):
            return None
        action_id, status, at = raw.get("action_id"), raw.get("status"), raw.get("at")
        line, source, into = raw.get("line", ""), raw.get("source", ""), raw.get("into", "")
        if (
            not (
                isinstance(action_id, str)
                and isinstance(status, str)
                and isinstance(at, str)
                and isinstance(line, str)
                and isinstance(source, str)
                and isinstance(into, str)
            )
            or status not in ACTION_STATUSES
        ):
            return None
        return cls(action_id, status, at, line, source, into)


@dataclass(frozen=True)
class TrackedAction:
    id: str
    session_id: str
    raised: str
    """ISO date of the meeting it was agreed at (for a carried one: first agreed)."""
    what: str
    who: str
    when: str
    status: str = "open"
    line: str = ""
    """The last thing said about it at a report back or a tick."""
    carried_from: str = ""
    group_id: str = ""
    changed: str = ""
    """When its status last changed (ISO), empty while it is as recorded."""

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def meeting_date(summary: SessionSummary) -> str:
    """The ISO date the meeting ran (or was set up)."""
    if summary.started_wall:
        return summary.started_wall[:10]
    digits = summary.id[:8]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}" if digits.isdigit() else ""


def recorded_actions(summary: SessionSummary) -> list[TrackedAction]:
    """A meeting's actions as its record has them: those carried into it first, then its own."""
    group_id = summary.meeting.group_id if summary.meeting else ""
    day = meeting_date(summary)
    carried = summary.meeting.carried if summary.meeting else ()
    out = [
        TrackedAction(
            id=f"{summary.id}#c{n}",
            session_id=summary.id,
            raised=item.raised or day,
            what=item.what,
            who=item.who,
            when=item.when,
            carried_from=item.action_id,
            group_id=group_id,
        )
        for n, item in enumerate(carried, 1)
    ]
    for n, (_phase, item) in enumerate(session_actions(summary), 1):
        if not item.what:
            continue
        out.append(
            TrackedAction(
                id=f"{summary.id}#{n}",
                session_id=summary.id,
                raised=day,
                what=item.what,
                who=item.who,
                when=item.when,
                status="done" if item.done else "open",
                group_id=group_id,
            )
        )
    return out


def report_back_changes(summary: SessionSummary) -> list[StatusChange]:
    """The statuses a meeting's report back gave to earlier actions."""
    if summary.meeting is None:
        return []
    return report_back_changes_of(
        summary.id, summary.started_wall or meeting_date(summary), summary.meeting.report_back
    )


def report_back_changes_of(session_id: str, at: str, report_back: Sequence[ReportBack]) -> list[StatusChange]:
    """The statuses a meeting's report back gave (carried ones name their new identity)."""
    changes = []
    carried = 0
    for item in report_back:
        into = ""
        if item.status == "carried":
            carried += 1
            into = f"{session_id}#c{carried}"
        if item.status != "open":
            changes.append(StatusChange(item.action_id, item.status, at, item.line, session_id, into))
    return changes


def open_by_session(open_in_records: dict[str, int], changes: Iterable[StatusChange]) -> dict[str, int]:
    """How many actions are open in each session listed.

    ``open_in_records`` maps each listed session to its open action lines as its record has
    them (not ticked [x]); ``changes`` are every status given since (report backs and
    ticks): they close some, and carry some into later meetings, where they are open again
    until a later report back or tick closes them there.
    """
    latest: dict[str, StatusChange] = {}
    copies: set[str] = set()
    for change in sorted(changes, key=lambda c: c.at):
        latest[change.action_id] = change
        if change.into:
            copies.add(change.into)
    counts = dict(open_in_records)
    for action_id, change in latest.items():
        session_id = action_id.split("#", 1)[0]
        if change.status != "open" and session_id in counts and "#c" not in action_id:
            counts[session_id] = max(counts[session_id] - 1, 0)
    for copy in copies:
        session_id = copy.split("#", 1)[0]
        last = latest.get(copy)
        if session_id in counts and (last is None or last.status == "open"):
            counts[session_id] += 1
    return counts


def open_action_total(open_in_records: dict[str, int], changes: Iterable[StatusChange]) -> int:
    """How many actions are open across the sessions listed (see ``open_by_session``)."""
    return sum(open_by_session(open_in_records, changes).values())


def with_statuses(actions: Iterable[TrackedAction], changes: Iterable[StatusChange]) -> list[TrackedAction]:
    """``actions`` with every later change applied, oldest first (a tick after a report back
    wins, and the other way round)."""
    latest: dict[str, StatusChange] = {}
    for change in sorted(changes, key=lambda c: c.at):
        latest[change.action_id] = change
    out = []
    for action in actions:
        found = latest.get(action.id)
        if found is not None and found.at >= action.raised:
            action = replace(action, status=found.status, line=found.line, changed=found.at)
        out.append(action)
    return out


def group_actions(
    meetings: Sequence[SessionSummary], ticks: Iterable[StatusChange] = ()
) -> list[TrackedAction]:
    """Every action of a group's meetings (oldest meeting first) with its status now."""
    actions: list[TrackedAction] = []
    changes: list[StatusChange] = list(ticks)
    for summary in meetings:
        actions += recorded_actions(summary)
        changes += report_back_changes(summary)
    return with_statuses(actions, changes)


def to_report_back(action: TrackedAction, status: str = "open", line: str = "") -> ReportBack:
    """The line a meeting's report back keeps about ``action``."""
    return ReportBack(action.id, action.what, action.who, action.when, action.raised, status, line)


def open_first(actions: Sequence[TrackedAction]) -> list[TrackedAction]:
    """Open actions, the most recent meeting's first, in the order they were written."""
    by_meeting: dict[str, list[TrackedAction]] = {}
    for action in actions:
        if action.is_open:
            by_meeting.setdefault(action.session_id, []).append(action)
    return [a for session_id in reversed(list(by_meeting)) for a in by_meeting[session_id]]
