"""Actions agreed in a session: one per line of an action note, checked for what makes
them usable (SMART): somebody who will do it, and a time by when."""

from __future__ import annotations

import re

_WHEN = re.compile(
    r"\b(by|before|until|on|next|this|tomorrow|today|tonight|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|week|month|end of|eod|asap|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)\b|\d{1,2}[/.-]\d{1,2}|\b\d{1,2}(st|nd|rd|th)\b",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(i|me|we|us|all|everyone)\b", re.IGNORECASE)


def action_lines(text: str) -> list[str]:
    """The actions in an action note: each non-empty line, without list markers."""
    lines = []
    for raw in text.splitlines():
        line = re.sub(r"^\s*([-*+]|\d+[.)]|\[[ x]\])\s*", "", raw).strip()
        if line:
            lines.append(line)
    return lines


def smart_gaps(action: str, people: tuple[str, ...]) -> list[str]:
    """What an action still lacks: 'who' (nobody named) and 'by when' (no time given)."""
    gaps = []
    lowered = action.casefold()
    named = any(re.search(rf"\b{re.escape(p.casefold())}\b", lowered) for p in people)
    if not named and not _SELF.search(action):
        gaps.append("who")
    if not _WHEN.search(action):
        gaps.append("by when")
    return gaps


def nudge(text: str, people: tuple[str, ...]) -> str:
    """One line for the facilitator: the first action that is missing something."""
    for number, action in enumerate(action_lines(text), 1):
        gaps = smart_gaps(action, people)
        if gaps:
            return f"Action {number} has no {' and no '.join(gaps)} yet"
    return ""
