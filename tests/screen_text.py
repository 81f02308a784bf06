"""What a person sees on the screen, as text, for tests that assert it.

The exported picture holds every character drawn. Words drawn large in the block font are
made of block characters there, so the words of every large text that is on screen are
added too: a person in the room reads them, and a test must be able to.
"""

from __future__ import annotations

import html
import re

from peercircle.tui.widgets.big_text import BigText


def shown_text(app) -> str:
    """Every character on the screen, line after line, then the words drawn large."""
    svg = app.export_screenshot()
    text = html.unescape("".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")
    screen = app.screen.region
    large = [
        big.text
        for big in app.screen.query(BigText)
        if big.display and big.drawn_rows > 1 and screen.contains_region(big.region) and big.region.height
    ]
    return "\n".join([text, *large])
