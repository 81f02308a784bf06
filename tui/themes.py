"""peercircle's own themes: one for a projector across the room, one for a bright room.

Both keep body text at 21:1 against the background and every other colour they use for
text at 7:1 or more (tests/test_themes.py checks), so words still read on a washed-out
beamer three to six metres away.
"""

from __future__ import annotations

from textual.theme import Theme

PROJECTOR = Theme(
    name="peercircle-projector",
    primary="#00e5ff",
    secondary="#7fbfff",
    accent="#ffff00",
    warning="#ffc000",
    error="#ff8a8a",
    success="#00ff66",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    dark=True,
    text_alpha=1.0,
    variables={
        "text-muted": "#d0d0d0",
        "footer-key-foreground": "#ffff00",
        "footer-background": "#1a1a1a",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#ffff00",
        "input-selection-background": "#00e5ff 40%",
    },
)

BRIGHT_ROOM = Theme(
    name="peercircle-light",
    primary="#0b3d91",
    secondary="#3a3a8c",
    accent="#6a0080",
    warning="#7a4200",
    error="#a8001a",
    success="#0a5c0a",
    foreground="#000000",
    background="#ffffff",
    surface="#ffffff",
    panel="#ececec",
    dark=False,
    text_alpha=1.0,
    variables={"text-muted": "#3d3d3d", "footer-key-foreground": "#0b3d91"},
)

THEMES = (PROJECTOR, BRIGHT_ROOM)
DEFAULT_THEME = "textual-dark"


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (1 to 21)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
