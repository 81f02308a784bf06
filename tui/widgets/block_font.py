"""A five-by-five block font drawn at any scale with half-block characters.

A terminal cell is about twice as tall as it is wide, so a half cell is close to a square
pixel. Each font pixel becomes ``kx`` columns by ``ky`` half-rows, which lets a countdown
or a name grow smoothly with the window: 3, 5, 8, 10, 13, 15 rows tall and more, instead
of the single three-row size of Textual's Digits. Pure functions, so they are tested
without a screen.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

GLYPH_ROWS = 5
"""Every glyph is five font pixels tall."""

GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("#####", "#   #", "#   #", "#   #", "#####"),
    "1": ("  ## ", "   # ", "   # ", "   # ", "  ###"),
    "2": ("#####", "    #", "#####", "#    ", "#####"),
    "3": ("#####", "    #", " ####", "    #", "#####"),
    "4": ("#   #", "#   #", "#####", "    #", "    #"),
    "5": ("#####", "#    ", "#####", "    #", "#####"),
    "6": ("#####", "#    ", "#####", "#   #", "#####"),
    "7": ("#####", "    #", "   # ", "  #  ", "  #  "),
    "8": ("#####", "#   #", "#####", "#   #", "#####"),
    "9": ("#####", "#   #", "#####", "    #", "#####"),
    ":": ("   ", " # ", "   ", " # ", "   "),
    "+": ("     ", "  #  ", "#####", "  #  ", "     "),
    "-": ("     ", "     ", "#####", "     ", "     "),
    " ": ("   ",) * 5,
    "A": (" ### ", "#   #", "#####", "#   #", "#   #"),
    "B": ("#### ", "#   #", "#### ", "#   #", "#### "),
    "C": (" ####", "#    ", "#    ", "#    ", " ####"),
    "D": ("#### ", "#   #", "#   #", "#   #", "#### "),
    "E": ("#####", "#    ", "#### ", "#    ", "#####"),
    "F": ("#####", "#    ", "#### ", "#    ", "#    "),
    "G": (" ####", "#    ", "#  ##", "#   #", " ### "),
    "H": ("#   #", "#   #", "#####", "#   #", "#   #"),
    "I": ("###", " # ", " # ", " # ", "###"),
    "J": ("  ###", "   # ", "   # ", "#  # ", " ##  "),
    "K": ("#   #", "#  # ", "###  ", "#  # ", "#   #"),
    "L": ("#    ", "#    ", "#    ", "#    ", "#####"),
    "M": ("#   #", "## ##", "# # #", "#   #", "#   #"),
    "N": ("#   #", "##  #", "# # #", "#  ##", "#   #"),
    "O": (" ### ", "#   #", "#   #", "#   #", " ### "),
    "P": ("#### ", "#   #", "#### ", "#    ", "#    "),
    "Q": (" ### ", "#   #", "# # #", "#  # ", " ## #"),
    "R": ("#### ", "#   #", "#### ", "#  # ", "#   #"),
    "S": (" ####", "#    ", " ### ", "    #", "#### "),
    "T": ("#####", "  #  ", "  #  ", "  #  ", "  #  "),
    "U": ("#   #", "#   #", "#   #", "#   #", " ### "),
    "V": ("#   #", "#   #", "#   #", " # # ", "  #  "),
    "W": ("#   #", "#   #", "# # #", "## ##", "#   #"),
    "X": ("#   #", " # # ", "  #  ", " # # ", "#   #"),
    "Y": ("#   #", " # # ", "  #  ", "  #  ", "  #  "),
    "Z": ("#####", "   # ", "  #  ", " #   ", "#####"),
    "'": ("#", "#", " ", " ", " "),
    ".": (" ", " ", " ", " ", "#"),
    ",": ("  ", "  ", "  ", " #", "# "),
    "·": ("   ", "   ", " # ", "   ", "   "),
    "(": (" #", "# ", "# ", "# ", " #"),
    ")": ("# ", " #", " #", " #", "# "),
}

# Two font pixels stacked in one cell: (top, bottom) -> character.
HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


@dataclass(frozen=True)
class Scale:
    """Each font pixel becomes ``kx`` columns wide and ``ky`` half-rows tall."""

    kx: int
    ky: int

    @property
    def rows(self) -> int:
        """Rows of one line of text."""
        return math.ceil(GLYPH_ROWS * self.ky / 2)


def drawable(text: str) -> bool:
    """Whether the font has every character of ``text`` (in capitals)."""
    return bool(text.strip()) and all(char in GLYPHS for char in text.upper())


def pixel_width(text: str) -> int:
    """Width in font pixels: the glyphs and a one-pixel gap between neighbours."""
    glyphs = [GLYPHS[char] for char in text.upper()]
    return sum(len(g[0]) for g in glyphs) + max(0, len(glyphs) - 1)


def draw(text: str, scale: Scale) -> list[str]:
    """``text`` (one line, characters the font has) as ``scale.rows`` rows of cells."""
    # Each glyph is drawn once per scale: a countdown's next second is the same few glyphs
    # put side by side again, a gap of ``kx`` blank columns between two.
    glyphs = [_glyph_cells(char, scale) for char in text.upper()]
    if not glyphs:
        return [""] * scale.rows
    gap = " " * scale.kx
    return [gap.join(row).rstrip() for row in zip(*glyphs, strict=True)]


@lru_cache(maxsize=256)
def _glyph_cells(char: str, scale: Scale) -> tuple[str, ...]:
    """One glyph (a character the font has, in capitals) at ``scale``, as rows of cells,
    every row as wide as the glyph (blank cells kept, so glyphs line up side by side)."""
    pixel_rows: list[list[bool]] = []
    for font_row in GLYPHS[char]:
        row = [pixel == "#" for pixel in font_row for _ in range(scale.kx)]
        pixel_rows.extend(list(row) for _ in range(scale.ky))
    if len(pixel_rows) % 2:
        pixel_rows.append([False] * len(pixel_rows[0]))
    return tuple(
        "".join(HALF_BLOCKS[pair] for pair in zip(top, bottom, strict=True))
        for top, bottom in zip(pixel_rows[::2], pixel_rows[1::2], strict=True)
    )


def scales(max_rows: int) -> Iterator[Scale]:
    """Every scale up to ``max_rows`` rows tall, largest first; for each height the
    widest shape first (digits about 3:5), then narrower ones that still read well.

    Above the smallest size only even ``ky`` is used: a font pixel then covers whole
    rows, so strokes are even; an odd one leaves half-rows that read as ragged edges."""
    for ky in range(max(0, 2 * max_rows // GLYPH_ROWS), 0, -1):
        if ky > 1 and ky % 2:
            continue
        widest = max(1, round(ky * 0.6))
        narrowest = max(1, math.ceil(ky * 0.34))
        for kx in range(widest, narrowest - 1, -1):
            yield Scale(kx, ky)


def wrap_words(text: str, limit: int, scale: Scale, max_lines: int) -> list[str] | None:
    """Words packed greedily into lines no wider than ``limit`` cells at ``scale``, or None
    when that takes more than ``max_lines`` lines or a word is wider than the limit."""
    lines: list[str] = []
    for word in text.split():
        if pixel_width(word) * scale.kx > limit:
            return None
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and pixel_width(candidate) * scale.kx <= limit:
            lines[-1] = candidate
        else:
            lines.append(word)
        if len(lines) > max_lines:
            return None
    return lines or None


@dataclass(frozen=True)
class Fitted:
    """Text laid out in the block font: its rows of cells and the scale used."""

    rows: list[str]
    scale: Scale
    lines: int


LINE_GAP = 1
"""Blank rows between two lines of block text."""


def fit(
    text: str,
    width: int,
    height: int,
    *,
    max_lines: int = 1,
    min_rows: int = 3,
    max_rows: int = 40,
    line_rows: int | None = None,
) -> Fitted | None:
    """``text`` drawn as large as it fits in ``width`` x ``height`` cells, wrapped onto at most
    ``max_lines`` lines, each at least ``min_rows`` (and at most ``line_rows``) rows tall;
    None when it cannot be (too small a space, or a character the font lacks): the caller
    then shows plain text."""
    text = " ".join(text.split())
    if not drawable(text) or width <= 0:
        return None
    for scale in scales(min(height, max_rows, line_rows or max_rows)):
        if scale.rows < min_rows:
            break
        lines = wrap_words(text, width, scale, max_lines)
        if lines is None:
            continue
        total = len(lines) * scale.rows + (len(lines) - 1) * LINE_GAP
        if total > height:
            continue
        rows: list[str] = []
        for number, line in enumerate(lines):
            if number:
                rows.extend([""] * LINE_GAP)
            rows.extend(draw(line, scale))
        return Fitted(rows, scale, len(lines))
    return None
