"""The session as Markdown: a record for a shared folder, and a learning record for one person.

The record opens with YAML front matter (so it drops into an Obsidian or Logseq vault),
then a title, the agreement in one line, the participants, a timing table, one section per
step, the actions as a task list, the airtime table and the balance of Proctor's three
functions among tagged notes.

Notes are plain text, whatever they contain. Everything that could make Markdown out of
them is escaped: they can never add a heading, break a table, inject HTML, open a code
block or make a link (markdown-it's "gfm-like" preset, the parser Textual's Markdown widget
uses, turns bare URLs and domains into links, so those are defused too). Terminal escape
sequences, control characters and invisible direction overrides are removed; right-to-left
text and emoji are kept as typed.

The result passes markdownlint's default rules (line length aside): the title is the one
top-level heading (none in the front matter), nothing bold stands alone as a heading, and
tabs and runs of blank lines in notes are evened out. CI runs markdownlint on samples.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from datetime import datetime

from peercircle.sessions.engine import timefmt
from peercircle.sessions.engine.meeting import ReportBack
from peercircle.sessions.engine.timefmt import minutes_text, signed_clock_text
from peercircle.sessions.records.actions import ActionItem, name_forms, parse_action, starts_with_person
from peercircle.sessions.records.anonymise import (
    Anonymiser,
    anonymise_summary,
    check_hidden,
    record_people,
    summary_texts,
    widened,
)
from peercircle.sessions.records.folding import fold
from peercircle.sessions.records.summary import PhaseSummary, SessionSummary, airtime_shares, share_bar
from peercircle.sessions.text import clean_text

# Times repeat within a record (a step's end is the next step's start, a plan recurs, the
# date is shown twice): each is worked out once. They are pure, so remembering them
# changes nothing but the time taken.
clock_text = functools.lru_cache(maxsize=1024)(timefmt.clock_text)
wall_time = functools.lru_cache(maxsize=1024)(timefmt.wall_time)
wall_date = functools.lru_cache(maxsize=256)(timefmt.wall_date)

# -- making note text inert -------------------------------------------------------------------

# Each character that could make Markdown, and what it becomes. The order matters, as
# the replacements run one after another: the backslash first (the others add one), and "&"
# before "<" (which becomes "&lt;"). One str.replace per character present is many times
# faster than str.translate with a table of strings, which goes character by character.
_ESCAPES: tuple[tuple[str, str], ...] = (
    ("\\", "\\\\"),
    ("&", "&amp;"),
    ("<", "&lt;"),
    ("`", "\\`"),
    ("*", "\\*"),
    ("_", "\\_"),
    ("~", "\\~"),
    ("[", "\\["),
    ("]", "\\]"),
    ("|", "\\|"),
)
_HEADING_ESCAPES = (*_ESCAPES, ("#", "\\#"))  # "## Step #" would lose its closing "#"
# Linkify makes links of bare URLs, "www." and domain names: break each trigger with an escape
# before it: the ":" of a scheme ("http:", "mailto:"), the second "/" of "//", and every dot
# after a non-space and before a letter (a domain label may be any run of non-space
# characters, symbols included: "¬.ORG" links; an extra escape renders the same).
# Each alternative starts with the trigger itself and looks back from there, so the regex
# engine jumps from one ".", "/" or ":" to the next instead of trying every position.
_LINKISH = re.compile(
    r"(?i)\.(?<=\S\.)(?=[^\W\d_])|/(?<=//)"
    r"|:(?:(?<=\bhttp:)|(?<=\bhttps:)|(?<=\bftp:)|(?<=\bmailto:))"
)
_BLOCK_MARK = re.compile(r"^([#=+\->])")
_BLOCK_STARTS = frozenset("#=+->0123456789")
_ORDERED_MARK = re.compile(r"^(\d+)([.)])")
# A table's rule for one column ("-" and "|" starting a line are escaped already).
_TABLE_RULE = re.compile(r":-+:?$")


def _literal(line: str, escapes: tuple[tuple[str, str], ...] = _ESCAPES) -> str:
    """One line of text escaped so Markdown shows it exactly as typed."""
    for char, escaped in escapes:
        if char in line:
            line = line.replace(char, escaped)
    if "." in line or "/" in line or ":" in line:
        line = _LINKISH.sub(r"\\\g<0>", line)
    if line[:1] in _BLOCK_STARTS:
        return _ORDERED_MARK.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\\\1", line))
    return line


def _inline(text: str, heading: bool = False) -> str:
    """Text safe in a table cell, a list item or a line of its own: one line, inert."""
    if len(text) <= 200:  # names, step names and clock texts repeat: remember the short ones
        return _inline_short(text, heading)
    return _literal(" ".join(clean_text(text).split()), _HEADING_ESCAPES if heading else _ESCAPES)


@functools.lru_cache(maxsize=4096)
def _inline_short(text: str, heading: bool) -> str:
    return _literal(" ".join(clean_text(text).split()), _HEADING_ESCAPES if heading else _ESCAPES)


def _heading(text: str) -> str:
    return _inline(text, heading=True)


def _block(text: str) -> str:
    """Notes as paragraphs, line breaks kept, that can never open any other block."""
    lines: list[str] = []
    for line in clean_text(text).split("\n"):
        # Indentation would make a code block, so it goes; a tab inside a line becomes
        # spaces (markdownlint's MD010: tabs show differently in every viewer).
        line = _literal(line.strip().expandtabs(4))
        if _TABLE_RULE.match(line):
            # ":-" under a line holding a "|" (escaped or not) made a one-column table:
            # escaped, the colon no longer reads as a table's rule.
            line = "\\" + line
        if not line and lines and not lines[-1]:
            continue  # one blank line between paragraphs is as many as Markdown shows (MD012)
        # A trailing double space is a hard break: the lines stay as they were typed.
        lines.append(line + "  " if line else "")
    return "\n".join(lines).strip()


# -- front matter -----------------------------------------------------------------------------

# What YAML does not allow raw (all but tab, newline and the printable planes: C0 and C1
# controls, DEL, surrogates, U+FFFE and U+FFFF), and the line and paragraph separators and
# byte order mark. Listed as the characters themselves: the same set written as "anything
# but" the allowed ranges took 4 ms to compile, in every command that imports this module.
_YAML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff]")
_MARKDOWN_IN_YAML = re.compile(
    r"[<>\[\]`]|(?i:(?<=https)|(?<=http)|(?<=ftp)|(?<=mailto)):|(?<=/)/|\.(?=[^\W\d_])"
)


def _yaml_text(value: str) -> str:
    """A double-quoted YAML scalar. JSON's escapes are all valid YAML; characters YAML does
    not allow raw are escaped, and so is anything a Markdown reader of the raw file would
    turn into HTML or a link."""
    quoted = json.dumps(" ".join(clean_text(value).split()), ensure_ascii=False)
    quoted = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)
    return _MARKDOWN_IN_YAML.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)


def _front_matter(fields: list[tuple[str, object]]) -> list[str]:
    out = ["---"]
    for key, value in fields:
        if value == "":
            continue  # an unknown date or time is left out rather than written empty
        if isinstance(value, bool):
            out.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, int):
            out.append(f"{key}: {value}")
        elif isinstance(value, list | tuple):
            out += [f"{key}:", *(f"  - {_yaml_text(str(v))}" for v in value)] if value else [f"{key}: []"]
        elif key == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            out.append(f"{key}: {value}")  # a YAML date, so vaults treat it as one
        else:
            out.append(f"{key}: {_yaml_text(str(value))}")
    # The tags list comes last: a list just before the closing "---" keeps Markdown readers
    # that do not know front matter from reading the block as a heading.
    return [*out, "---", ""]


# -- tags and Proctor's functions -------------------------------------------------------------

# A "#" not after a letter, "&", "#", "/" or "\\" (no "C#", "&#39;", "##", URL fragment or
# escape). Written from the "#" and looking back, so the regex engine jumps from "#" to "#".
_HASHTAG = re.compile(r"#(?<![\w&#/\\]#)([^\W\d][\w/-]*)")
PROCTOR = (
    ("normative", "standards, policy, ethics and safety"),
    ("formative", "learning: skills and knowledge from the work"),
    ("restorative", "support: feelings and keeping going"),
)


def hashtags(text: str) -> list[str]:
    """Tags written in notes as #word, lower case, first use first."""
    if "#" not in text:
        return []
    found = (m.group(1).rstrip("/-").lower() for m in _HASHTAG.finditer(clean_text(text)))
    return list(dict.fromkeys(tag for tag in found if tag))


