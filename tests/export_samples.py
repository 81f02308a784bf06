"""Five kinds of export of one realistic session, and two made of hostile notes, for
markdownlint to read; and a group of six over four meetings: its report (plain,
anonymised), the fourth meeting's record, and a report and a meeting record made of
hostile names.

    python -m tests.export_samples OUT_DIR

CI runs ``markdownlint-cli`` (default rules, line length aside) on what this writes: the
records must be accepted by the tools facilitators paste them into. The notes hold what
people really type: lists, numbered points, a URL, a tab, hashtags, a line that looks like
a heading, emphasis marks and a name typed without its accent.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.meeting import Meeting, ReportBack
from peercircle.sessions.engine.session import Session
from peercircle.sessions.groups.group import Group
from peercircle.sessions.groups.overview import GroupOverview, MeetingLine, overview
from peercircle.sessions.groups.report import render_group_report, report_people
from peercircle.sessions.groups.tracking import TrackedAction
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.records.anonymise import make_anonymiser
from peercircle.sessions.records.export import render_learning_record, render_markdown
from peercircle.sessions.records.summary import summarise
from tests.group_meetings import DATES, SIX, GroupYear, group_year, reader, run_meeting

PEOPLE = ("Siobhán Kelly", "Zoë", "Seán", "Ann Smith", "Eilidh")

SHARED = """Siobhan: the family moved twice this year
- school says attendance is 60%
1. first visit went well
2. second one cancelled
# not a heading
see https://www.gov.scot/publications/ for the guidance\tand *this* or _that_
Zoe: pass on detail to the health visitor #formative
Ann_Smith and Ann2 agreed   """

ACTIONS = """Seán: check the chronology by Friday
Eilidh: ask the team about the SSSC Codes #normative"""

PRIVATE = """Zoë seemed tired: ask how she is at the next one #restorative"""


