"""Text that grows to fill the space it is given: a countdown or a name read across a room.

The widget draws its text in the block font at the largest scale that fits its box (wrapped
onto ``max_lines`` lines at most). When nothing fits, a countdown falls back to Textual's
three-row digits and anything else to one plain bold line, so the words are always there.
How tall it may grow is the stylesheet's business (``max-height`` per breakpoint); the
widget only fits itself to the box it gets.
"""

from __future__ import annotations

from functools import lru_cache

from rich.align import Align
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.renderables.digits import Digits as DigitsRenderable
from textual.widget import Widget

from peercircle.tui.widgets.block_font import Fitted, fit

DIGIT_CHARACTERS = set("0123456789:+- ")


def clamp(content: Content, width: int, rows: int) -> Content:
    """``content`` wrapped to ``width``; when it needs more than ``rows`` lines, the first
    ``rows`` of them with the last ending in an ellipsis. A box whose max-height cuts off
    wrapped text otherwise drops the rest without a word (a rule, who is next)."""
    if width <= 0 or rows <= 0:
        return content
    lines = content.wrap(width)
    if len(lines) <= rows:
        return content
    kept = [line.rstrip() for line in lines[:rows]]
    kept[-1] = kept[-1].truncate(width - 1).rstrip() + Content("…")
    return Content("\n").join(kept)


@lru_cache(maxsize=512)
def _fit(
    text: str, width: int, height: int, max_lines: int, min_rows: int, line_rows: int | None
) -> Fitted | None:
    # Layout and drawing both ask, four times a second, for the same text at the same size.
    return fit(text, width, height, max_lines=max_lines, min_rows=min_rows, line_rows=line_rows)


class BigText(Widget):
    DEFAULT_CSS = """
    BigText { height: auto; width: 1fr; text-style: bold; }
    """

    text: reactive[str] = reactive("")

    def __init__(
        self,
        text: str = "",
        *,
        max_lines: int = 1,
        min_rows: int = 3,
        max_rows: int = 40,
        line_rows: int | None = None,
        digits: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.max_lines = max_lines
        self.min_rows = min_rows
        self.max_rows = max_rows
        self.line_rows = line_rows
        """The tallest a line may be drawn (a subtitle stays smaller than the countdown)."""
        self.digits = digits
        """A countdown: below the block font's smallest size, use Textual's 3-row digits."""
        self.set_reactive(BigText.text, text)

    def watch_text(self, old: str, new: str) -> None:
        # A box whose size the stylesheet fixes (the countdown's 1fr) only needs a repaint
        # when its text changes, once a second; a new layout of the whole screen each
        # second doubled the idle CPU. Text that sizes its own box asks for a layout.
        sized_by_text = self.styles.height is None or self.styles.height.is_auto
        self.refresh(layout=sized_by_text and old != new)

    def fitted(self, width: int | None = None, height: int | None = None) -> Fitted | None:
        """The block-font layout for the content box (or the given size)."""
        width = self.content_size.width if width is None else width
        height = self.content_size.height if height is None else height
        return _fit(
            self.text, width, min(height, self.max_rows), self.max_lines, self.min_rows, self.line_rows
        )

    def _digits_fit(self, width: int, height: int) -> bool:
        return (
            self.digits
            and height >= 3
            and set(self.text) <= DIGIT_CHARACTERS
            and DigitsRenderable.get_width(self.text) <= width
        )

    @property
    def drawn_rows(self) -> int:
        """How many rows tall the characters are drawn right now (1: plain text)."""
        width, height = self.content_size
        found = self.fitted()
        if found is not None:
            return found.scale.rows
        return 3 if self._digits_fit(width, height) else 1

    def render(self) -> RenderResult:
        width, height = self.content_size
        found = self.fitted()
        align = self.styles.text_align
        if found is not None:
            if align in ("center", "right"):
                widest = max(len(row) for row in found.rows)
                pad = (width - widest) // (2 if align == "center" else 1)
                return Content("\n".join(" " * pad + row for row in found.rows))
            return Content("\n".join(found.rows))
        if self._digits_fit(width, height):
            digits = DigitsRenderable(self.text, self.rich_style)
            return Align(digits, "center" if align == "center" else "left")
        return clamp(Content(self.text), width, height)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The natural height at this width within the stylesheet's max-height, which sets
        # how tall the text may grow at each window size.
        limit = self.max_rows
        max_height = self.styles.max_height
        if max_height is not None and max_height.is_cells:
            limit = min(limit, int(max_height.value))
        found = self.fitted(width, limit)
        if found is not None:
            return len(found.rows)
        if self.digits and set(self.text) <= DIGIT_CHARACTERS:
            return 3
        # Textual passes its styles as the rules map in the same call (Widget.get_content_height).
        return Content(self.text).get_height(self.styles, width)  # type: ignore[arg-type]