def proctor_balance(summary: SessionSummary) -> dict[str, int]:
    """How many lines of the shared notes carry each of #normative, #formative, #restorative."""
    counts = dict.fromkeys((name for name, _ in PROCTOR), 0)
    for phase in summary.phases:
        for line in phase.notes.splitlines():
            tags = set(hashtags(line))
            for name in counts:
                counts[name] += name in tags
    return counts


# -- the record -------------------------------------------------------------------------------


def _date_iso(summary: SessionSummary) -> str:
    """The day it ran; for one never started, the day it was set up (its id begins with it)."""
    if summary.started_wall:
        return datetime.fromisoformat(summary.started_wall).date().isoformat()
    made = re.match(r"(\d{4})(\d{2})(\d{2})-", summary.id)
    return "-".join(made.groups()) if made else ""


def _title(summary: SessionSummary) -> str:
    date = wall_date(summary.started_wall) or "not started"
    return f"{summary.format_name}, {date}"


def session_actions(summary: SessionSummary) -> list[tuple[PhaseSummary, ActionItem]]:
    """Every action line of the session, read as what / who / by when, with its step."""
    roster = summary.roster
    return [
        (phase, parse_action(line, phase.presenter, roster))
        for phase in summary.phases
        for line in phase.actions
    ]


def _task(action: ActionItem, with_who: bool = True) -> str:
    box = "[x]" if action.done else "[ ]"
    parts = [_inline(action.what)]
    if with_who:
        parts.append(_inline(action.who) if action.who else "who: not set")
    parts.append(_inline(action.when) if action.when else "by when: not set")
    return f"- {box} {' — '.join(parts)}"


