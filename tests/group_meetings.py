"""A group of six that meets four times, made through the real engine and stores: an
absence when a turn came, a guest, and actions done, carried and dropped. Shared by the
group tests (domain, report, screens)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.meeting import ReportBack
from peercircle.sessions.engine.session import Session
from peercircle.sessions.groups.group import Group
from peercircle.sessions.groups.meetings import MeetingPlan, meeting, plan
from peercircle.sessions.groups.store import GroupStore
from peercircle.sessions.groups.tracking import to_report_back
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.records.summary import SessionSummary, summarise
from peercircle.sessions.storage.store import IndexEntry, SessionStore, StoreError

SIX = ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser")
DATES = (date(2026, 8, 3), date(2026, 9, 7), date(2026, 10, 5), date(2026, 11, 2))


def reader(store: SessionStore) -> callable:  # type: ignore[valid-type]
    def read(session_id: str) -> SessionSummary | None:
        try:
            return summarise(store.load(session_id))
        except StoreError:
            return None

    return read


@dataclass
class GroupYear:
    data_dir: Path
    store: SessionStore
    groups: GroupStore
    group_id: str
    sessions: list[Session]
    plans: list[MeetingPlan]

    @property
    def group(self) -> Group:
        group = self.groups.get(self.group_id)
        assert group is not None
        return group

    def plan_next(self, today: date = date(2026, 12, 7)) -> MeetingPlan:
        return plan(self.group, reader(self.store), self.groups.ticks(), today)


def run_meeting(
    year: GroupYear,
    when: date,
    present: tuple[str, ...],
    guests: tuple[str, ...] = (),
    outcomes: dict[str, tuple[str, str]] | None = None,
    actions: str = "",
    shared: str = "",
    minutes: int = 60,
) -> Session:
    """One meeting: plan it, take the suggested presenter, hear back with ``outcomes``
    (what of the open action -> (status, line)), write notes, run it and end it."""
    group = year.group
    fmt = load_library().get(group.format_id)
    assert fmt is not None
    the_plan = plan(group, reader(year.store), year.groups.ticks(), when)
    year.plans.append(the_plan)
    people = (*present, *guests)
    suggestion = the_plan.suggestion(present, roles=fmt.roles)
    outcomes = outcomes or {}
    report: list[ReportBack] = []
    for action in the_plan.open_actions:
        status, line = outcomes.get(action.what, ("open", ""))
        report.append(to_report_back(action, status, line))
    clock = FakeClock(wall=datetime(when.year, when.month, when.day, 10, 0, tzinfo=UTC))
    session = Session.new(
        fmt,
        people,
        suggestion.presenters,
        clock=clock,
        agreement=group.agreement,
        meeting=meeting(group, present, guests, suggestion.roles, report),
    )
    session.start()
    for kind, text in (("shared", shared), ("action", actions)):
        if text:
            session.write_note(0, text, kind)
    # The floor as a set shares it: the presenter holds it about twice as long as each other
    # member (before, the last person held half the meeting, which no group would show).
    weights = {person: 2 if person in suggestion.presenters else 1 for person in people}
    for person in people:
        session.jump_to(person)
        clock.advance(minutes * 60 * weights[person] / sum(weights.values()))
    session.end()
    store = year.store
    store.write_meta(session.meta)
    store.append_events(session.meta.id, session.events)
    store.write_notes(session.meta.id, session.notes)
    store.close(session.meta.id)
    store.update_index(IndexEntry.from_session(session))
    year.groups.record_meeting(group.id, session.meta.id, report, clock.now().isoformat(timespec="seconds"))
    year.sessions.append(session)
    return session


def group_year(data_dir: Path) -> GroupYear:
    """The six meet four times:

    1. all six; Aisha presents; two actions.
    2. Ben absent when his turn came, Ciara presents; a guest (Gus); Ben's GP call done,
       Aisha's reading carried.
    3. Ben back and offered the turn; Aisha's reading (carried) dropped; Dev's action carried.
    4. (for the caller) starts with the report back on Ciara's and Dev's actions.
    """
    store = SessionStore(data_dir)
    store.prepare()
    groups = GroupStore(data_dir)
    group = groups.create(
        "NQSW set North", SIX, format_id="action-learning-set", rotate_roles=("facilitator",)
    )
    group = groups.agree(group, "We keep to time.\nWhat is said here stays here.", DATES[0])
    year = GroupYear(data_dir, store, groups, group.id, [], [])
    run_meeting(
        year,
        DATES[0],
        SIX,
        actions=(
            "Ben to call the GP about Mrs K — Ben — by Friday\n"
            "Read the new practice policy — Aisha — next meeting"
        ),
        shared="Feeling stretched by caseload #restorative\nChecked the legal duty #normative",
    )
    run_meeting(
        year,
        DATES[1],
        tuple(p for p in SIX if p != "Ben"),
        guests=("Gus",),
        outcomes={
            "Ben to call the GP about Mrs K": ("done", "called on the Tuesday"),
            "Read the new practice policy": ("carried", "not yet"),
        },
        actions="Ciara: ask the team lead about a co-worker — by end of month",
        shared="Tried a new way in #formative",
    )
    run_meeting(
        year,
        DATES[2],
        SIX,
        outcomes={
            "Read the new practice policy": ("dropped", "policy withdrawn"),
        },
        actions="Dev to draft the chronology — Dev — by 30 November",
        shared="Supervision felt safe #restorative",
    )
    return year
