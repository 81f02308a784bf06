"""A countdown drawn five rows tall, for a big window on a projector across the room.

Textual's Digits is three rows tall whatever the window; at 150x45 and up the live screen
swaps it for this, so the time left reads from the back of the room.
"""

from __future__ import annotations

from textual.widgets import Static

# Five rows per glyph; every glyph is five cells wide but the colon (three).
GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("█████", "█   █", "█   █", "█   █", "█████"),
    "1": ("  ██ ", "   █ ", "   █ ", "   █ ", "  ███"),
    "2": ("█████", "    █", "█████", "█    ", "█████"),
    "3": ("█████", "    █", " ████", "    █", "█████"),
    "4": ("█   █", "█   █", "█████", "    █", "    █"),
    "5": ("█████", "█    ", "█████", "    █", "█████"),
    "6": ("█████", "█    ", "█████", "█   █", "█████"),
    "7": ("█████", "    █", "   █ ", "  █  ", "  █  "),
    "8": ("█████", "█   █", "█████", "█   █", "█████"),
    "9": ("█████", "█   █", "█████", "    █", "█████"),
    ":": ("   ", " █ ", "   ", " █ ", "   "),
    "+": ("     ", "  █  ", "█████", "  █  ", "     "),
    " ": ("     ",) * 5,
}


LETTERS: dict[str, tuple[str, ...]] = {
    "A": (" ███ ", "█   █", "█████", "█   █", "█   █"),
    "B": ("████ ", "█   █", "████ ", "█   █", "████ "),
    "C": (" ████", "█    ", "█    ", "█    ", " ████"),
    "D": ("████ ", "█   █", "█   █", "█   █", "████ "),
    "E": ("█████", "█    ", "████ ", "█    ", "█████"),
    "F": ("█████", "█    ", "████ ", "█    ", "█    "),
    "G": (" ████", "█    ", "█  ██", "█   █", " ███ "),
    "H": ("█   █", "█   █", "█████", "█   █", "█   █"),
    "I": ("███", " █ ", " █ ", " █ ", "███"),
    "J": ("  ███", "   █ ", "   █ ", "█  █ ", " ██  "),
    "K": ("█   █", "█  █ ", "███  ", "█  █ ", "█   █"),
    "L": ("█    ", "█    ", "█    ", "█    ", "█████"),
    "M": ("█   █", "██ ██", "█ █ █", "█   █", "█   █"),
    "N": ("█   █", "██  █", "█ █ █", "█  ██", "█   █"),
    "O": (" ███ ", "█   █", "█   █", "█   █", " ███ "),
    "P": ("████ ", "█   █", "████ ", "█    ", "█    "),
    "Q": (" ███ ", "█   █", "█ █ █", "█  █ ", " ██ █"),
    "R": ("████ ", "█   █", "████ ", "█  █ ", "█   █"),
    "S": (" ████", "█    ", " ███ ", "    █", "████ "),
    "T": ("█████", "  █  ", "  █  ", "  █  ", "  █  "),
    "U": ("█   █", "█   █", "█   █", "█   █", " ███ "),
    "V": ("█   █", "█   █", "█   █", " █ █ ", "  █  "),
    "W": ("█   █", "█   █", "█ █ █", "██ ██", "█   █"),
    "X": ("█   █", " █ █ ", "  █  ", " █ █ ", "█   █"),
    "Y": ("█   █", " █ █ ", "  █  ", "  █  ", "  █  "),
    "Z": ("█████", "   █ ", "  █  ", " █   ", "█████"),
    "-": ("     ", "     ", "█████", "     ", "     "),
    "'": (" █ ", " █ ", "   ", "   ", "   "),
    ".": ("  ", "  ", "  ", "  ", "█ "),
}


def big_name(name: str, width: int) -> str | None:
    """``name`` in capitals, five rows tall, or None when it has a letter the font lacks
    or would not fit in ``width`` cells (the caller then shows it as plain text)."""
    found = [GLYPHS[" "] if char == " " else LETTERS.get(char) for char in name.upper()]
    glyphs = [g for g in found if g is not None]
    if not glyphs or len(glyphs) < len(found):
        return None
    if sum(len(g[0]) + 1 for g in glyphs) - 1 > width:
        return None
    return "\n".join(" ".join(g[row] for g in glyphs) for row in range(5))


def big_text(value: str) -> str:
    """``value`` in the five-row font, glyphs one cell apart."""
    glyphs = [GLYPHS.get(char, GLYPHS[" "]) for char in value]
    return "\n".join(" ".join(glyph[row] for glyph in glyphs) for row in range(5))


class BigClock(Static):
    DEFAULT_CSS = """
    BigClock { width: auto; height: 5; }
    """

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(big_text(value), id=id, markup=False)
        self.value = value

    def update(self, value: str = "") -> None:  # type: ignore[override]
        if value != self.value:
            self.value = value
            super().update(big_text(value))
