"""The session as Markdown: a title, the facts, a timing table, then one section per phase.

The output is checked with markdown-it-py's "gfm-like" preset (the parser Textual's own
Markdown widget uses), so what a facilitator previews is what they export.
"""

from __future__ import annotations

import re

from sessions.summary import SessionSummary, share_bar
from sessions.timefmt import clock_text, minutes_text, signed_clock_text, wall_date, wall_time

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|\x1b\[[0-9;?]*[A-Za-z]")
_BLOCK_MARK = re.compile(r"^([#=+\-*_>\[`~])")
_ORDERED_MARK = re.compile(r"^(\d+)([.)])")


def _inline(text: str) -> str:
    """Text safe inside a table cell or a heading: one line, pipes and HTML escaped."""
    text = _CONTROL.sub("", " ".join(text.split()))
    return text.replace("\\", "\\\\").replace("&", "&amp;").replace("|", "\\|").replace("<", "&lt;")


def _block(text: str) -> str:
    """Notes as paragraphs that can never open a heading, list, table, fence or HTML block."""
    lines = []
    for line in _CONTROL.sub("", text.replace("\r\n", "\n")).split("\n"):
        # Indentation would make a code block, so it goes; every character that could start
        # a block (heading, list, quote, fence, link definition) is escaped.
        line = (
            line.strip().replace("\\", "\\\\").replace("&", "&amp;").replace("|", "\\|").replace("<", "&lt;")
        )
        line = _ORDERED_MARK.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", line))
        # A trailing double space or backslash is a hard break; keep line breaks as typed.
        lines.append(line + "  " if line else "")
    return "\n".join(lines).strip()


def render_markdown(summary: SessionSummary, include_private: bool = False) -> str:
    """The whole record. Private notes are left out unless ``include_private`` asks."""
    date = wall_date(summary.started_wall)
    start, end = wall_time(summary.started_wall), wall_time(summary.ended_wall)
    out: list[str] = [f"# {_inline(summary.format_name)}, {date}", ""]
    people = [f"{_inline(p)} (presenter)" if p in summary.presenters else _inline(p) for p in summary.people]
    people += [f"{_inline(p)} (arrived late)" for p in summary.joined]
    span = f"{start}–{end}" if end else f"from {start} (not ended)"
    out += [
        f"- **Date:** {date}, {span}",
        f"- **Group:** {len(people)} people: {', '.join(people)}",
        f"- **Length:** {minutes_text(summary.elapsed)} (planned {minutes_text(summary.planned)}"
        + (f"; paused {minutes_text(summary.paused)}" if summary.paused >= 1 else "")
        + ")",
        f"- **Session:** {summary.id}"
        + (f" · turn order shuffled with seed {summary.seed}" if summary.seed is not None else ""),
        "",
        "## Timing",
        "",
        "| # | Phase | Planned | Actual | Difference |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for phase in summary.phases:
        out.append(
            f"| {phase.index + 1} | {_inline(phase.name)} | {clock_text(phase.planned)} | "
            f"{clock_text(phase.actual)} | {signed_clock_text(phase.difference)} |"
        )
    if summary.skipped:
        out += ["", f"Not reached: {', '.join(_inline(s) for s in summary.skipped)}."]
    for phase in summary.phases:
        out += ["", f"## {phase.index + 1}. {_inline(phase.name)}", ""]
        if phase.rule:
            out += [f"*{_inline(phase.rule)}*", ""]
        when = f"{wall_time(phase.started_wall)}–{wall_time(phase.ended_wall)}".rstrip("–")
        out.append(f"Planned {clock_text(phase.planned)} · actual {clock_text(phase.actual)} · {when}")
        if phase.turns:
            turns = ", ".join(
                f"{_inline(t.person)} (passed)"
                if t.passed
                else f"{_inline(t.person)} {clock_text(t.seconds)}"
                for t in phase.turns
            )
            out += ["", f"Turns: {turns}"]
        out += ["", _block(phase.notes) if phase.notes.strip() else "*No notes.*"]
        if phase.actions:
            out += ["", "**Actions**", "", *(f"- [ ] {_inline(action)}" for action in phase.actions)]
        if include_private and phase.private.strip():
            out += ["", "**Facilitator's private notes**", "", _block(phase.private)]
    out += ["", *airtime_table(summary)]
    return "\n".join(out) + "\n"


def airtime_table(summary: SessionSummary) -> list[str]:
    """Who held the floor, for how long, as a share of all the airtime recorded."""
    total = sum(summary.airtime.values())
    lines = ["## Airtime", ""]
    if total <= 0:
        return [*lines, "*No airtime recorded.*"]
    lines += ["| Person | Time | Share | |", "| --- | ---: | ---: | --- |"]
    for person, seconds in sorted(summary.airtime.items(), key=lambda kv: -kv[1]):
        share = seconds / total
        note = " (left)" if person in summary.left else ""
        lines.append(
            f"| {_inline(person)}{note} | {clock_text(seconds)} | {share:.0%} | `{share_bar(share)}` |"
        )
    return lines