def sample_session() -> Session:
    fmt = load_library().get("action-learning-set")
    assert fmt is not None
    clock = FakeClock(wall=datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    session = Session.new(fmt, PEOPLE, PEOPLE[0], clock=clock)
    session.start()
    session.write_note(0, SHARED, "shared")
    session.write_note(0, ACTIONS, "action")
    session.write_note(0, PRIVATE, "private")
    for _ in range(3):
        clock.advance(120)
        session.next_speaker()
    clock.advance(60)
    session.next_phase()
    session.write_note(1, "Eilidh: what would the family say? #formative", "shared")
    clock.advance(300)
    session.end()
    return session


def hostile_session() -> Session:
    """Every kind of hostile note from the export tests, in every phase and every kind."""
    from tests.test_export_records import HOSTILE

    fmt = load_library().get("action-learning-set")
    assert fmt is not None
    clock = FakeClock(wall=datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    people = ("<b>Ann</b>", "[Bo](http://x.example)", "# Cy", "1. Di", "Ed | Fi", "`Gus`", "Zoë")
    session = Session.new(fmt, people, people[0], clock=clock)
    session.start()
    text = "\n".join(HOSTILE.values())
    for index in range(len(fmt.phases)):
        if index:
            session.next_phase()
        for kind in ("shared", "action", "private"):
            session.write_note(index, text, kind)
        clock.advance(60)
        session.next_speaker()
    session.end()
    return session


def four_meetings(data_dir: Path) -> GroupYear:
    """The group of six of tests/group_meetings.py, and its fourth meeting: Eilidh absent,
    Gus a guest again, Ciara's action done and Dev's carried, a new one for Fraser."""
    year = group_year(data_dir)
    run_meeting(
        year,
        DATES[3],
        tuple(p for p in SIX if p != "Eilidh"),
        guests=("Gus",),
        outcomes={
            "ask the team lead about a co-worker": ("done", "a co-worker from January"),
            "Dev to draft the chronology": ("carried", "half done; Mrs K's school records awaited"),
        },
        actions="Fraser to book the room for the spring — Fraser — by December",
        shared="Checked the policy on lone working #normative\nWhat helped: naming it #restorative",
    )
    return year


def year_overview(year: GroupYear) -> GroupOverview:
    return overview(year.group, reader(year.store), year.groups.ticks())


HOSTILE_NAMES = ("<b>Ann</b>", "[Bo](http://x.example)", "# Cy", "1. Di", "Ed | Fi", "`Gus`", "Zoë")
HOSTILE_TEXT = "<script>alert(1)</script> | `code` *em* # not a heading [x](http://evil.example) \x1b[2J"


def hostile_overview() -> GroupOverview:
    """A group whose every typed field holds something that would make Markdown or HTML."""
    group = Group(
        id="hostile",
        name="# <i>Circle</i> | of `ticks` [x](http://evil.example)",
        members=HOSTILE_NAMES[:5],
        cadence="monthly | \x1b[31mred",
        agreed_on="2026-08-03",
        review_on="2027-02-03",
        meetings=("20260803-1000-aaaa", "20260907-1000-bbbb", "20261005-1000-cccc"),
    )
    meetings = tuple(
        MeetingLine(
            session_id=session_id,
            date=day,
            format_name=f"Set {HOSTILE_TEXT}",
            present=HOSTILE_NAMES[:4],
            absent=HOSTILE_NAMES[4:5],
            guests=HOSTILE_NAMES[5:6],
            presenters=HOSTILE_NAMES[n : n + 1],
            roles={"facilitator | <b>": HOSTILE_NAMES[3]},
            airtime_share=dict.fromkeys(HOSTILE_NAMES[:4] + HOSTILE_NAMES[5:6], 0.2),
            proctor={"normative": n, "formative": 1, "restorative": 2},
            actions_opened=1,
            actions_closed=n,
            minutes=60,
        )
        for n, (session_id, day) in enumerate(
            zip(group.meetings[:2], ("2026-08-03", "2026-09-07"), strict=True)
        )
    )
    actions = tuple(
        TrackedAction(
            id=f"{meetings[0].session_id}#{n}",
            session_id=meetings[0].session_id,
            raised="2026-08-03",
            what=f"{HOSTILE_TEXT} {n}",
            who=HOSTILE_NAMES[n],
            when="by `Friday` | <br>",
            status=status,
            line=HOSTILE_TEXT if status != "open" else "",
        )
        for n, status in enumerate(("open", "done", "carried", "dropped"))
    )
    return GroupOverview(group, meetings, actions, missing=group.meetings[2:])


def hostile_meeting_session() -> Session:
    """A meeting of a group whose names, roles and report back are all hostile."""
    fmt = load_library().get("action-learning-set")
    assert fmt is not None
    clock = FakeClock(wall=datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    present = HOSTILE_NAMES[:4]
    report = tuple(
        ReportBack(
            "20261005-1000-cccc#1",
            HOSTILE_TEXT,
            HOSTILE_NAMES[n],
            "by <b>Friday</b>",
            "2026-10-05",
            s,
            HOSTILE_TEXT,
        )
        for n, s in enumerate(("done", "carried", "dropped", "open"))
    )
    meeting = Meeting(
        group_id="hostile",
        group_name="# <i>Circle</i> | of `ticks`",
        members=HOSTILE_NAMES[:5],
        absent=HOSTILE_NAMES[4:5],
        guests=HOSTILE_NAMES[5:6],
        roles={"facilitator | <b>": HOSTILE_NAMES[1]},
        report_back=report,
    )
    session = Session.new(fmt, (*present, *HOSTILE_NAMES[5:6]), present[0], clock=clock, meeting=meeting)
    session.start()
    session.write_note(0, f"{HOSTILE_TEXT}\n1. Di: a line #formative", "shared")
    session.write_note(0, f"{HOSTILE_NAMES[2]}: {HOSTILE_TEXT} by Friday", "action")
    clock.advance(600)
    session.end()
    return session


def group_samples(data_dir: Path) -> dict[str, str]:
    """The group's exports, by file name."""
    year = four_meetings(data_dir)
    seen = year_overview(year)
    hide = make_anonymiser(report_people(seen), extra=("Mrs K",))
    fourth = summarise(year.sessions[-1])
    hostile = hostile_overview()
    return {
        "group-report.md": render_group_report(seen),
        "group-report-anonymised.md": render_group_report(seen, hide),
        "meeting-record.md": render_markdown(fourth),
        "meeting-record-anonymised.md": render_markdown(fourth, anonymiser=hide),
        "hostile-group-report.md": render_group_report(hostile),
        "hostile-group-report-anonymised.md": render_group_report(
            hostile, make_anonymiser(report_people(hostile))
        ),
        "hostile-meeting-record.md": render_markdown(summarise(hostile_meeting_session())),
    }


def write_samples(out: Path) -> list[Path]:
    hostile = summarise(hostile_session())
    summary = summarise(sample_session())
    hide = make_anonymiser(summary.roster, extra=("Morag", "J"))
    with tempfile.TemporaryDirectory(prefix="peercircle-group-") as data_dir:
        groups = group_samples(Path(data_dir))
    kinds = {
        "record.md": render_markdown(summary),
        "record-with-private-notes.md": render_markdown(summary, include_private=True),
        "record-anonymised.md": render_markdown(summary, anonymiser=hide),
        "learning-record.md": render_learning_record(summary, "Eilidh"),
        "learning-record-anonymised.md": render_learning_record(summary, "Seán", hide),
        "hostile-record-with-private-notes.md": render_markdown(hostile, include_private=True),
        "hostile-learning-record.md": render_learning_record(hostile, "Zoë"),
        **groups,
    }
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in kinds.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="peercircle-md-"))
    for written in write_samples(target):
        print(written)
