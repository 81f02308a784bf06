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


def pack(entries: tuple[RosterEntry, ...], width: int) -> list[list[tuple[str, RosterEntry]]]:
    """Cells packed greedily into lines no wider than ``width``."""
    lines: list[list[tuple[str, RosterEntry]]] = []
    used = 0
    for entry in entries:
        label = cut(entry.label, max(1, width))
        size = cell_len(label)
        if lines and used + len(GAP) + size <= width:
            lines[-1].append((label, entry))
            used += len(GAP) + size
        else:
            lines.append([(label, entry)])
            used = size
    return lines


def fit_lines(
    entries: tuple[RosterEntry, ...], width: int, height: int
) -> list[list[tuple[str, RosterEntry]]]:
    """The packed lines, and when they need more than ``height`` rows, as many as fit with
    the last one ending in "+N more (g)": nobody drops off the roster without a word."""
    lines = pack(entries, width)
    if height <= 0 or len(lines) <= height:
        return lines
    for shown in range(sum(len(line) for line in lines[:height]), -1, -1):
        more = f"+{len(entries) - shown} more (g)"
        kept = pack(entries[:shown], width) if shown else []
        if len(kept) < height or (
            len(kept) == height and cell_len(GAP.join(label for label, _ in kept[-1]) + GAP + more) <= width
        ):
            return (
                [*kept, [(more, RosterEntry(0, more))]]
                if len(kept) < height
                else [
                    *kept[:-1],
                    [*kept[-1], (more, RosterEntry(0, more))],
                ]
            )
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