def render_markdown(
    summary: SessionSummary,
    include_private: bool = False,
    anonymiser: Anonymiser | None = None,
    *,
    front_matter: bool = True,
) -> str:
    """The whole record. Private notes only with ``include_private``; with an
    ``anonymiser``, every name (metadata, notes, cards, actions) is replaced."""
    if anonymiser is not None:
        if summary.meeting is not None:
            # Absent members are named in a meeting's record but are not in its roster.
            anonymiser = widened(anonymiser, record_people(summary))
        summary = anonymise_summary(summary, anonymiser)
        # Checked before anything is made of it: a field that missed the anonymiser (or a
        # spelling it does not match) stops the export instead of reaching a shared folder.
        check_hidden(anonymiser, summary_texts(summary))
    date = wall_date(summary.started_wall)
    start, end = wall_time(summary.started_wall), wall_time(summary.ended_wall)
    roster = summary.roster
    out: list[str] = []
    if front_matter:
        # A user's format id can hold a name ("ann-smiths-circle"): left out when anonymised.
        format_id = "" if anonymiser is not None else summary.format_id
        tags = ["peercircle", format_id or "session"]
        for phase in summary.phases:
            tags += hashtags(phase.notes)
        out += _front_matter(
            [
                ("date", _date_iso(summary)),
                ("start", start),
                ("end", end),
                ("format", summary.format_name),
                *([("format_id", format_id)] if format_id else []),
                ("group_size", len(roster)),
                ("group", list(roster)),
                ("length_minutes", round(summary.elapsed / 60)),
                ("planned_minutes", round(summary.planned / 60)),
                ("session", summary.id),
                *_meeting_fields(summary),
                ("anonymised", anonymiser is not None),
                *([("private_notes", True)] if include_private else []),
                ("tags", list(dict.fromkeys(tags))),
            ]
        )
    out += [f"# {_heading(_title(summary))}", ""]
    if summary.agreement.strip():
        # Imported here: the library module reads the shipped agreement through
        # importlib.resources, a few milliseconds no record without an agreement needs.
        from peercircle.sessions.library.agreement import agreement_line

        out += [f"Agreement: {_inline(agreement_line(summary.agreement))}", ""]
    span = f"{start}–{end}" if end else f"from {start} (not ended)"
    out += [
        f"- **Date:** {date}, {span}" if date else "- **Date:** not started",
        *_length_lines(summary),
        f"- **Session:** {_inline(summary.id)}"
        + (f" · turn order shuffled with seed {summary.seed}" if summary.seed is not None else ""),
    ]
    out += _meeting_lines(summary)
    if anonymiser is not None:
        out.append("- **Anonymised:** names replaced with initials or pseudonyms")
    if include_private:
        out.append("- **Includes the facilitator's private notes**")
    out += ["", "## Participants", ""]
    for person in roster:
        notes = []
        if person in summary.presenters:
            notes.append("presenter")
        if summary.meeting is not None and person in summary.meeting.guests:
            notes.append("guest")
        if person in summary.joined:
            notes.append("arrived late")
        if person in summary.left:
            notes.append("left early")
        out.append(f"- {_inline(person)}" + (f" ({', '.join(notes)})" if notes else ""))
    out += _report_back_lines(summary)
    out += ["", *_timing_table(summary)]
    for phase in summary.phases:
        out += ["", f"## {phase.index + 1}. {_heading(phase.name)}", ""]
        if phase.rule.strip():
            out += [f"Rule: *{_inline(phase.rule)}*", ""]
        out.append(_step_timing(phase))
        if phase.cards:
            out += ["", f"Cards: {'; '.join(_inline(card) for card in phase.cards)}"]
        if phase.turns:
            # A passed turn shows the seconds it held the floor: the airtime table counts them.
            turns = ", ".join(
                f"{_inline(t.person)} {clock_text(t.seconds)}" + (" (passed)" if t.passed else "")
                for t in phase.turns
            )
            out += ["", f"Turns: {turns}"]
        out += ["", _block(phase.notes) if phase.notes.strip() else "*No notes.*"]
        if include_private and phase.private.strip():
            # A colon after it: bold text alone on a line reads to markdownlint as a
            # heading made of emphasis (MD036), and a real heading repeats each phase (MD024).
            out += ["", "**Facilitator's private notes:**", "", _block(phase.private)]
    actions = session_actions(summary)
    out += ["", "## Actions", ""]
    carried = [_carried_task(item) for item in summary.meeting.carried] if summary.meeting else []
    out += [*carried, *(_task(action) for _, action in actions if action.what)] or ["*No actions recorded.*"]
    out += ["", *airtime_table(summary), "", *proctor_table(summary)]
    return "\n".join(out) + "\n"


