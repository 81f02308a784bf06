"""Everyone present, by number, wrapped onto as many lines as the width needs.

A person's number and name are one cell that never breaks, so a number is never left at
the end of one line with its name on the next; a name wider than the whole line is cut
with an ellipsis, never silently. The speaker's cell is drawn reversed (and marked with
arrows, so it reads without colour).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content, Span
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

GAP = "  "


@dataclass(frozen=True)
class RosterEntry:
    number: int
    name: str
    presenter: bool = False
    speaking: bool = False

    @property
    def label(self) -> str:
        text = f"{self.number} {self.name}" + (" (P)" if self.presenter else "")
        return f"▸{text}◂" if self.speaking else f" {text} "


def cut(label: str, width: int) -> str:
    """``label`` cut to ``width`` cells with an ellipsis when it is wider."""
    if cell_len(label) <= width:
        return label
    out = ""
    for char in label:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out + "…"


Cell = tuple[str, RosterEntry]
"""A label as drawn (cut to the width if need be) and the entry it names."""


def _pack_cells(cells: list[Cell], width: int) -> list[list[Cell]]:
    """Cells packed greedily into lines no wider than ``width``."""
    lines: list[list[Cell]] = []
    used = 0
    for label, entry in cells:
        size = cell_len(label)
        if lines and used + len(GAP) + size <= width:
            lines[-1].append((label, entry))
            used += len(GAP) + size
        else:
            lines.append([(label, entry)])
            used = size
    return lines


def pack(entries: tuple[RosterEntry, ...], width: int) -> list[list[Cell]]:
    """Everyone's cells packed greedily into lines no wider than ``width``."""
    return _pack_cells([(cut(entry.label, max(1, width)), entry) for entry in entries], width)


def fit_lines(entries: tuple[RosterEntry, ...], width: int, height: int) -> list[list[Cell]]:
    """The packed lines, and when they need more than ``height`` rows, as many people as fit
    with a last cell "+N more (g)": nobody drops off the roster without a word."""
    lines = pack(entries, width)
    if height <= 0 or len(lines) <= height:
        return lines
    cells = [cell for line in lines for cell in line]
    for shown in range(len(cells) - 1, -1, -1):
        more = f"+{len(entries) - shown} more (g)"
        packed = _pack_cells([*cells[:shown], (cut(more, max(1, width)), RosterEntry(0, more))], width)
        if len(packed) <= height:
            return packed
    return lines[:height]


def roster_lines(entries: tuple[RosterEntry, ...], width: int, height: int = 0) -> list[str]:
    """The roster as plain text lines at ``width`` (what the screen shows, without style)."""
    return [GAP.join(label for label, _ in line) for line in fit_lines(entries, width, height)]


class Roster(Widget):
    DEFAULT_CSS = """
    Roster { height: auto; width: 1fr; }
    """

    entries: reactive[tuple[RosterEntry, ...]] = reactive((), layout=True)

    def render(self) -> RenderResult:
        text = ""
        spans: list[Span] = []
        width, height = self.content_size
        for number, line in enumerate(fit_lines(self.entries, width, height)):
            if number:
                text += "\n"
            for place, (label, entry) in enumerate(line):
                if place:
                    text += GAP
                if entry.speaking:
                    spans.append(Span(len(text), len(text) + len(label), "reverse bold"))
                text += label
        return Content(text, spans)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(pack(self.entries, width)))

    @property
    def plain(self) -> str:
        width, height = self.content_size
        return "\n".join(roster_lines(self.entries, width or 80, height))
