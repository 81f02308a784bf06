"""Format files: the built-ins parse, and mistakes are reported with their line numbers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peercircle.sessions.library.decks import load_decks
from peercircle.sessions.library.format_file import FormatError, load_library, parse_format, render_format
from peercircle.sessions.library.formats import Format, SpeakerMode

GOOD = """# Tiny format

What it is for.

- Source: Somebody (2020)
- Timings: published
- Group size: 3-6
- Presenter: yes

## Tell
- Minutes: 5
- Mode: presenter
- Rule: Say it.
- Protected: yes

## Ask
- Minutes each: 2
- Mode: questions
- Repeat rounds: yes
- Prompt: What else?
- Prompt: Who else?
"""


def test_every_builtin_format_parses_and_names_a_source() -> None:
    library = load_library()
    assert library.errors == ()
    ids = {f.id for f in library.formats}
    assert {"action-learning-set", "check-in-round", "solution-circle"} <= ids
    for fmt in library.formats:
        assert fmt.source, fmt.id
        assert fmt.phases, fmt.id
        assert all(isinstance(p.mode, SpeakerMode) for p in fmt.phases)


def test_builtin_minutes_match_the_catalogue() -> None:
    library = load_library()
    circle = library.get("solution-circle")
    assert circle is not None
    assert [p.minutes for p in circle.phases] == [5, 5, 5, 5, 5]
    assert circle.phases[0].protected
    als = library.get("action-learning-set")
    assert als is not None and als.planned_seconds(6) == 45 * 60


def test_a_good_file_parses_fully() -> None:
    fmt = parse_format(GOOD, "tiny.md")
    assert fmt.id == "tiny"
    assert fmt.name == "Tiny format"
    assert fmt.purpose == "What it is for."
    assert (fmt.group_min, fmt.group_max, fmt.timings) == (3, 6, "published")
    tell, ask = fmt.phases
    assert tell.protected and tell.minutes == 5 and tell.rule == "Say it."
    assert ask.minutes_each == 2 and ask.repeat_rounds
    assert ask.prompts == ("What else?", "Who else?")
    assert fmt.planned_seconds(4) == 5 * 60 + 2 * 60 * 3


@pytest.mark.parametrize(
    ("bad", "good", "line", "words"),
    [
        (
            "- Mode: presenter\n- Rule: Say it.",
            "- Mode: speaking\n- Rule: Say it.",
            12,
            "unknown speaker mode",
        ),
        ("- Minutes: 5\n", "- Minutes: five\n", 11, "not a number"),
        ("- Minutes: 5\n", "- Minutes: 0\n", 11, "more than 0"),
        ("- Minutes: 5\n", "", 10, "has no time"),
        ("- Mode: presenter\n", "", 10, "no speaker mode"),
        ("## Ask", "## Tell", 16, "named twice"),
        ("- Timings: published", "- Timings: roughly", 6, "Timings should be"),
        ("- Group size: 3-6", "- Group size: lots", 7, "Group size should"),
        ("- Protected: yes", "- Protected: maybe", 14, "'yes' or 'no'"),
        ("- Rule: Say it.", "- Colour: blue", 13, "unknown field 'colour'"),
        ("- Source: Somebody (2020)", "- Sauce: Somebody", 5, "unknown field 'sauce'"),
        ("- Prompt: What else?", "- What else", 20, "not 'Key: value'"),
        ("## Ask", "### Ask", 16, "level-3 heading"),
    ],
)
def test_mistakes_are_reported_with_their_line(bad: str, good: str, line: int, words: str) -> None:
    text = GOOD.replace(bad, good, 1)
    with pytest.raises(FormatError) as caught:
        parse_format(text, "tiny.md")
    problems = caught.value.problems
    assert any(p.line == line and words in p.message for p in problems), problems


def test_a_file_without_a_title_or_phases_is_explained() -> None:
    with pytest.raises(FormatError, match="start with '# Format name'"):
        parse_format("just words\n", "x.md")
    with pytest.raises(FormatError, match="no phases"):
        parse_format("# Only a title\n\n- Source: me\n", "x.md")


def test_a_broken_user_format_is_listed_as_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "mine.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.md").write_text("# Broken\n\n## Step\n- Mode: nonsense\n", encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"\xff\xfe\x00bad")
    library = load_library(tmp_path)
    assert library.get("mine") is not None and library.get("mine").origin == "user"
    paths = sorted(Path(e.path).name for e in library.errors)
    assert paths == ["binary.md", "broken.md"]


# -- the library as a whole (issue 6) ----------------------------------------------------

REQUIRED = {
    "action-learning-set",
    "structured-group-supervision",
    "balint-group",
    "incident-method",
    "kollegiale-beratung",
    "solution-circle",
    "troika-consulting",
    "wise-crowds",
    "sf-reflecting-team",
    "reflecting-team",
    "check-in-round",
    "check-out-round",
    "one-two-four-all",
    "what-so-what-now-what",
    "kolb-4x4x4",
    "reflective-learning-model",
    "gibbs-cycle",
    "grow",
    "clear",
}


def test_the_library_holds_every_format_the_issue_names() -> None:
    ids = {f.id for f in load_library().formats}
    assert ids >= REQUIRED, REQUIRED - ids
    assert len(ids) >= 20


@pytest.mark.parametrize("fmt", load_library().formats, ids=lambda f: f.id)
def test_each_builtin_adds_up_to_its_stated_total(fmt: Format) -> None:
    assert fmt.total_minutes is not None and fmt.total_group is not None, "no '- Total:' line"
    assert fmt.group_min <= fmt.total_group <= fmt.group_max
    members = fmt.total_group - (1 if fmt.needs_presenter else 0)
    added = sum(p.planned_seconds(members) for p in fmt.phases) / 60
    assert added == pytest.approx(fmt.total_minutes)
    assert fmt.stated_total_seconds() == pytest.approx(fmt.total_minutes * 60)
    assert fmt.source and fmt.timings in ("published", "suggested")
    assert fmt.roles
    assert not fmt.needs_presenter or "presenter" in [r.lower() for r in fmt.roles]
    assert all(isinstance(p.mode, SpeakerMode) and p.rule for p in fmt.phases)


def test_every_deck_a_builtin_suggests_exists_with_its_card() -> None:
    decks = load_decks()
    assert decks.errors == ()
    suggested = [(f.id, p) for f in load_library().formats for p in f.phases if p.deck]
    assert len(suggested) >= 10
    for fmt_id, phase in suggested:
        deck = decks.get(phase.deck)
        assert deck is not None, (fmt_id, phase.deck)
        assert not phase.card or deck.card(phase.card) is not None, (fmt_id, phase.card)
    questions = load_library().get("action-learning-set").phases[2]
    assert (questions.deck, questions.card.lower()) == ("heron", "catalytic")


def test_the_decks_cover_the_supervision_models() -> None:
    decks = load_decks()
    assert {
        "proctor",
        "heron",
        "seven-eyed",
        "developmental-levels",
        "desc",
        "smart",
        "grow-questions",
        "supervisor-questions",
        "contracting",
        "virtual-supervision",
        "wellbeing",
    } <= set(decks.ids)
    assert [c.title for c in decks.get("proctor").cards][:3] == ["Normative", "Formative", "Restorative"]
    assert len(decks.get("heron").cards) == 6 and len(decks.get("seven-eyed").cards) == 7
    for deck in decks.decks:
        assert deck.source and deck.cards, deck.id
        assert all(card.body or card.prompts for card in deck.cards)


DECKS = {"heron": ["Catalytic", "Supportive"]}


@pytest.mark.parametrize(
    ("bad", "good", "line", "words"),
    [
        ("- Presenter: yes", "- Total: 12 minutes for 4 people\n- Presenter: yes", 8, "add up to 11 minutes"),
        ("- Presenter: yes", "- Total: a while\n- Presenter: yes", 8, "Total should look like"),
        ("- Protected: yes", "- Protected: yes\n- Deck: lenses", 15, "unknown deck 'lenses'"),
        ("- Protected: yes", "- Protected: yes\n- Deck: heron\n- Card: Shouting", 16, "has no card"),
        ("- Protected: yes", "- Protected: yes\n- Card: Catalytic", 15, "needs a Deck"),
        ("- Source: Somebody (2020)\n", "", 1, "no source"),
        ("# Tiny format", "# ", 1, "needs the format's name"),
        ("- Presenter: yes", "- Presenter: perhaps", 8, "'yes' or 'no'"),
    ],
)
def test_more_mistakes_are_reported_with_their_line(bad: str, good: str, line: int, words: str) -> None:
    text = GOOD.replace(bad, good, 1)
    with pytest.raises(FormatError) as caught:
        parse_format(text, "tiny.md", decks=DECKS)
    problems = caught.value.problems
    assert any(p.line == line and words in p.message for p in problems), problems


def test_the_checker_knows_at_least_ten_kinds_of_mistake() -> None:
    kinds = {
        "unknown speaker mode",
        "not a number",
        "more than 0",
        "has no time",
        "no speaker mode",
        "named twice",
        "Timings should be",
        "Group size should",
        "'yes' or 'no'",
        "unknown field",
        "not 'Key: value'",
        "level-3 heading",
        "add up to",
        "unknown deck",
        "has no card",
        "no source",
    }
    assert len(kinds) >= 10


def test_a_good_file_with_the_new_lines_parses() -> None:
    text = GOOD.replace(
        "- Presenter: yes",
        "- Roles: presenter, facilitator\n- Total: 11 minutes for 4 people\n- Presenter: yes",
    ).replace("- Protected: yes", "- Protected: yes\n- Deck: heron\n- Card: catalytic")
    fmt = parse_format(text, "tiny.md", decks=DECKS)
    assert fmt.roles == ("presenter", "facilitator")
    assert (fmt.total_minutes, fmt.total_group) == (11, 4)
    assert (fmt.phases[0].deck, fmt.phases[0].card) == ("heron", "catalytic")


HOSTILE_NAMES = [
    '*Our* #1 | "circle" 🌀 <b>bold</b>',
    "Circle ##",
    "# not a heading",
    "1. Ordered? - Maybe > no",
    "back\\slash \\* star [link](javascript:alert(1)) `code`",
    "مجموعة الإشراف 🌱",
    "=",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_user_format_with_a_hostile_name_round_trips(name: str, tmp_path: Path) -> None:
    base = parse_format(GOOD, "tiny.md")
    phases = (replace(base.phases[0], name=f"{name} (phase)"), base.phases[1])
    fmt = replace(
        base, name=name, phases=phases, purpose=f"- {name}\n1. not a list\n===", origin="user", total_group=4
    )
    path = tmp_path / "mine.md"
    path.write_text(render_format(replace(fmt, id="mine")), encoding="utf-8")
    back = load_library(tmp_path).get("mine")
    assert back is not None, load_library(tmp_path).errors
    assert back.name == name
    assert back.phases[0].name == f"{name} (phase)"
    assert back.purpose == fmt.purpose
    assert back.planned_seconds(4) == fmt.planned_seconds(4)


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
    ).filter(lambda s: s.strip())
)
def test_any_printable_name_round_trips(name: str) -> None:
    name = " ".join(name.split())
    assume(name)
    base = parse_format(GOOD, "tiny.md")
    fmt = replace(base, name=name, origin="user")
    back = parse_format(render_format(fmt), "tiny.md")
    assert back.name == name


def test_every_builtin_round_trips_through_render() -> None:
    for fmt in load_library().formats:
        assert parse_format(render_format(fmt), fmt.path, fmt.origin) == fmt


def test_a_user_format_cannot_take_a_builtin_name(tmp_path: Path) -> None:
    (tmp_path / "copy.md").write_text(GOOD.replace("# Tiny format", "# Balint Group"), encoding="utf-8")
    library = load_library(tmp_path)
    assert library.get("copy") is None
    assert "already used by a built-in format" in str(library.errors[0])


def test_a_group_size_beyond_what_the_app_runs_is_explained() -> None:
    with pytest.raises(FormatError) as caught:
        parse_format(GOOD.replace("- Group size: 3-6", "- Group size: 4-20"), "tiny.md")
    assert any(p.line == 7 and "groups of up to 12" in p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    ("deck", "old", "now"),
    [
        ("smart", "Time-bound", "Timeframe"),
        ("developmental-levels", "level 1: starting out", "Level 1: self-centred"),
        ("developmental-levels", "Level 3: own style", "Level 3: process-centred"),
    ],
)
def test_a_format_naming_a_card_by_its_old_title_still_loads(deck: str, old: str, now: str) -> None:
    from peercircle.sessions.library.format_file import builtin_deck_cards

    text = GOOD.replace("- Protected: yes", f"- Protected: yes\n- Deck: {deck}\n- Card: {old}")
    fmt = parse_format(text, "mine.md", decks=builtin_deck_cards())
    assert (fmt.phases[0].deck, fmt.phases[0].card) == (deck, now)


def test_an_own_deck_that_keeps_the_old_title_keeps_its_own_card() -> None:
    text = GOOD.replace("- Protected: yes", "- Protected: yes\n- Deck: smart\n- Card: Time-bound")
    fmt = parse_format(text, "mine.md", decks={"smart": ["Time-bound", "Specific"]})
    assert fmt.phases[0].card == "Time-bound"