# -- a group's meeting: who was absent, guests, roles, the report back ------------------------

REPORT_BACK_STATUS = {
    "done": "Done",
    "carried": "Carried",
    "dropped": "Dropped",
    "open": "Not heard back",
}
"""How a report back's status reads in a record (open: the group did not get to it)."""


def _meeting_fields(summary: SessionSummary) -> list[tuple[str, object]]:
    """Front matter of a group's meeting: the group, who was absent, the guests. None for a
    session on its own, whose record stays exactly as it was."""
    meeting = summary.meeting
    if meeting is None:
        return []
    return [
        ("meeting_of", meeting.group_name),
        ("absent", list(meeting.absent)),
        ("guests", list(meeting.guests)),
    ]


def _names_text(names: tuple[str, ...], none: str) -> str:
    return ", ".join(_inline(n) for n in names) if names else none


def _meeting_lines(summary: SessionSummary) -> list[str]:
    """The lines under the title that say which group met and who was there."""
    meeting = summary.meeting
    if meeting is None:
        return []
    size = len(meeting.members)
    lines = [
        f"- **Group:** {_inline(meeting.group_name)} ({size} member{'' if size == 1 else 's'})",
        f"- **Absent:** {_names_text(meeting.absent, 'nobody')}",
        f"- **Guests:** {_names_text(meeting.guests, 'none')}",
    ]
    if meeting.roles:
        roles = "; ".join(f"{_inline(role)}: {_inline(person)}" for role, person in meeting.roles.items())
        lines.append(f"- **Roles:** {roles}")
    return lines


def _report_back_lines(summary: SessionSummary) -> list[str]:
    """Each earlier action the meeting heard back on, its status and what was said."""
    meeting = summary.meeting
    if meeting is None:
        return []
    lines = ["", "## Report back", ""]
    if not meeting.report_back:
        return [*lines, "*No open actions from earlier meetings.*"]
    for item in meeting.report_back:
        parts = [_inline(item.what), _inline(item.who) if item.who else "who: not set"]
        parts.append(_inline(item.when) if item.when else "by when: not set")
        said = f": {_inline(item.line)}" if item.line.strip() else ""
        agreed = f" (agreed {_inline(item.raised)})" if item.raised else ""
        lines.append(f"- **{REPORT_BACK_STATUS[item.status]}:** {' — '.join(parts)}{agreed}{said}")
    return lines


