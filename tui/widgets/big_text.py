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
from rich.segment import Segment
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Region, Size
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from peercircle.tui.widgets.block_font import GLYPHS, Fitted, fit

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
    # Layout and drawing both ask for the same text at the same size, and a countdown's
    # next second is worked out once, when its text changes (to find the cells it changes).
    return fit(text, width, height, max_lines=max_lines, min_rows=min_rows, line_rows=line_rows)


def _glyph_span(old: str, new: str, fitted: Fitted) -> tuple[int, int] | None:
    """The columns (from, to) of the characters of ``new`` that differ from ``old``'s, both
    drawn on one line at ``fitted``'s scale, when each character sits where the other's
    did (same length, no spaces, and each changed glyph as wide as the one it replaces);
    None otherwise."""
    old, new = old.upper(), new.upper()  # as the font draws them
    if len(old) != len(new) or len(old.split()) != 1 or len(new.split()) != 1:
        return None
    kx = fitted.scale.kx
    x, left, right = 0, -1, -1
    for was, now in zip(old, new, strict=True):
        wide = len(GLYPHS[was][0])
        if was != now:
            if len(GLYPHS[now][0]) != wide:
                return None
            left = x if left < 0 else left
            right = x + wide * kx
        x += (wide + 1) * kx
    return (left, right) if left >= 0 else (0, 0)


def _common_prefix(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` (as long as each other, not equal) share at the
    start; found by halving, each step one comparison of two slices."""
    same, differs = 0, len(a)  # a[:same] == b[:same], a[:differs] != b[:differs]
    while differs - same > 1:
        middle = (same + differs) // 2
        if a[:middle] == b[:middle]:
            same = middle
        else:
            differs = middle
    return same


@lru_cache(maxsize=256)
def _row_strip(row: str, y: int, style: Style) -> Strip:
    """One row of block characters at line ``y``, as Textual would make it of the Content
    (one segment, the offset for selection in its meta). The same row on the same line
    (the unchanged rows of a countdown) is the same strip, with its caches."""
    return Strip([Segment(row, style.rich_style_with_offset(0, y))], len(row))


class BigText(Widget):
    DEFAULT_CSS = """
    BigText { height: auto; width: 1fr; text-style: bold; }
    """

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
        self._text = text

    @property
    def text(self) -> str:
        """What is shown."""
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        # A plain property, not a reactive: the countdown's text is set every second, and
        # this asks for the repaint itself (of only the cells that change).
        old = self._text
        if text == old:
            return
        self._text = text
        if self.is_mounted:
            self._text_changed(old, text)

    def _text_changed(self, old: str, new: str) -> None:
        # A box whose size the stylesheet fixes (the countdown's 1fr) only needs a repaint
        # when its text changes, once a second; a new layout of the whole screen each
        # second doubled the idle CPU. Text that sizes its own box asks for a layout.
        sized_by_text = self.styles.height is None or self.styles.height.is_auto
        if sized_by_text:
            self.refresh(layout=True)
            return
        # Only the cells whose characters change are repainted: from 12:34 to 12:33, the
        # last digit's columns. The rest of the screen is not composed and sent again.
        changed = self._changed_region(old, new)
        if changed is None:
            self.refresh()
        elif changed:
            self.refresh(changed)

    def _changed_region(self, old: str, new: str) -> Region | None:
        """The part of the content box where ``new`` is drawn differently from ``old``, when
        both are drawn in the block font at the same scale (an empty region when nothing
        differs); None when the drawing changes shape, and all of it is repainted."""
        after = self._block_fit()
        if after is None:
            return None
        width, height = self.content_size
        before = self.fitted(width, height, text=old)
        if before is None or before.scale != after.scale or len(before.rows) != len(after.rows):
            return None
        span = _glyph_span(old, new, after) if before.lines == after.lines == 1 else None
        if span is not None:
            # A countdown's next second: the same characters in the same columns but the
            # ones that changed, so only their columns need comparing.
            left, right = span
            rows = [
                y
                for y, (was, now) in enumerate(zip(before.rows, after.rows, strict=True))
                if was[left:right] != now[left:right]
            ]
            if not rows:
                return Region(0, 0, 0, 0)
            return Region(left, rows[0], right - left, rows[-1] + 1 - rows[0])
        left, right, top, bottom = width, 0, len(after.rows), 0
        for y, (was, now) in enumerate(zip(before.rows, after.rows, strict=True)):
            if was == now:
                continue
            wide = max(len(was), len(now))
            if len(was) != len(now):
                was, now = was.ljust(wide), now.ljust(wide)
            first = _common_prefix(was, now)
            last = wide - _common_prefix(was[::-1], now[::-1])
            left, right = min(left, first), max(right, last)
            top, bottom = min(top, y), y + 1
        if bottom <= top:
            return Region(0, 0, 0, 0)
        return Region(left, top, right - left, bottom - top)

    def fitted(
        self, width: int | None = None, height: int | None = None, *, text: str | None = None
    ) -> Fitted | None:
        """The block-font layout for the content box (or the given size, or text)."""
        width = self.content_size.width if width is None else width
        height = self.content_size.height if height is None else height
        return _fit(
            self.text if text is None else text,
            width,
            min(height, self.max_rows),
            self.max_lines,
            self.min_rows,
            self.line_rows,
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

    def _block_fit(self) -> Fitted | None:
        """The block-font layout when ``render_line`` draws its rows itself: text in the
        block font, set left (as every BigText is), and no mouse selection in it; else None."""
        styles = self.styles
        if styles.text_align not in ("left", "start") or tuple(styles.content_align) != ("left", "top"):
            return None
        if self.text_selection is not None:
            return None
        return self.fitted()

    _frame_rows: list[str] | None = None
    """The block rows, worked out once for the lines of one render_lines call."""
    _in_frame = False

    def render_lines(self, crop: Region) -> list[Strip]:
        # The lines of one frame share one look at the size, the text and the selection
        # (each asks the screen where the widget is).
        found = self._block_fit()
        self._frame_rows, self._in_frame = None if found is None else found.rows, True
        try:
            return super().render_lines(crop)
        finally:
            self._frame_rows, self._in_frame = None, False

    def render_line(self, y: int) -> Strip:
        # The block font's rows, one strip each, the same as Textual makes of render()'s
        # Content (one segment in the widget's style, the offset for selection in its
        # meta), without wrapping and formatting the whole text again for every line: that
        # was most of the work of each second the countdown showed. Anything else (the
        # three-row digits, plain text, a selection) goes the ordinary way, through render().
        if self._in_frame:
            rows = self._frame_rows
        else:
            found = self._block_fit()
            rows = None if found is None else found.rows
        if rows is None:
            return super().render_line(y)
        style = self.visual_style
        if y >= len(rows):
            return Strip.blank(self.size.width, style.rich_style)
        return _row_strip(rows[y], y, style)

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
