"""The export's fast paths say exactly what the plain ones said.

Escaping note text, finding hashtags, finding names in action lines and sharing out the
airtime were rewritten for speed (issue 14: ``export --all``
of 1,000 sessions). Each test here keeps the plain version as it was and checks, on text
made of the pieces that trip Markdown up (schemes, "//", dots before letters, "#" after
every kind of character, letters that match ASCII only when case is ignored, accents typed
apart), that the fast version gives the same text, character for character.
"""

from __future__ import annotations

import re
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from peercircle.sessions.records import export
from peercircle.sessions.records.actions import _names, name_forms, people_named, starts_with_person
from peercircle.sessions.records.folding import fold, match_at_start
from peercircle.sessions.records.summary import airtime_shares

# -- the plain versions, as they were before the rewrite --------------------------------------

_PLAIN_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "~": "\\~",
        "[": "\\[",
        "]": "\\]",
        "|": "\\|",
        "&": "&amp;",
        "<": "&lt;",
    }
)
_PLAIN_HEADING_ESCAPES = {**_PLAIN_ESCAPES, ord("#"): "\\#"}
_PLAIN_LINKISH = re.compile(r"(?i)\b(https?|ftp|mailto)(:)|(?<=/)(/)|(?<=\S)(\.)(?=[^\W\d_])")
_PLAIN_HASHTAG = re.compile(r"(?<![\w&#/\\])#([^\W\d][\w/-]*)")


def _plain_defuse(match: re.Match[str]) -> str:
    return (match[1] or "") + "\\" + (match[2] or match[3] or match[4])


def plain_literal(line: str, heading: bool = False) -> str:
    line = _PLAIN_LINKISH.sub(
        _plain_defuse, line.translate(_PLAIN_HEADING_ESCAPES if heading else _PLAIN_ESCAPES)
    )
    if line[:1] in export._BLOCK_STARTS:
        return export._ORDERED_MARK.sub(r"\1\\\2", export._BLOCK_MARK.sub(r"\\\1", line))
    return line


def plain_hashtags(text: str) -> list[str]:
    found = (m.group(1).rstrip("/-").lower() for m in _PLAIN_HASHTAG.finditer(export.clean_text(text)))
    return list(dict.fromkeys(tag for tag in found if tag))


# -- text that trips Markdown up --------------------------------------------------------------

PIECES = (
    *("http:", "HTTPS:", "hTtP", "ftp:", "mailto:", "MailTo", "s:", ":", "//", "/", ".", ". ", "..", "www."),
    *("a.b", "x.ORG", "¬.", ".1", "._", "#", "##", "C#", "&#", "\\#", "/#", "#1", "#_x", "#tag", "#a/b-"),
    *("\\", "`", "*", "_", "~", "[", "]", "|", "&", "<", ">", "&amp;", "-", "+", "=", "1.", "12)", " "),
    # Letters the regex engine matches to ASCII when case is ignored: long s, Kelvin, dotted I.
    *("ſ", "httpſ:", "K", "İ", "ı", "é", "e\u0301", "Ø", "مرحبا", "👩‍⚕️", "\u00a0", "\t", "_1", "x"),
)
hostile_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(exclude_categories=("Cs",))), max_size=40
).map("".join)


@settings(max_examples=300)  # several hundred hostile texts each: the suite runs often
@given(hostile_text, st.booleans())
def test_escaping_a_line_is_what_it_was(line: str, heading: bool) -> None:
    escapes = export._HEADING_ESCAPES if heading else export._ESCAPES
    assert export._literal(line, escapes) == plain_literal(line, heading)


@settings(max_examples=300)  # several hundred hostile texts each: the suite runs often
@given(hostile_text)
def test_hashtags_are_what_they_were(text: str) -> None:
    assert export.hashtags(text) == plain_hashtags(text)


def test_the_pieces_that_matter_are_escaped_as_before() -> None:
    """Examples worked out by hand, so the property above is known to look at them."""
    line = "see http://a.example/x//y, MAILTO:b, ſ.ORG, C# & <b> [l](u) 1. end."
    assert export._literal(line) == plain_literal(line)
    assert export._literal(line) == (
        "see http\\:/\\/a\\.example/x/\\/y, MAILTO\\:b, ſ\\.ORG, C# &amp; &lt;b> \\[l\\](u) 1. end."
    )
    assert export.hashtags("#One C#two &#x #three/ /#four \\#five ##six #7 #Ünï") == ["one", "three", "ünï"]


