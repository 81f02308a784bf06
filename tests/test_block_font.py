"""The block font: whatever it is asked to draw fits the box it is given, or it says so."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from peercircle.tui.widgets.block_font import GLYPHS, HALF_BLOCKS, Scale, draw, fit, pixel_width, scales

DRAWABLE = st.text(alphabet=sorted(set(GLYPHS) - {" "}) + [" "], min_size=1, max_size=40)


@given(DRAWABLE, st.integers(0, 260), st.integers(0, 80), st.integers(1, 3), st.integers(1, 6))
def test_a_fitted_text_never_spills_out_of_its_box(
    text: str, width: int, height: int, max_lines: int, min_rows: int
) -> None:
    found = fit(text, width, height, max_lines=max_lines, min_rows=min_rows)
    if found is None:
        return
    assert len(found.rows) <= height
    assert all(len(row) <= width for row in found.rows)
    assert found.lines <= max_lines
    assert found.scale.rows >= min_rows


@given(st.text(alphabet="0123456789", min_size=2, max_size=2), st.integers(3, 70))
def test_a_countdown_fills_the_height_it_can(minutes: str, height: int) -> None:
    # Wide enough for any scale: the clock is as tall as the height allows (up to the
    # font's cap of 40 rows), never more.
    text = f"{minutes}:00"
    found = fit(text, 10_000, height, min_rows=3)
    assert found is not None
    best = max((s.rows for s in scales(min(height, 40))), default=0)
    assert found.scale.rows == best <= height


def test_the_drawing_is_as_wide_as_the_font_says() -> None:
    for text in ("00:00", "+12:34", "AISHA", "O'SULLIVAN"):
        for scale in scales(30):
            rows = draw(text, scale)
            assert len(rows) == scale.rows
            assert max(len(row) for row in rows) <= pixel_width(text) * scale.kx


def test_characters_the_font_lacks_are_left_to_plain_text() -> None:
    assert fit("Siobhán", 200, 20) is None
    assert fit("", 200, 20) is None
    assert fit("Ann", 200, 2) is None  # no size of the font is under three rows


def pixels_drawn(text: str, scale: Scale) -> list[str]:
    """The drawing worked out pixel by pixel over the whole line (draw() puts glyphs drawn
    once per scale side by side): the two must be the same."""
    glyphs = [GLYPHS[char] for char in text.upper()]
    pixel_rows: list[list[bool]] = []
    for font_row in range(5):
        row: list[bool] = []
        for number, glyph in enumerate(glyphs):
            if number:
                row.extend([False] * scale.kx)
            for pixel in glyph[font_row]:
                row.extend([pixel == "#"] * scale.kx)
        pixel_rows.extend(list(row) for _ in range(scale.ky))
    if len(pixel_rows) % 2:
        pixel_rows.append([False] * len(pixel_rows[0]))
    return [
        "".join(HALF_BLOCKS[pair] for pair in zip(top, bottom, strict=True)).rstrip()
        for top, bottom in zip(pixel_rows[::2], pixel_rows[1::2], strict=True)
    ]


@given(DRAWABLE.filter(str.strip), st.integers(1, 40))
def test_glyphs_drawn_once_and_put_side_by_side_are_the_whole_line_drawn(text: str, rows: int) -> None:
    for scale in list(scales(rows))[:4]:
        assert draw(text, scale) == pixels_drawn(text, scale)
