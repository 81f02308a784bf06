"""The Markdown export: the structure holds, whatever the notes contain."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.export import render_markdown
from peercircle.sessions.records.summary import summarise

PARSER = MarkdownIt("gfm-like")  # the parser Textual's Markdown widget uses


def headings(markdown: str) -> list[tuple[str, str]]:
    tree = SyntaxTreeNode(PARSER.parse(markdown))
    return [(node.tag, node.children[0].content) for node in tree.walk() if node.type == "heading"]


def finished(session: Session, clock: FakeClock, notes: dict[int, str]) -> str:
    for index in range(len(session.meta.format.phases)):
        if index:
            session.next_phase()
        if index in notes:
            session.write_note(index, notes[index])
        clock.advance(100)
    session.end()
    return render_markdown(summarise(session))


def test_one_heading_per_phase(als_session: Session, als: Format, clock: FakeClock) -> None:
    markdown = finished(als_session, clock, {0: "Case: drift", 2: "What would success look like?"})
    found = headings(markdown)
    assert found[0] == ("h1", "Action Learning Set, Thursday 26 November 2026")
    assert found[1:3] == [("h2", "Participants"), ("h2", "Timing")]
    assert found[3:-3] == [("h2", f"{i}. {p.name}") for i, p in enumerate(als.phases, 1)]
    assert found[-3:] == [("h2", "Actions"), ("h2", "Airtime"), ("h2", "Proctor's functions")]
    assert "Case: drift" in markdown and "What would success look like?" in markdown


def test_timing_table_has_a_row_per_phase(als_session: Session, als: Format, clock: FakeClock) -> None:
    tree = SyntaxTreeNode(PARSER.parse(finished(als_session, clock, {})))
    timing = next(n for n in tree.walk() if n.type == "table")
    rows = [n for n in timing.walk() if n.type == "tr"]
    assert len(rows) == 1 + len(als.phases)
    assert all(len(r.children) == 6 for r in rows)  # #, step, planned, changes, actual, difference


def test_hostile_notes_never_add_headings_or_html(
    als_session: Session, als: Format, clock: FakeClock
) -> None:
    hostile = (
        "# heading?\nSetext?\n===\n<script>alert(1)</script>\n| a | b |\n|---|---|\n"
        "\x1b[31mred\x1b[0m\n```\n- list?\n> quote?"
    )
    markdown = finished(als_session, clock, {i: hostile for i in range(len(als.phases))})
    assert len(headings(markdown)) == 6 + len(als.phases)
    tokens = PARSER.parse(markdown)
    assert not any(t.type in ("html_block", "html_inline", "fence", "blockquote_open") for t in tokens)
    assert sum(t.type == "table_open" for t in tokens) == 2  # timing and airtime, none from notes
    assert "\x1b" not in markdown
    assert "heading?" in markdown and "alert(1)" in markdown  # the words survive, harmless


def test_late_arrivals_count_in_the_group(als_session: Session, clock: FakeClock) -> None:
    als_session.add_person("Gus")
    als_session.end()
    markdown = render_markdown(summarise(als_session))
    people = "- Aisha (presenter)\n- Ben\n- Ciara\n- Dev\n- Eilidh\n- Fraser\n- Gus (arrived late)\n"
    assert f"## Participants\n\n{people}" in markdown
    assert "group_size: 7\n" in markdown


def test_turns_and_passes_are_in_the_record(als_session: Session, clock: FakeClock) -> None:
    als_session.next_phase()
    clock.advance(30)
    als_session.next_speaker()
    als_session.pass_turn()
    als_session.end()
    markdown = render_markdown(summarise(als_session))
    # A passed turn shows the seconds it held the floor, as the airtime table counts them.
    assert "Turns: Ben 00:30, Ciara 00:00 (passed)" in markdown
    assert "| 3 | Questions that open up the issue | 15:00 | | not reached | |" in markdown


def test_actions_are_listed_and_private_notes_stay_out(als_session: Session) -> None:
    als_session.write_note(0, "shared words")
    als_session.write_note(0, "Aisha calls the GP by Friday\nBen | chases <b>", "action")
    als_session.write_note(0, "my own worry about Ben", "private")
    als_session.end()
    summary = summarise(als_session)
    markdown = render_markdown(summary)
    assert "- [ ] Aisha calls the GP — Aisha — by Friday" in markdown
    assert "- [ ] Ben \\| chases &lt;b> — Ben — by when: not set" in markdown
    assert "my own worry" not in markdown
    assert "my own worry about Ben" in render_markdown(summary, include_private=True)
