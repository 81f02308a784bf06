"""Text folded the way people type names on any keyboard: "Siobhán" typed "Siobhan",
"Zoë" pasted from a Mac as "Zoe" plus a combining diaeresis, "Bjørn" typed "Bjorn".

Anonymising and finding whose a note line or an action is both match names in folded text,
so a name typed without its accent is still that person's, and still hidden.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that carry no accent to strip but are written without it by people who lack the
# key: "Bjørn" typed "Bjorn", "Łukasz" typed "Lukasz".
_PLAIN_LETTERS = {
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss", "ẞ": "SS", "ı": "i",
    "’": "'", "‘": "'", "ʼ": "'",
}  # fmt: skip


@functools.lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character as people type it on any keyboard: accents and other combining marks
    gone ("á" and "a" + U+0301 both give "a"), compatibility forms made plain ("Ａ" is
    "A"), a curly apostrophe straight."""
    if char in _PLAIN_LETTERS:
        return _PLAIN_LETTERS[char]
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """``text`` with accents and combining marks taken off (see :func:`fold_char`)."""
    if text.isascii():
        return text
    return "".join(fold_char(c) for c in text)


def folded_with_positions(text: str) -> tuple[str, list[int] | None]:
    """The folded text, and for each of its characters the position in ``text`` it came
    from (``None`` when folding changed nothing), so a match is replaced in the original."""
    if text.isascii():
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = fold_char(char)
        pieces.append(folded)
        origin.extend([i] * len(folded))
    return "".join(pieces), origin


def original_end(text: str, origin: list[int] | None, folded_end: int) -> int:
    """Where in ``text`` a match ending at ``folded_end`` of its folded form ends: a
    character that folded into several, or a letter with accents typed after it, whole."""
    if origin is None or folded_end == 0:
        return folded_end
    pos = origin[folded_end - 1] + 1
    while pos < len(text) and not fold_char(text[pos]):  # accents typed after the letter
        pos += 1
    return pos


def match_at_start(pattern: re.Pattern[str], text: str) -> int | None:
    """Where in ``text`` a match of ``pattern`` (written for folded text) at its very start
    ends, or ``None``: the end is given in ``text``'s own positions."""
    folded, origin = folded_with_positions(text)
    match = pattern.match(folded)
    return None if match is None else original_end(text, origin, match.end())
