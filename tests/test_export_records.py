"""Records that can leave the app: the export's structure under hostile notes, anonymising,
private notes, the learning record for one person, actions, Proctor's balance, file names.

Every structural claim is checked by parsing the export with markdown-it's "gfm-like"
preset, the parser Textual's Markdown widget uses.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.records.actions import parse_action
from peercircle.sessions.records.anonymise import make_anonymiser
from peercircle.sessions.records.export import (
    clean_text,
    export_filename,
    hashtags,
    render_learning_record,
    render_markdown,
)
from peercircle.sessions.records.summary import SessionSummary, summarise
from tests.conftest import GROUP

PARSER = MarkdownIt("gfm-like")
# The helpers below each read the same record: parse it once (the property over note
# texts runs a thousand examples, and parsing is most of its cost). Nothing mutates tokens.
parse = functools.lru_cache(maxsize=4)(PARSER.parse)
FRONT_MATTER_PARSER = MarkdownIt("gfm-like").use(front_matter_plugin)
FORBIDDEN = {
    "html_block",
    "html_inline",
    "link_open",
    "image",
    "fence",
    "code_block",
    "blockquote_open",
    "ordered_list_open",
    "s_open",
}


def all_tokens(markdown: str) -> list[Token]:
    tokens = parse(markdown)
    return tokens + [child for t in tokens for child in (t.children or [])]


def headings(markdown: str) -> list[tuple[str, str]]:
    tokens = parse(markdown)
    return [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def tables(markdown: str) -> list[list[int]]:
    """Each table as the number of cells in each of its rows."""
    found: list[list[int]] = []
    cells = 0
    for token in parse(markdown):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("td_open", "th_open"):
            cells += 1
        elif token.type == "tr_close":
            found[-1].append(cells)
    return found


def rendered_text(markdown: str) -> str:
    """What a reader sees: the text of every inline token, line breaks kept."""
    out = []
    for token in parse(markdown):
        if token.type != "inline":
            continue
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append("\n")
        out.append("\n")
    return "".join(out)


def front_matter(markdown: str) -> dict[str, object]:
    """The front matter as a YAML library reads it (as vaults and static-site tools do), after
    checking it holds no character YAML does not allow raw."""
    assert markdown.startswith("---\n")
    block = markdown[4 : markdown.index("\n---\n")]
    allowed = re.compile(r"[\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
    assert allowed.fullmatch(block), "a character YAML does not allow raw"
    assert "\u2028" not in block and "\u2029" not in block
    # libyaml's loader where the wheel has it: the same YAML, read ten times faster.
    data = yaml.load(block, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert isinstance(data, dict)
    return data


def finished(
    session: Session,
    clock: FakeClock,
    notes: dict[int, str] | None = None,
    actions: dict[int, str] | None = None,
    private: dict[int, str] | None = None,
) -> SessionSummary:
    """Run every phase (turns in go-rounds), write the given notes, end; the summary."""
    for index in range(len(session.meta.format.phases)):
        if index:
            session.next_phase()
        for kind, texts in (("shared", notes), ("action", actions), ("private", private)):
            if texts and index in texts:
                session.write_note(index, texts[index], kind)
        clock.advance(60)
        session.next_speaker()
        clock.advance(40)
    session.end()
    return summarise(session)


def expected_headings(summary: SessionSummary) -> list[tuple[str, str]]:
    return [
        ("h1", f"{summary.format_name}, Thursday 26 November 2026"),
        ("h2", "Participants"),
        ("h2", "Timing"),
        *[("h2", f"{p.index + 1}. {p.name}") for p in summary.phases],
        ("h2", "Actions"),
        ("h2", "Airtime"),
        ("h2", "Proctor's functions"),
    ]


def assert_structure_holds(markdown: str, summary: SessionSummary, proctor_table: bool = False) -> None:
    assert headings(markdown) == expected_headings(summary)
    found = {t.type for t in all_tokens(markdown)}
    assert not found & FORBIDDEN, found & FORBIDDEN
    for token in all_tokens(markdown):
        if token.type == "code_inline":  # the only code is the airtime bar
            assert set(token.content) <= {"█", "░"}
    shapes = tables(markdown)
    people_with_airtime = sum(1 for s in summary.airtime.values())
    # The timing table has a row for every step of the plan, reached or not.
    steps = len(summary.phases) + len(summary.not_reached)
    expected = [[6] * (1 + steps), [4] * (1 + people_with_airtime)]
    if proctor_table:
        expected.append([4] * 4)
    assert shapes == expected
    assert "\x1b" not in markdown
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", markdown)
    # The front matter is recognised as such, and holds together.
    # The plugin only looks at the top of the document: the block and its closing fence.
    with_plugin = FRONT_MATTER_PARSER.parse(markdown[: markdown.index("\n---\n") + 5])
    assert with_plugin[0].type == "front_matter"
    assert front_matter(markdown)["session"] == summary.id


# -- hostile notes ------------------------------------------------------------------------------

HOSTILE = {
    "headings": "# heading?\n## two\n###### six\nclosing #\n#hashtag-at-start",
    "setext": "Title?\n===\nAnother\n---\n- - -\n***\n___",
    "emphasis": "*bold?* **strong?** _under_ ~~struck~~ ~one~ * not a list",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |\nplain | pipe",
    # A line with a pipe (escaped or not) and ":-" under it was a one-column table.
    "table rule": "| alone\n:-\nleft | right\n:---:\n:--",
    "backticks": "`code?`\n```\nfenced?\n```\n~~~\ntilde fence\n~~~\n``double``",
    "html": "<script>alert(1)</script>\n<b>bold</b> <img src=x onerror=alert(1)>\n<!-- comment -->\n<div>",
    "links": (
        "[x](javascript:alert(1)) [y](http://evil.example) ![i](http://x.example/i.png)\n"
        "<http://auto.example> www.example.com https://example.org/path bob@example.com\n"
        "mailto:bob@example.com //localhost:8080 xn--p1ai.example пример.рф\n"
        "[ref]: http://defined.example\n[ref]"
    ),
    "quotes": "> quote?\n>> nested\n > indented quote",
    "ordered": "1. item?\n2) item\n10. ten\n 3. indented",
    "bullets": "- item\n+ item\n* item\n- [ ] task\n- [x] done",
    "indented": "    four spaces\n\ttab\n        eight",
    "ansi": (
        "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://x.example\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x1bc"
    ),
    "controls": "nul\x00 bell\x07 back\x08 del\x7f csi\x9b form\x0c vt\x0b cr\r\nend",
    "rtl": "مرحبا بالعالم\nשלום עולם\nmixed العربية text\n\u202eevil override\u202c \u2067isolate\u2069",
    "emoji": "👩‍⚕️ 🙂 🇬🇧 ❤️‍🔥 family 👨‍👩‍👧",
    "entities": "&amp; &lt;b&gt; &copy; &#x3C;script&#x3E;",
    "backslashes": "ends with \\\n\\# escaped \\\\ double",
    "surrogates": "broken \ud800 half",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_notes_keep_the_structure(case: str, als_session: Session, clock: FakeClock) -> None:
    text = HOSTILE[case]
    steps = range(len(als_session.meta.format.phases))
    als_session.show_card("heron", "Heron's <b>six</b> | categories", text.splitlines()[0])
    summary = finished(
        als_session,
        clock,
        notes=dict.fromkeys(steps, text),
        actions=dict.fromkeys(steps, text),
        private=dict.fromkeys(steps, text),
    )
    for markdown in (render_markdown(summary), render_markdown(summary, include_private=True)):
        assert_structure_holds(markdown, summary)
    # The words survive and read as typed (less the control characters).
    seen = rendered_text(render_markdown(summary))
    for line in clean_text(text).split("\n"):
        words = " ".join(line.split())
        if words:
            assert words in seen, words


def test_escape_sequences_and_invisible_overrides_are_removed(als_session: Session, clock: FakeClock) -> None:
    note = HOSTILE["ansi"] + "\n" + HOSTILE["rtl"] + "\n" + HOSTILE["controls"]
    summary = finished(als_session, clock, notes={0: note})
    seen = " ".join(rendered_text(render_markdown(summary)).split())
    assert "red link" in seen  # a window title set by an escape sequence was never note text
    assert "31m" not in seen and "0;" not in seen and "8;;" not in seen and "2J" not in seen
    assert "evil override isolate" in seen and "مرحبا بالعالم" in seen
    assert not re.search(r"[\u202a-\u202e\u2066-\u2069]", seen)
    assert "nul bell back del csi form vt cr end" in seen


def test_note_text_reads_exactly_as_typed(als_session: Session, clock: FakeClock) -> None:
    note = "*x* | [y](http://z.example) <b> `c` www.d.example ~e~ \\ & 1. f"
    summary = finished(als_session, clock, notes={0: note})
    assert note in rendered_text(render_markdown(summary))


def test_a_100_kb_paste_keeps_the_structure_and_is_quick(als_session: Session, clock: FakeClock) -> None:
    chunk = "".join(HOSTILE.values()) + "\n"
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    summary = finished(als_session, clock, notes={0: text}, actions={1: text.replace("\n", " ")})
    started = time.perf_counter()
    markdown = render_markdown(summary)
    elapsed = time.perf_counter() - started
    assert_structure_holds(markdown, summary)
    assert elapsed < 2.0  # about 40 ms on a laptop; this only catches runaway backtracking


def test_hostile_names_and_cards_keep_the_structure(als: Format, clock: FakeClock) -> None:
    people = ("<b>Ann</b>", "[Bo](http://x.example)", "# Cy", "1. Di", "Ed | Fi", "`Gus`")
    session = Session.new(als, people, people[0], clock=clock)
    session.start()
    session.show_card("deck", "Deck # with | pipe", "<script>card</script>")
    summary = finished(session, clock, notes={0: "fine"})
    markdown = render_markdown(summary)
    assert_structure_holds(markdown, summary)
    assert front_matter(markdown)["group"] == list(people)
    assert "[Bo](http://x.example) (presenter)" not in rendered_text(markdown)
    assert "<b>Ann</b> (presenter)" in rendered_text(markdown)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                [
                    "#",
                    "##",
                    "*",
                    "_",
                    "|",
                    "`",
                    "```",
                    "~~~",
                    "<",
                    ">",
                    "[",
                    "](",
                    "http://",
                    "www.",
                    ".org",
                    "1.",
                    "-",
                    "=",
                    "\n",
                    "\n\n",
                    "    ",
                    "\t",
                    "\\",
                    "&",
                    "\x1b[",
                    "!",
                    ":",
                    "//",
                    "@",
                ]
            ),
        ),
        max_size=30,
    ).map("".join)
)
def test_no_note_text_adds_a_heading_html_or_a_link(als: Format, note: str) -> None:
    # Two phases and three people: a note in the first and in a later phase, in a record a
    # third the size of the whole set's (1,000 examples of parsing it were 20 s of the suite).
    clock = FakeClock()
    short = dataclasses.replace(als, phases=als.phases[:2])
    session = Session.new(short, GROUP[:3], "Aisha", clock=clock)
    session.start()
    summary = finished(session, clock, notes={0: note, 1: note}, actions={0: note}, private={0: note})
    assert_structure_holds(render_markdown(summary, include_private=True), summary)


# -- front matter -------------------------------------------------------------------------------


def test_front_matter_for_a_vault(als_session: Session, clock: FakeClock) -> None:
    notes = {0: "drift #formative\nrisk #Normative and #formative", 2: "#wellbeing matters"}
    summary = finished(als_session, clock, notes=notes)
    fields = front_matter(render_markdown(summary))
    assert fields["date"] == datetime.date(2026, 11, 26)  # a YAML date, as vaults want it
    assert fields["format"] == "Action Learning Set"
    assert fields["group_size"] == 6 and fields["group"] == list(GROUP)
    assert fields["length_minutes"] == round(summary.elapsed / 60)
    assert fields["tags"] == ["peercircle", "action-learning-set", "formative", "normative", "wellbeing"]
    assert fields["session"] == summary.id
    assert fields["anonymised"] is False


def test_front_matter_values_are_escaped(als: Format, clock: FakeClock) -> None:
    people = ('Ann "Q" O\'Neil', "Bo\\b", "Cy\u2028Di", "Ed\x85", "[F](http://g.example)")
    session = Session.new(als, people, people[0], clock=clock)
    session.start()
    markdown = render_markdown(finished(session, clock))
    assert front_matter(markdown)["group"] == [
        'Ann "Q" O\'Neil',
        "Bo\\b",
        "Cy Di",
        "Ed",
        "[F](http://g.example)",
    ]


# -- anonymising --------------------------------------------------------------------------------


def test_anonymiser_defaults_are_initials_made_unique_in_order() -> None:
    anon = make_anonymiser(["Ann Smith", "Ben", "Aisha", "Ann Jones", "Bea"], {"bea": "Zed"}, ["Mrs Jones"])
    assert anon.mapping == {
        "Ann Smith": "A.",
        "Ben": "B.",
        "Aisha": "A2.",
        "Ann Jones": "A3.",
        "Bea": "Zed",
        "Mrs Jones": "Person 1",
    }
    assert make_anonymiser(["Ann", "Ben"], {"Ann": "B."}).mapping == {"Ann": "B.", "Ben": "B2."}


SOLO = ("Ann", "James", "O'Neil", "Ben")
PAIRS = ("Ann Smith", "Ben")
HIDE = ("Mrs Jones", "Tom Jones")


@pytest.mark.parametrize(
    ("people", "text", "expected"),
    [
        (SOLO, "Ann said", "A. said"),
        (SOLO, "ANN and ann", "A. and A."),
        (
            SOLO,
            "Ann's plan, Ann’s view, Anns' house, James' turn",
            "A.'s plan, A.’s view, A.'s house, J.' turn",
        ),
        (SOLO, "Annual review, Annie, Banned, Ann-Marie", "Annual review, Annie, Banned, A.-Marie"),
        (SOLO, "O'Neil and O’Neil", "O. and O."),
        (SOLO, "Ben, Benefits, Bench, #ben", "B., Benefits, Bench, #B."),
        (PAIRS, "Ann Smith's case; Smith alone; Ann too", "A.'s case; A. alone; A. too"),
        (PAIRS, "ann  smith across\nlines: Ann\nSmith", "A. across\nlines: A."),
        (PAIRS, "Mrs Jones and her son Tom Jones", "Person 1 and her son Person 2"),
        (PAIRS, "Jones again, Tom, and Mrs alone", "Person 1/Person 2 again, Person 2, and Mrs alone"),
    ],
)
def test_names_are_replaced_as_whole_words(people: tuple[str, ...], text: str, expected: str) -> None:
    assert make_anonymiser(people, extra=HIDE).apply(text) == expected


def test_names_with_special_case_folding_are_replaced() -> None:
    anon = make_anonymiser(["İlker Yılmaz", "Straße", "Ωmega"])
    text = "İlker, İLKER, ilker, Yılmaz, STRASSE, strasse, STRAẞE, ωMEGA"
    assert anon.apply(text) == "İ., İ., İ., İ., S., S., S., Ω."


def test_a_shared_first_name_is_hidden_but_never_misattributed() -> None:
    anon = make_anonymiser(["Ann Smith", "Ann Jones"])
    assert anon.apply("Ann said; Ann Jones said") == "A./A2. said; A2. said"


def test_anonymised_export_has_no_names_anywhere(library: Library, clock: FakeClock) -> None:
    fmt = library.get("action-learning-set")
    assert fmt is not None and fmt.cycle_per_presenter  # step names carry the presenter
    people = ("Aisha", "Ben Ross", "Ciara", "Dev")
    session = Session.new(fmt, people, ("Aisha", "Ben Ross"), clock=clock)
    session.start()
    session.show_card("heron", "Heron", "Ask Dev first")
    session.add_person("Gus")
    steps = len(session.timeline.steps)
    for step in range(steps):
        if step:
            session.next_phase()
        session.write_note(step, "Aisha's idea; ben said ROSS's point; Mrs Jones and Ciara’s view #formative")
        session.write_note(step, "Call Mrs Jones — Ciara — by Friday\nGus to book the room", "action")
        session.write_note(step, "Dev seemed tired", "private")
        clock.advance(30)
        session.next_speaker()
        clock.advance(30)
    session.remove_person("Dev")
    session.end()
    summary = summarise(session)
    anon = make_anonymiser((*summary.people, *summary.joined), {"Ciara": "Cleo"}, ["Mrs Jones"])
    markdown = render_markdown(summary, include_private=True, anonymiser=anon)
    for name in ("Aisha", "Ben", "Ross", "Ciara", "Dev", "Gus", "Jones"):
        assert not re.search(rf"(?<!\w){name}(?!\w)", markdown, re.IGNORECASE), name
    fields = front_matter(markdown)
    assert fields["group"] == ["A.", "B.", "Cleo", "D.", "G."] and fields["anonymised"] is True
    assert "- A. (presenter)\n- B. (presenter)\n- Cleo\n- D. (left early)\n- G. (arrived late)" in markdown
    assert "## 2. Clarifying questions (A.)" in markdown
    assert "Turns: B. 00:30" in markdown or "Turns: Cleo 00:30" in markdown
    assert "A.'s idea; B. said B.'s point; Person 1 and Cleo’s view" in markdown
    assert "- [ ] Call Person 1 — Cleo — by Friday" in markdown
    assert "- [ ] G. to book the room — G. — by when: not set" in markdown
    assert "Cards: Heron: Ask D. first" in markdown
    assert "D. seemed tired" in markdown
    airtime = {
        row.split("|")[1].strip() for row in markdown.split("## Airtime")[1].splitlines() if "█" in row
    }
    assert airtime <= {"A.", "B.", "Cleo", "D. (left)", "G."}
    assert_structure_holds(markdown, summarise_for_headings(summary, anon), proctor_table=True)


def summarise_for_headings(summary: SessionSummary, anon) -> SessionSummary:  # noqa: ANN001
    from peercircle.sessions.records.anonymise import anonymise_summary

    return anonymise_summary(summary, anon)


def test_the_agreement_in_one_line(als: Format, clock: FakeClock) -> None:
    agreement = "# Group agreement\n\nIntro.\n\n## Confidentiality\n- x\n\n## Airtime with Aisha\n- y"
    session = Session.new(als, GROUP, "Aisha", clock=clock, agreement=agreement)
    session.start()
    summary = finished(session, clock)
    assert "\nAgreement: Confidentiality; Airtime with Aisha\n" in render_markdown(summary)
    anon = make_anonymiser(summary.people)
    assert "\nAgreement: Confidentiality; Airtime with A.\n" in render_markdown(summary, anonymiser=anon)


# -- private notes ------------------------------------------------------------------------------


def test_private_notes_out_by_default_in_when_asked(als_session: Session, clock: FakeClock) -> None:
    summary = finished(als_session, clock, notes={0: "shared"}, private={0: "my worry", 4: "second"})
    assert "my worry" not in render_markdown(summary)
    assert "private_notes" not in render_markdown(summary)
    with_private = render_markdown(summary, include_private=True)
    assert with_private.count("**Facilitator's private notes:**") == 2
    assert "my worry" in with_private and "private_notes: true" in with_private
    assert "my worry" not in render_learning_record(summary, "Aisha")


# -- actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "task"),
    [
        ("Call the GP — Ben — by Friday", "Call the GP — Ben — by Friday"),
        ("Call the GP; Ben; next session", "Call the GP — Ben — next session"),
        ("Call the GP - Ben - 3 Dec", "Call the GP — Ben — 3 Dec"),
        ("Call the GP – Ciara", "Call the GP — Ciara — by when: not set"),
        ("Book a follow-up — next week", "Book a follow-up — Aisha — next week"),
        ("Read the policy", "Read the policy — Aisha — by when: not set"),
        ("Ben to read the guidance by Friday", "Ben to read the guidance — Ben — by Friday"),
        ("Dev: phone the school tomorrow", "phone the school — Dev — tomorrow"),
        ("Write it up — we — end of the month", "Write it up — everyone — end of the month"),
        ("Check in — me — asap", "Check in — Aisha — asap"),
        ("- [x] Sent the referral — Ben — today", "Sent the referral — Ben — today"),
    ],
)
def test_actions_become_a_task_list(line: str, task: str, als_session: Session, clock: FakeClock) -> None:
    summary = finished(als_session, clock, actions={0: line})
    markdown = render_markdown(summary)
    box = "[x]" if "[x]" in line else "[ ]"
    assert markdown.split("## Actions\n\n")[1].split("\n")[0] == f"- {box} {task}"


def test_an_action_without_a_who_falls_to_the_steps_presenter(library: Library, clock: FakeClock) -> None:
    fmt = library.get("action-learning-set")
    assert fmt is not None
    session = Session.new(fmt, GROUP, ("Aisha", "Ben"), clock=clock)
    session.start()
    per_cycle = len(fmt.phases)
    session.write_note(0, "Read the guidance", "action")
    for _ in range(per_cycle):
        session.next_phase()
    session.write_note(per_cycle, "Read the guidance", "action")
    session.end()
    markdown = render_markdown(summarise(session))
    assert "- [ ] Read the guidance — Aisha — by when: not set" in markdown
    assert "- [ ] Read the guidance — Ben — by when: not set" in markdown


def test_parse_action_owners() -> None:
    people = ("Aisha", "Ben Ross", "Ciara")
    assert parse_action("Call — Ben and Ciara — Friday", "Aisha", people).owners == ("Ben Ross", "Ciara")
    assert parse_action("Ross to call", "Aisha", people).owners == ("Ben Ross",)
    assert parse_action("Call", None, people).who == ""
    assert parse_action("Read up on attachment theory", "Aisha", people).when == ""
    assert parse_action("[x] Called — Ben — today", "Aisha", people).done
    assert not parse_action("[ ] Call — Ben — today", "Aisha", people).done


def test_no_actions(als_session: Session, clock: FakeClock) -> None:
    assert "## Actions\n\n*No actions recorded.*\n" in render_markdown(finished(als_session, clock))


# -- Proctor's functions ------------------------------------------------------------------------


def test_proctor_balance_counts_tagged_lines(als_session: Session, clock: FakeClock) -> None:
    notes = {
        0: "policy check #normative\nwhat I learned #formative\n#Formative again",
        3: "hard day #restorative #formative\n#formatively is not a tag",
    }
    summary = finished(als_session, clock, notes=notes)
    markdown = render_markdown(summary)
    section = markdown.split("## Proctor's functions\n\n")[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row.split(" | ")[0].strip("| ") for row in rows] == ["Normative", "Formative", "Restorative"]
    assert [row.split(" | ")[2:] for row in rows] == [["1", "20% |"], ["3", "60% |"], ["1", "20% |"]]
    assert_structure_holds(markdown, summary, proctor_table=True)


def test_proctor_balance_with_no_tags(als_session: Session, clock: FakeClock) -> None:
    markdown = render_markdown(finished(als_session, clock, notes={0: "untagged"}))
    assert "## Proctor's functions\n\n*No tagged notes.*" in markdown


def test_hashtags() -> None:
    assert hashtags("#a, #B-c/d #1 x#y &#38; #é (#z)") == ["a", "b-c/d", "é", "z"]


# -- the learning record ------------------------------------------------------------------------


@pytest.fixture
def circle(als_session: Session, clock: FakeClock) -> SessionSummary:
    notes = {
        0: "Aisha: presenting helped me see the drift #formative\nBen: asking before advising helped\n"
        "- ben: Ciara's question about Mrs Jones landed #restorative\nCiara: I learned about genograms\n"
        "General note naming Dev",
        4: "ben : slow down with families\nBenjamin: not Ben's line",
    }
    actions = {
        0: "Call the GP — Aisha — by Friday\nRead the guidance — Ben — next week\nBen to ask Dev about it\n"
        "Visit Mrs Jones — Ciara — tomorrow",
        5: "Write up the learning",
    }
    return finished(als_session, clock, notes=notes, actions=actions, private={0: "Ben seemed low"})


def test_learning_record_holds_only_that_persons_material(circle: SessionSummary) -> None:
    record = render_learning_record(circle, "Ben")
    learned = record.split("## What I learned\n\n")[1].split("\n\n")[0]
    assert learned.splitlines() == [
        "- asking before advising helped",
        "- a colleague's question about Mrs Jones landed #restorative",
        "- slow down with families",
    ]
    will_do = record.split("## What I will do\n\n")[1].split("\n\n")[0]
    assert will_do.splitlines() == [
        "- [ ] Read the guidance — next week",
        "- [ ] Ben to ask a colleague about it — by when: not set",
    ]
    for other in ("Aisha", "Ciara", "Dev", "Eilidh", "Fraser"):
        assert other not in record
    for theirs in ("drift", "genograms", "Call the GP", "Visit", "General note", "seemed low", "Benjamin"):
        assert theirs not in record
    fields = front_matter(record)
    assert fields["person"] == "Ben" and fields["role"] == "took part"
    assert fields["tags"] == ["peercircle", "cpl", "action-learning-set", "restorative"]
    assert "- **My role:** took part as a group member" in record
    assert "## Reflection" in record and "How this will change my practice" in record
    assert {t.type for t in all_tokens(record)}.isdisjoint(FORBIDDEN)
    assert [h for _, h in headings(record)] == [
        "Learning record: Ben, Thursday 26 November 2026",
        "What I learned",
        "What I will do",
        "Reflection",
    ]


def test_presenters_record_gets_the_steps_actions_without_a_who(circle: SessionSummary) -> None:
    record = render_learning_record(circle, "aisha")
    assert "- **My role:** presented a case" in record
    will_do = record.split("## What I will do\n\n")[1].split("\n\n")[0].splitlines()
    assert will_do == ["- [ ] Call the GP — by Friday", "- [ ] Write up the learning — by when: not set"]
    assert "- presenting helped me see the drift #formative" in record


def test_anonymised_learning_record(circle: SessionSummary) -> None:
    anon = make_anonymiser(circle.people, {"Ben": "Bea"}, ["Mrs Jones"])
    record = render_learning_record(circle, "Ben", anon)
    assert "# Learning record: Bea," in record and "Mrs Jones" not in record
    assert "- a colleague's question about Person 1 landed #restorative" in record
    assert not re.search(r"(?<!\w)Ben(?!\w)", record)
    assert front_matter(record)["anonymised"] is True


def test_learning_record_for_someone_not_there(circle: SessionSummary) -> None:
    with pytest.raises(ValueError, match="'Zoe' did not take part in this session"):
        render_learning_record(circle, "Zoe")


def test_learning_record_with_nothing_marked(circle: SessionSummary) -> None:
    record = render_learning_record(circle, "Fraser")
    assert "*No note lines are marked as yours." in record
    assert "*No actions recorded for you.*" in record


# -- file names ---------------------------------------------------------------------------------


def test_export_filenames(circle: SessionSummary) -> None:
    anon = make_anonymiser(circle.people)
    assert export_filename(circle) == "2026-11-26 Action Learning Set.md"
    assert export_filename(circle, anonymised=True) == "2026-11-26 Action Learning Set (anonymised).md"
    assert (
        export_filename(circle, person="Ben") == "2026-11-26 Action Learning Set - learning record (Ben).md"
    )
    assert (
        export_filename(circle, True, "Ben", anon)
        == "2026-11-26 Action Learning Set - learning record (B.).md"
    )
    assert "Ben" not in export_filename(circle, True, "Ben")


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", 'a/b\\c:d*e?f"g<h>i|j', "tab\tnew\nline\x1b[31m", "x" * 400, "...", "émoji 👩‍⚕️"],
)
def test_hostile_format_names_make_safe_file_names(circle: SessionSummary, name: str) -> None:
    import dataclasses

    summary = dataclasses.replace(circle, format_name=name)
    filename = export_filename(summary)
    assert filename.endswith(".md") and filename == export_filename(summary)
    assert not re.search(r'[/\\:*?"<>|\x00-\x1f\x7f]', filename)
    assert len(filename.encode("utf-8")) <= 255
    assert filename.startswith("2026-11-26")


def test_a_session_never_started_still_exports(library: Library) -> None:
    fmt = library.get("check-in-round")
    assert fmt is not None
    summary = summarise(Session.new(fmt, ("Ann", "Bo"), None, clock=FakeClock()))
    markdown = render_markdown(summary, anonymiser=make_anonymiser(summary.people))
    fields = front_matter(markdown)
    assert fields["date"] == datetime.date(2026, 11, 26) and "start" not in fields  # the day it was set up
    assert "# Check-in round, not started" in markdown and "- **Date:** not started" in markdown
    assert export_filename(summary) == "2026-11-26 Check-in round.md"
    assert "# Learning record: Bo, not started" in render_learning_record(summary, "Bo")
