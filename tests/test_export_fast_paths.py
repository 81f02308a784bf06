"""The export's fast paths say exactly what the plain ones said.

Escaping note text and finding hashtags were rewritten for speed (issue 14: ``export --all``
of 1,000 sessions). Each test here keeps the plain version as it was and checks, on text
made of the pieces that trip Markdown up (schemes, "//", dots before letters, "#" after
every kind of character, letters that match ASCII only when case is ignored, accents typed
apart), that the fast version gives the same text, character for character.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from peercircle.sessions.records import export

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


@given(hostile_text, st.booleans())
def test_escaping_a_line_is_what_it_was(line: str, heading: bool) -> None:
    escapes = export._HEADING_ESCAPES if heading else export._ESCAPES
    assert export._literal(line, escapes) == plain_literal(line, heading)


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
