"""A group's report as Markdown: the group over its meetings, for its own review or a
programme lead.

The same reading as the group screen (:func:`~peercircle.sessions.groups.overview.overview`),
written as a session record is: YAML front matter, one top-level heading, then tables of
the meetings, attendance, presenters, airtime share, the balance of Proctor's functions,
formats, and the actions with their status now. Meetings whose records are gone (purged,
or unreadable) are said to be missing, never left out silently.

Everything typed (names, the group's name, formats, actions, what was said) goes through
the session record's escaping, so nothing can break a table, add a heading or inject HTML.
With an anonymiser every name is replaced as in a session record, members who were absent
and guests included, and the report is searched again for every hidden name before it is
made: one found stops it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Iterator

from peercircle.sessions.groups.group import Group
from peercircle.sessions.groups.overview import GroupOverview, MeetingLine
from peercircle.sessions.groups.tracking import TrackedAction
from peercircle.sessions.records.anonymise import Anonymiser, check_hidden, widened
from peercircle.sessions.records.export import (
    PROCTOR,
    _front_matter,
    _heading,
    _inline,
    _row,
    wall_date,
)
from peercircle.sessions.records.summary import airtime_shares
from peercircle.sessions.text import clean_text

ATTENDED, MISSED = "■", "□"
"""A meeting someone came to (as a member or a guest), and one they did not."""
SPARKS = "▁▂▃▄▅▆▇█"
NOT_THERE = "·"
STATUSES = ("open", "done", "carried", "dropped")


# -- anonymising ------------------------------------------------------------------------------


def report_people(overview: GroupOverview) -> tuple[str, ...]:
    """Everyone the report names as a person: members in seating order, then anyone else
    who came, was absent or took a role (former members, guests)."""
    people = list(overview.people)
    for meeting in overview.meetings:
        people += [*meeting.present, *meeting.absent, *meeting.guests, *meeting.presenters]
        people += [*meeting.roles.values(), *meeting.airtime_share]
    return tuple(dict.fromkeys(p for p in people if p.strip()))


def anonymise_overview(overview: GroupOverview, anonymiser: Anonymiser) -> GroupOverview:
    """The overview with every name replaced; ids the app made are kept, the group's own id
    and format id (made from typed names: "anns-circle") are left out."""

    def a(text: str) -> str:
        # Control characters first: an escape sequence inside a name would hide it from the match.
        return anonymiser.apply(clean_text(text))

    def who(name: str) -> str:
        return anonymiser.name(name)

    def names(people: Iterable[str]) -> tuple[str, ...]:
        return tuple(who(p) for p in people)

    def shares(by_person: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for person, share in by_person.items():
            out[who(person)] = out.get(who(person), 0.0) + share
        return out

    group = dataclasses.replace(
        overview.group,
        id="",
        name=a(overview.group.name),
        members=names(overview.group.members),
        format_id="",
        agreement=a(overview.group.agreement),
        rotate_roles=tuple(a(r) for r in overview.group.rotate_roles),
    )
    meetings = tuple(
        dataclasses.replace(
            m,
            format_name=a(m.format_name),
            present=names(m.present),
            absent=names(m.absent),
            guests=names(m.guests),
            presenters=names(m.presenters),
            roles={a(role): who(person) for role, person in m.roles.items()},
            airtime_share=shares(m.airtime_share),
        )
        for m in overview.meetings
    )
    actions = tuple(
        dataclasses.replace(t, what=a(t.what), who=a(t.who), when=a(t.when), line=a(t.line), group_id="")
        for t in overview.actions
    )
    return GroupOverview(group=group, meetings=meetings, actions=actions, missing=overview.missing)


def _typed_texts(overview: GroupOverview) -> Iterator[str]:
    """Every text in the overview that was typed by someone (not an id or a date the app
    made): what an anonymised report is searched for hidden names."""
    group = overview.group
    yield from (group.name, *group.members, group.agreement, *group.rotate_roles, group.cadence)
    for m in overview.meetings:
        yield from (m.format_name, *m.present, *m.absent, *m.guests, *m.presenters)
        yield from (*m.roles, *m.roles.values(), *m.airtime_share)
    for t in overview.actions:
        yield from (t.what, t.who, t.when, t.line)


# -- pieces -----------------------------------------------------------------------------------


def _names(people: Iterable[str], none: str = "") -> str:
    listed = ", ".join(_inline(p) for p in people)
    return listed or none


def _day(iso: str) -> str:
    """'3 Aug 2026' from an ISO date: short enough for a table's column."""
    try:
        text = wall_date(iso)
    except ValueError:
        return _inline(iso)
    if not text:
        return ""
    _weekday, day, month, year = text.split(" ")
    return f"{day} {month[:3]} {year}"