def _carried_task(item: ReportBack) -> str:
    """An earlier action carried into this meeting: open again here, with where it came from."""
    parts = [_inline(item.what), _inline(item.who) if item.who else "who: not set"]
    parts.append(_inline(item.when) if item.when else "by when: not set")
    since = f" (carried from {_inline(item.raised)})" if item.raised else " (carried)"
    return f"- [ ] {' — '.join(parts)}{since}"


def airtime_table(summary: SessionSummary) -> list[str]:
    """Who held the floor, for how long, as a share of all the airtime recorded: whole
    percentages that add up to 100, and the rule they follow in one sentence."""
    total = sum(summary.airtime.values())
    lines = ["## Airtime", ""]
    if total <= 0:
        return [*lines, "*No airtime recorded.*"]
    shares = airtime_shares(summary.airtime)
    lines += ["| Person | Time | Share | |", "| --- | ---: | ---: | --- |"]
    for person, seconds in sorted(summary.airtime.items(), key=lambda kv: -kv[1]):
        note = " (left)" if person in summary.left else ""
        share = shares[person]
        lines.append(
            f"| {_inline(person)}{note} | {clock_text(seconds)} | {share}% | `{share_bar(share / 100)}` |"
        )
    return [*lines, "", AIRTIME_RULE]


AIRTIME_RULE = (
    "Airtime counts every second each person held the floor: presenting, speaking and turns, "
    "including turns they passed."
)


# -- timing: the whole plan, each step's changes ----------------------------------------------


def _length_lines(summary: SessionSummary) -> list[str]:
    """How long it ran against the whole plan (every step, reached or not), and how many
    steps ran when it ended early."""
    planned = f"planned {minutes_text(summary.planned)}"
    if summary.planned_with_changes != summary.planned:
        planned += f", {minutes_text(summary.planned_with_changes)} with the changes made"
    if summary.paused >= 1:
        planned += f"; paused {minutes_text(summary.paused)}"
    lines = [f"- **Length:** {minutes_text(summary.elapsed)} ({planned})"]
    run, count = summary.steps_run, summary.step_count
    if run < count:
        rest = (
            f"the session ended before the other {count - run}"
            if summary.ended
            else "the session has not ended"
        )
        lines.append(f"- **Steps:** {run} of {count} run; {rest}")
    return lines


def _timing_table(summary: SessionSummary) -> list[str]:
    """Every step of the plan, in order: its plan, the changes made to it as it ran, and
    what it took; steps never reached, or left by an undo, say so."""
    rows: list[tuple[int, str]] = []
    for phase in summary.phases:
        if phase.undone:
            took, off = "undone", ""
        else:
            took, off = clock_text(phase.actual), signed_clock_text(phase.difference)
        rows.append(
            (
                phase.index,
                _row(
                    phase.index + 1,
                    _inline(phase.name),
                    clock_text(phase.first_planned),
                    _changes_text(phase.changes),
                    took,
                    off,
                ),
            )
        )
    for name, step in zip(summary.skipped, summary.not_reached, strict=False):
        rows.append(
            (
                step.index,
                _row(step.index + 1, _inline(name), clock_text(step.planned), "", "not reached", ""),
            )
        )
    lines = [
        "## Timing",
        "",
        "| # | Step | Planned | Changes | Actual | Difference |",
        "| ---: | --- | ---: | --- | ---: | ---: |",
        *(row for _, row in sorted(rows, key=lambda r: r[0])),
    ]
    if any(phase.changes for phase in summary.phases):
        lines += [
            "",
            "Changes are the minutes added (+) or taken off (-) while a step ran; "
            "the difference compares the actual time with the plan after those changes.",
        ]
    return lines


def _row(*cells: object) -> str:
    """A table row; an empty cell is one space wide, as markdownlint's compact style wants."""
    return "|" + "|".join(f" {cell} " if cell != "" else " " for cell in cells) + "|"