# -- who an action line names ------------------------------------------------------------------


def plain_people_named(text: str, people: tuple[str, ...]) -> tuple[str, ...]:
    plain = fold(text)
    return tuple(p for p in people if any(_names(f).search(plain) for f in name_forms(p, people)))


def plain_starts_with_person(text: str, people: tuple[str, ...]) -> tuple[str | None, str, bool]:
    best: tuple[tuple[bool, int, bool], str, int, int] | None = None
    for person in people:
        for form in name_forms(person, people):
            end = match_at_start(_names(form), text)
            if end is None:
                continue
            label = re.match(r"\s*:\s*", text[end:])
            rank = (label is not None, end, text[:end].casefold() == form.casefold())
            if best is None or rank > best[0]:
                best = (rank, person, end, end + label.end() if label else 0)
    if best is None:
        return None, text, False
    _, person, _, label_end = best
    return person, text[label_end:] if label_end else text, bool(label_end)


NAMES = (
    "Ann",
    "Ann Smith",
    "Zoë",
    "Zoe",
    "Seán",
    "Siobhán Kelly",
    "Mary-Jane Brown",
    "Bjørn",
    "Will",
    "Ø",
    "Ed",
)
group = st.lists(st.sampled_from(NAMES), min_size=1, max_size=6, unique=True).map(tuple)
said = st.lists(
    st.one_of(
        st.sampled_from(NAMES),
        st.sampled_from(
            ("ANN", "ann's", "Zoe\u0308", "Sean", "Smith", "Bjorn", "Annual", ": ", " ", "_", "2")
        ),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300)  # several hundred hostile texts each: the suite runs often
@given(said, group)
def test_who_a_line_names_is_what_it_was(text: str, people: tuple[str, ...]) -> None:
    assert people_named(text, people) == plain_people_named(text, people)
    assert starts_with_person(text, people) == plain_starts_with_person(text, people)


# -- shares of the airtime ---------------------------------------------------------------------


def plain_airtime_shares(airtime: dict[str, float]) -> dict[str, int]:
    seconds = {person: Fraction(max(0.0, value)) for person, value in airtime.items()}
    total = sum(seconds.values())
    if total <= 0:
        return dict.fromkeys(airtime, 0)
    exact = {person: value * 100 / total for person, value in seconds.items()}
    shares = {person: int(value) for person, value in exact.items()}
    order = sorted(
        enumerate(exact), key=lambda item: (-(exact[item[1]] - shares[item[1]]), -seconds[item[1]], item[0])
    )
    for _, person in order[: 100 - sum(shares.values())]:
        shares[person] += 1
    return shares


seconds_held = st.one_of(
    st.floats(min_value=-1, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.sampled_from((0.0, 1e-9, 20.0, 1 / 3, 0.1, 0.2, 0.30000000000000004, 5e-324)),
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=12),  # small counts tie often, as tagged lines do
)


@settings(max_examples=300)  # several hundred hostile texts each: the suite runs often
@given(st.dictionaries(st.text(max_size=3), seconds_held, max_size=13))
@example({"a": 1.0, "b": 3.0, "c": 196.0})  # a tie of remainders: the point goes to the longer (b)
def test_airtime_shares_are_what_they_were(airtime: dict[str, float]) -> None:
    assert airtime_shares(airtime) == plain_airtime_shares(airtime)


def test_a_tie_of_remainders_goes_to_the_longer_airtime() -> None:
    # 0.5 + 1.5 + 98: one point is left, and a and b are as far from their next point.
    assert airtime_shares({"a": 1.0, "b": 3.0, "c": 196.0}) == {"a": 0, "b": 2, "c": 98}


# -- front matter ------------------------------------------------------------------------------

_PLAIN_YAML_UNSAFE = re.compile(
    r"[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)


def test_yaml_escapes_the_same_characters_as_before() -> None:
    """Every character there is, once: the set written out is the set written as "all but"."""
    every = "".join(map(chr, range(0x110000)))
    found = [m.start() for m in export._YAML_UNSAFE.finditer(every)]
    assert found == [m.start() for m in _PLAIN_YAML_UNSAFE.finditer(every)]
    # C0 but tab and newline, DEL and C1, surrogates, U+FFFE and U+FFFF, U+2028, U+2029, U+FEFF.
    assert len(found) == 30 + 33 + 2048 + 2 + 3