def _long_day(iso: str) -> str:
    try:
        return wall_date(iso) or ""
    except ValueError:
        return _inline(iso)


def _spark(values: list[float | None], top: float) -> str:
    """One character a meeting, its height the share against ``top`` (the largest share in
    the table, so one person's trend reads against everyone's); a dot where they were not."""
    out = []
    for value in values:
        if value is None:
            out.append(NOT_THERE)
        else:
            height = max(0.0, value) / top if top > 0 else 0.0
            out.append(SPARKS[min(len(SPARKS) - 1, int(height * len(SPARKS)))])
    return "".join(out)


def _bar(count: int, total: int, width: int = 10) -> str:
    filled = round(width * count / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _roles_text(roles: dict[str, str]) -> str:
    return "; ".join(f"{_inline(role)}: {_inline(person)}" for role, person in roles.items())


def _there(meeting: MeetingLine, person: str) -> bool:
    return person in meeting.present or person in meeting.guests


# -- sections ---------------------------------------------------------------------------------


def _meetings_table(overview: GroupOverview) -> list[str]:
    lines = ["## Meetings", ""]
    if not overview.meetings:
        return [*lines, "*No meetings recorded.*"]
    lines += [
        "| # | Date | Format | Present | Absent | Guests | Presenter | Roles | Minutes |",
        "| ---: | --- | --- | ---: | --- | --- | --- | --- | ---: |",
    ]
    for number, m in enumerate(overview.meetings, 1):
        lines.append(
            _row(
                number,
                _day(m.date),
                _inline(m.format_name),
                f"{len(m.present)} of {len(m.present) + len(m.absent)}",
                _names(m.absent, "nobody"),
                _names(m.guests, "none"),
                _names(m.presenters, "nobody"),
                _roles_text(m.roles),
                round(m.minutes),
            )
        )
    return lines


def _attendance_table(overview: GroupOverview) -> list[str]:
    lines = ["## Attendance", ""]
    meetings = overview.meetings
    if not meetings:
        return [*lines, "*No meetings recorded.*"]
    members = set(overview.group.members)
    lines += [
        f"Each mark is a meeting, oldest first: {ATTENDED} there, {MISSED} not there.",
        "",
        "| Person | Attended | Meetings | |",
        "| --- | ---: | --- | --- |",
    ]
    for person in overview.people:
        came = sum(_there(m, person) for m in meetings)
        as_guest = sum(person in m.guests for m in meetings)
        who = _inline(person)
        if person not in members:
            who += " (guest)" if as_guest == came else " (former member)"
        marks = "".join(ATTENDED if _there(m, person) else MISSED for m in meetings)
        lines.append(_row(who, f"{came} of {len(meetings)}", marks, f"`{_bar(came, len(meetings))}`"))
    return lines


def _presenters_table(overview: GroupOverview) -> list[str]:
    lines = ["## Presenters", ""]
    if not overview.meetings:
        return [*lines, "*No meetings recorded.*"]
    lines += ["| Person | Times | When |", "| --- | ---: | --- |"]
    members = set(overview.group.members)
    for person in overview.people:
        dates = overview.presented(person)
        if not dates and person not in members:
            continue  # a guest who never presented has no turn to wait for
        lines.append(_row(_inline(person), len(dates), ", ".join(_day(d) for d in dates) or "not yet"))
    return lines


def _airtime_table(overview: GroupOverview) -> list[str]:
    lines = ["## Airtime share", ""]
    meetings = [m for m in overview.meetings if any(m.airtime_share.values())]
    if not meetings:
        return [*lines, "*No airtime recorded.*"]
    shares = [airtime_shares(m.airtime_share) for m in meetings]
    top = max(share for m in meetings for share in m.airtime_share.values())
    lines += [
        "Each person's share of the time anyone held the floor, meeting by meeting "
        f"(whole percentages that add up to 100 in each meeting; {NOT_THERE} not there).",
        "",
        "| Person | " + " | ".join(_day(m.date) for m in meetings) + " | Trend |",
        "| --- | " + " | ".join("---:" for _ in meetings) + " | --- |",
    ]
    for person in overview.people:
        cells: list[object] = [_inline(person)]
        trend: list[float | None] = []
        for meeting, share in zip(meetings, shares, strict=True):
            if person in share:
                cells.append(f"{share[person]}%")
                trend.append(meeting.airtime_share[person])
            else:
                cells.append(NOT_THERE)
                trend.append(None)
        cells.append(f"`{_spark(trend, top)}`")
        lines.append(_row(*cells))
    return lines


def _proctor_tables(overview: GroupOverview) -> list[str]:
    lines = ["## Proctor's functions", ""]
    total = overview.proctor_total()
    if not sum(total.values()):
        return [
            *lines,
            "*No tagged notes.* Tag a line of the shared notes #normative, #formative or "
            "#restorative to see the balance here.",
        ]
    names = [name for name, _ in PROCTOR]
    lines += [
        "Lines of the shared notes tagged with each of Proctor's three functions, meeting by meeting.",
        "",
        "| Meeting | " + " | ".join(n.capitalize() for n in names) + " | Balance |",
        "| --- | " + " | ".join("---:" for _ in names) + " | --- |",
    ]
    for m in overview.meetings:
        counts = [m.proctor.get(n, 0) for n in names]
        lines.append(_row(_day(m.date), *counts, f"`{_balance(counts)}`"))
    lines.append(_row("All meetings", *(total[n] for n in names), f"`{_balance(list(total.values()))}`"))
    shares = airtime_shares({name: float(count) for name, count in total.items()})  # add to 100
    lines += [
        "",
        "Over all meetings:",
        "",
        "| Function | What it covers | Tagged lines | Share |",
        "| --- | --- | ---: | ---: |",
    ]
    for name, covers in PROCTOR:
        lines.append(f"| {name.capitalize()} | {covers} | {total[name]} | {shares[name]}% |")
    return lines


def _balance(counts: list[int]) -> str:
    """N, F and R letters in proportion: 'NNFFFFRRRR' (ten in all), dots for none."""
    total = sum(counts)
    if not total:
        return "." * 10
    shares = airtime_shares({str(i): float(c) for i, c in enumerate(counts)})
    widths = [round(shares[str(i)] / 10) for i in range(len(counts))]
    widths[widths.index(max(widths))] += 10 - sum(widths)  # ten letters, whatever the rounding
    return "".join(letter * width for letter, width in zip("NFR", widths, strict=True))


def _formats_table(overview: GroupOverview) -> list[str]:
    lines = ["## Formats", ""]
    used = overview.formats_used()
    if not used:
        return [*lines, "*No meetings recorded.*"]
    lines += ["| Format | Meetings |", "| --- | ---: |"]
    lines += [_row(_inline(name), count) for name, count in sorted(used.items(), key=lambda kv: -kv[1])]
    return lines


def _actions_over_time(overview: GroupOverview) -> list[str]:
    lines = ["## Actions opened and closed", ""]
    if not overview.meetings:
        return [*lines, "*No meetings recorded.*"]
    carried_in: dict[str, int] = {}
    for action in overview.actions:
        if action.carried_from:
            carried_in[action.session_id] = carried_in.get(action.session_id, 0) + 1
    lines += [
        "Opened: new actions agreed at the meeting. Closed: earlier actions its report back "
        "found done or dropped. Carried in: earlier actions taken on into it.",
        "",
        "| Meeting | Opened | Closed | Carried in |",
        "| --- | ---: | ---: | ---: |",
    ]
    for m in overview.meetings:
        lines.append(_row(_day(m.date), m.actions_opened, m.actions_closed, carried_in.get(m.session_id, 0)))
    counts = overview.actions_by_status()
    lines += ["", "Now: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES) + "."]
    return lines


def _actions_table(overview: GroupOverview) -> list[str]:
    lines = ["## Actions", ""]
    if not overview.actions:
        return [*lines, "*No actions recorded.*"]
    day_of = {m.session_id: m.date for m in overview.meetings}
    lines += [
        "Every action of the group's meetings and its status now. A carried action is "
        "listed again under the meeting it was carried into.",
        "",
        "| Status | Action | Who | By when | Agreed | Said |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for action in overview.actions:
        lines.append(
            _row(
                _status_text(action, day_of),
                _inline(action.what),
                _inline(action.who) or "not set",
                _inline(action.when) or "not set",
                _day(action.raised),
                _inline(action.line),
            )
        )
    return lines


def _status_text(action: TrackedAction, day_of: dict[str, str]) -> str:
    text = action.status
    if action.carried_from:
        text += f" (carried into {_day(day_of.get(action.session_id, ''))})"
    return text


# -- the report -------------------------------------------------------------------------------


def render_group_report(
    overview: GroupOverview,
    anonymiser: Anonymiser | None = None,
    *,
    front_matter: bool = True,
) -> str:
    """The group's report. With an ``anonymiser`` every name is replaced (the anonymiser is
    widened to cover everyone the report names, absent members and guests included) and
    the report is checked for any name left before it is made."""
    if anonymiser is not None:
        anonymiser = widened(anonymiser, report_people(overview))
        overview = anonymise_overview(overview, anonymiser)
        check_hidden(anonymiser, _typed_texts(overview))
    group: Group = overview.group
    meetings = overview.meetings
    first = meetings[0].date if meetings else ""
    last = meetings[-1].date if meetings else ""
    counts = overview.actions_by_status()
    out: list[str] = []
    if front_matter:
        out += _front_matter(
            [
                ("type", "group report"),
                ("group_name", group.name),
                *([("group_id", group.id)] if anonymiser is None else []),
                ("members", list(group.members)),
                ("cadence", group.cadence),
                ("meetings", len(meetings)),
                ("first_met", first),
                ("last_met", last),
                ("missing_meetings", len(overview.missing)),
                ("formats", list(overview.formats_used())),
                *((f"actions_{status}", counts[status]) for status in STATUSES),
                ("archived", group.archived),
                ("anonymised", anonymiser is not None),
                ("tags", ["peercircle", "group-report"]),
            ]
        )
    out += [f"# {_heading('Group report: ' + group.name)}", ""]
    span = f"{len(meetings)}, from {_long_day(first)} to {_long_day(last)}" if meetings else "none yet"
    out += [
        f"- **Members:** {_names(group.members, 'none')} (in seating order)",
        f"- **Meets:** {_inline(group.cadence)}",
        f"- **Meetings:** {span}",
    ]
    if group.agreed_on:
        review = f", to be reviewed by {_long_day(group.review_on)}" if group.review_on else ""
        out.append(f"- **Agreement:** agreed {_long_day(group.agreed_on)}{review}")
    if overview.missing:
        count = len(overview.missing)
        ids = ", ".join(_inline(m) for m in overview.missing)
        out.append(
            f"- **Missing:** {count} meeting record{'' if count == 1 else 's'} could not be read "
            f"(purged or damaged): {ids}. This report covers the other {len(meetings)}."
        )
    if group.archived:
        out.append("- **Archived:** the group no longer meets")
    if anonymiser is not None:
        out.append("- **Anonymised:** names replaced with initials or pseudonyms")
    for section in (
        _meetings_table,
        _attendance_table,
        _presenters_table,
        _airtime_table,
        _proctor_tables,
        _formats_table,
        _actions_over_time,
        _actions_table,
    ):
        out += ["", *section(overview)]
    return "\n".join(out) + "\n"


_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def group_report_filename(overview: GroupOverview, anonymiser: Anonymiser | None = None) -> str:
    """'NQSW set North - group report.md': no folders, nothing a file system refuses; the
    group's name anonymised too when it holds a name."""
    name = overview.group.name
    if anonymiser is not None:
        name = widened(anonymiser, report_people(overview)).apply(clean_text(name))
    stem = f"{name} - group report" + (" (anonymised)" if anonymiser is not None else "")
    stem = unicodedata.normalize("NFC", clean_text(stem))
    stem = " ".join(_UNSAFE_IN_NAMES.sub("-", stem).split()).strip(" .")
    return f"{stem[:150].rstrip(' .') or 'group report'}.md"