def _changes_text(changes: tuple[float, ...]) -> str:
    """'+2 min, -1 min': presses of + or - one after another read as one change."""
    merged: list[float] = []
    for change in changes:
        if merged and (merged[-1] > 0) == (change > 0):
            merged[-1] += change
        else:
            merged.append(change)
    return ", ".join(("+" if change > 0 else "-") + minutes_text(abs(change)) for change in merged)


def _step_timing(phase: PhaseSummary) -> str:
    """The line under a step's heading: its plan with any changes, what it took, when."""
    if phase.undone:
        return (
            f"Planned {clock_text(phase.first_planned)} · not run: the move into this step was undone, "
            "so its time counts in the step before. The notes typed in it are kept here."
        )
    planned = clock_text(phase.first_planned)
    if phase.changes:
        planned += f", {_changes_text(phase.changes)} ({clock_text(phase.planned)} after the changes)"
    when = f"{wall_time(phase.started_wall)}–{wall_time(phase.ended_wall)}".rstrip("–")
    return f"Planned {planned} · actual {clock_text(phase.actual)} · {when}"


def proctor_table(summary: SessionSummary) -> list[str]:
    """The balance of Proctor's three functions among lines of the shared notes tagged
    #normative, #formative or #restorative."""
    counts = proctor_balance(summary)
    total = sum(counts.values())
    lines = ["## Proctor's functions", ""]
    if not total:
        return [
            *lines,
            "*No tagged notes.* Tag a line of the shared notes #normative, #formative or "
            "#restorative to see the balance here.",
        ]
    lines += ["| Function | What it covers | Tagged lines | Share |", "| --- | --- | ---: | ---: |"]
    shares = airtime_shares({name: float(count) for name, count in counts.items()})  # add to 100
    for name, covers in PROCTOR:
        lines.append(f"| {name.capitalize()} | {covers} | {counts[name]} | {shares[name]}% |")
    return lines


# -- a learning record for one person ---------------------------------------------------------

_LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


def find_person(summary: SessionSummary, person: str) -> str:
    """The participant ``person`` names: exactly, in any case, with or without accents
    ("Zoe" for Zoë), or by a word of their name nobody else shares. ValueError (with the
    group) when nobody matches."""
    roster = summary.roster
    wanted = " ".join(person.split()).casefold()
    plain = fold(wanted)
    for candidates in (
        [p for p in roster if p.casefold() == wanted],
        [p for p in roster if fold(p.casefold()) == plain],
        [p for p in roster if wanted in (f.casefold() for f in name_forms(p, roster))],
        [p for p in roster if plain in (fold(f.casefold()) for f in name_forms(p, roster))],
    ):
        if len(candidates) == 1:
            return candidates[0]
    raise ValueError(f"{person!r} did not take part in this session (the group was {', '.join(roster)})")


def _learning_lines(summary: SessionSummary, person: str) -> list[str]:
    """Lines of the shared notes written as theirs ("Bea: ..."), without the name."""
    roster = summary.roster
    lines = []
    for phase in summary.phases:
        for raw in clean_text(phase.notes).split("\n"):
            owner, text, labelled = starts_with_person(_LIST_MARK.sub("", raw.strip()), roster)
            if owner == person and labelled and text.strip():
                lines.append(text.strip())
    return lines


