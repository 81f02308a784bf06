"""Five kinds of export of one realistic session, and two made of hostile notes, for
markdownlint to read.

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
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import load_library
from peercircle.sessions.records.anonymise import make_anonymiser
from peercircle.sessions.records.export import render_learning_record, render_markdown
from peercircle.sessions.records.summary import summarise

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


def write_samples(out: Path) -> list[Path]:
    hostile = summarise(hostile_session())
    summary = summarise(sample_session())
    hide = make_anonymiser(summary.roster, extra=("Morag", "J"))
    kinds = {
        "record.md": render_markdown(summary),
        "record-with-private-notes.md": render_markdown(summary, include_private=True),
        "record-anonymised.md": render_markdown(summary, anonymiser=hide),
        "learning-record.md": render_learning_record(summary, "Eilidh"),
        "learning-record-anonymised.md": render_learning_record(summary, "Seán", hide),
        "hostile-record-with-private-notes.md": render_markdown(hostile, include_private=True),
        "hostile-learning-record.md": render_learning_record(hostile, "Zoë"),
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
