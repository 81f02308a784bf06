"""Small charts drawn with text: a sparkline, a horizontal bar, a stacked bar and a row of
attendance squares.

Plain functions that return strings, so a screen puts them in its own lines (with its own
colours) and a test reads them as the characters a person sees. Every chart is meant to be
read beside a number, never instead of one: a bar says "more or less", the number says
how much.
"""

from __future__ import annotations

from collections.abc import Sequence

SPARKS = "▁▂▃▄▅▆▇█"
"""Eight heights; the lowest still shows (a share of nearly nothing is not "absent")."""
NO_VALUE = "·"
"""Where there is no value at all (the person was not at that meeting)."""
FULL = "█"
EMPTY = "░"
PRESENT = "■"
ABSENT = "□"
PARTS = "█▓▒"
"""Glyphs for the parts of a stacked bar, told apart without colour (a projector, a
colour-blind reader, a black and white print)."""


def spark(value: float | None, top: float) -> str:
    """One sparkline cell: ``value`` on a scale whose highest cell is ``top``."""
    if value is None:
        return NO_VALUE
    if top <= 0:
        return SPARKS[0]
    level = round(max(0.0, min(value, top)) / top * (len(SPARKS) - 1))
    return SPARKS[level]


def sparkline(values: Sequence[float | None], top: float | None = None, gap: str = "") -> str:
    """A cell per value, ``gap`` between them; ``top`` defaults to the highest value."""
    highest = top if top is not None else max((v for v in values if v is not None), default=0.0)
    return gap.join(spark(v, highest) for v in values)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar ``width`` cells long, filled to ``fraction`` (0..1) in whole cells;
    anything above nothing fills at least one cell, so a small share never looks like none."""
    if width <= 0:
        return ""
    fraction = max(0.0, min(fraction, 1.0))
    filled = round(fraction * width)
    if fraction > 0 and filled == 0:
        filled = 1
    return FULL * filled + EMPTY * (width - filled)


def stacked(counts: Sequence[int], width: int) -> list[tuple[int, str]]:
    """A bar ``width`` cells long split between ``counts`` in proportion: (part index, cells)
    for each part that has any; every part with a count gets at least one cell. Empty when
    all counts are nought (the caller says "none" in words)."""
    total = sum(counts)
    if total <= 0 or width <= 0:
        return []
    present = [i for i, c in enumerate(counts) if c > 0]
    width = max(width, len(present))
    cells = {i: max(1, int(counts[i] / total * width)) for i in present}
    # Largest remainders first, so the cells add up to the width exactly.
    spare = width - sum(cells.values())
    by_remainder = sorted(
        present, key=lambda i: counts[i] / total * width - int(counts[i] / total * width), reverse=True
    )
    while spare > 0:
        for i in by_remainder:
            if spare <= 0:
                break
            cells[i] += 1
            spare -= 1
    while spare < 0:  # the minimum of one cell each overshot: take from the largest
        largest = max(present, key=lambda i: cells[i])
        cells[largest] -= 1
        spare += 1
    return [(i, PARTS[i % len(PARTS)] * cells[i]) for i in present]


def squares(flags: Sequence[bool | None], gap: str = " ") -> str:
    """Attendance: ■ there, □ not there, · not yet a member (or not listed then)."""
    return gap.join(NO_VALUE if f is None else PRESENT if f else ABSENT for f in flags)
