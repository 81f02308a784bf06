"""Format files: the built-ins parse, and mistakes are reported with their line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sessions.format_file import FormatError, load_library, parse_format
from sessions.formats import SpeakerMode

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