def render_learning_record(
    summary: SessionSummary,
    person: str,
    anonymiser: Anonymiser | None = None,
    *,
    front_matter: bool = True,
) -> str:
    """A personal learning record for one participant, shaped for an NQSW's continuous
    professional learning (CPL) log: their role, airtime, what they learned (shared-note
    lines written "Name: ..."), what they will do (their actions) and prompts to complete.

    Nothing comes from anyone else: other people's lines are left out and other names in
    their own lines become "a colleague". With an ``anonymiser`` their own name is a
    pseudonym and its extra names (people who use services) are hidden too.
    """
    person = find_person(summary, person)
    roster = summary.roster
    me = anonymiser.name(person) if anonymiser is not None else person
    hide = dict(anonymiser.mapping) if anonymiser is not None else {}
    # A meeting's members who were absent are colleagues too (record_people is the roster
    # for a session on its own).
    hide.update({other: "a colleague" for other in record_people(summary) if other != person})
    if anonymiser is not None:
        hide[person] = me
    hider = Anonymiser(hide)

    def own(text: str) -> str:
        # Control characters first, so an escape sequence cannot hide a name from the match.
        return hider.apply(clean_text(text))

    learned = [own(line) for line in _learning_lines(summary, person)]
    actions = [action for _, action in session_actions(summary) if person in action.owners and action.what]
    presented = person in summary.presenters
    total = sum(summary.airtime.values())
    mine = summary.airtime.get(person, 0.0)
    date = wall_date(summary.started_wall)
    start, end = wall_time(summary.started_wall), wall_time(summary.ended_wall)
    format_name = own(summary.format_name)
    todo = [ActionItem(own(a.what), "", own(a.when), (), a.done) for a in actions]
    if anonymiser is not None:
        check_hidden(anonymiser, [me, format_name, *learned, *(t for a in todo for t in (a.what, a.when))])
    title = f"Learning record: {me}, {date or 'not started'}"
    out: list[str] = []
    if front_matter:
        tags = ["peercircle", "cpl", (summary.format_id if anonymiser is None else "") or "session"]
        for line in learned:
            tags += hashtags(line)
        out += _front_matter(
            [
                ("type", "learning record"),
                ("date", _date_iso(summary)),
                ("format", format_name),
                ("person", me),
                ("role", "presented" if presented else "took part"),
                ("length_minutes", round(summary.elapsed / 60)),
                ("session", summary.id),
                ("anonymised", anonymiser is not None),
                ("tags", list(dict.fromkeys(tags))),
            ]
        )
    # The same whole-number share as the record's airtime table, never one point off it.
    share = airtime_shares(summary.airtime).get(person, 0)
    airtime = (
        f"{clock_text(mine)}, {share}% of the time anyone held the floor" if total > 0 else "not recorded"
    )
    out += [
        f"# {_heading(title)}",
        "",
        f"- **Date:** {date}, {start}–{end}".rstrip("–") if date else "- **Date:** not started",
        f"- **Activity:** peer-group supervision, {_inline(format_name)} "
        f"({minutes_text(summary.elapsed)}, a group of {len(roster)})",
        f"- **My role:** {'presented a case' if presented else 'took part as a group member'}",
        f"- **My airtime:** {airtime}",
        "",
        "## What I learned",
        "",
    ]
    if learned:
        out += [f"- {_inline(line)}" for line in learned]
    else:
        out.append(f'*No note lines are marked as yours. Lines written "{_inline(me)}: ..." appear here.*')
    out += ["", "## What I will do", ""]
    if todo:
        out += [_task(action, with_who=False) for action in todo]
    else:
        out.append("*No actions recorded for you.*")
    out += [
        "",
        "## Reflection",
        "",
        "To complete before this goes in your CPL record:",
        "",
        "- **How this will change my practice:**",
        "- **The standard it links to** (for example, a part of the SSSC Codes of Practice):",
        "- **Evidence I can keep** (supervision notes, feedback, a piece of work):",
        "- **Time spent learning:** " + minutes_text(summary.elapsed),
    ]
    return "\n".join(out) + "\n"


# -- file names -------------------------------------------------------------------------------

_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_BYTES = 200


def export_filename(
    summary: SessionSummary,
    anonymised: bool = False,
    person: str | None = None,
    anonymiser: Anonymiser | None = None,
    include_private: bool = False,
) -> str:
    """A file name such as "2026-11-30 Action Learning Set.md": no folders, no control
    characters, nothing a common file system refuses, the same every time.

    For a learning record, ``person`` is named, as their pseudonym when ``anonymiser`` is
    given; anonymised without an anonymiser, the name is left out. A file that holds
    private notes says so in its name, so it never replaces the one made for sharing.
    """
    format_name = anonymiser.apply(clean_text(summary.format_name)) if anonymiser else summary.format_name
    stem = f"{_date_iso(summary) or 'undated'} {format_name}"
    if person is not None:
        if anonymiser is not None:
            stem += f" - learning record ({anonymiser.name(person)})"
        elif anonymised:
            stem += " - learning record (anonymised)"
        else:
            stem += f" - learning record ({person})"
    elif anonymised:
        stem += " (anonymised)"
    if include_private and person is None:
        stem += " (with private notes)"
    stem = unicodedata.normalize("NFC", clean_text(stem))
    stem = " ".join(_UNSAFE_IN_NAMES.sub("-", stem).split()).strip(" .")
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem.rstrip(' .') or 'session'}.md"
