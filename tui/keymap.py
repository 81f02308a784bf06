"""Every control, once: the live screen's key bindings, the help screen, the command
palette and the README table are all read from this table, so they cannot disagree.

``key`` works when the notes editor is not focused; ``typing`` also works while typing
notes (a focused editor swallows printable keys, so those are ctrl or function keys).
Both are written as the help shows them (``+``, ``F10``, ``i or enter``);
:func:`binding_keys` turns them into Textual's key names.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Control:
    title: str
    key: str
    typing: str = ""
    action: str = ""
    """The live screen's action; empty when the control is not a live-screen binding."""
    label: str = ""
    """Its short name on the live screen (the footer and Textual's keys panel)."""
    palette: bool = True
    """Offered in the command palette too (moving focus in or out of the notes is not:
    the palette itself takes the focus)."""


GROUPS: dict[str, tuple[Control, ...]] = {
    "Time": (
        Control("Pause or resume the clock", "space", "ctrl+t", "toggle_pause", "Pause"),
        Control("Extend the phase by a minute", "+", "ctrl+up", "extend_phase(1)", "+1 min"),
        Control("Trim the phase by a minute", "-", "ctrl+down", "extend_phase(-1)", "-1 min"),
        Control("Extend the turn by a minute", "]", "ctrl+shift+up", "extend_turn(1)", "Turn +1"),
        Control("Trim the turn by a minute", "[", "ctrl+shift+down", "extend_turn(-1)", "Turn -1"),
        Control("Auto-advance at zero on or off", "A", "palette", "auto_advance", "Auto-advance"),
        Control("Bell on or off", "m", "palette", "mute", "Mute bell"),
    ),
    "Speakers": (
        Control("Next speaker", "n", "ctrl+n", "next_speaker", "Next"),
        Control("Previous speaker (their time comes back)", "b", "ctrl+b", "previous_speaker", "Back"),
        Control("Pass: the speaker passes their turn", "p", "ctrl+o", "pass_turn", "Pass"),
        Control("Give the floor to person 1-9", "1-9", "ctrl+g"),
        Control("People: give the floor, late arrival, someone leaves", "g", "ctrl+g", "people", "People"),
        Control(
            "Next up: quietest first or seating order", "q", "ctrl+g q", "quietest_first", "Quietest first"
        ),
    ),
    "Phases": (
        Control("Next phase", "f", "ctrl+f", "next_phase", "Phase▸"),
        Control("Undo the last advance", "u", "ctrl+r", "undo", "Undo"),
        Control("End the session", "e", "F10", "end_session", "End"),
    ),
    "Prompt cards": (
        Control("Put a prompt card on screen (or hide it)", "c", "F4", "cards", "Card"),
        Control("Next card in the deck", ".", "palette", "step_card(1)", "Next card"),
        Control("Previous card in the deck", ",", "palette", "step_card(-1)", "Previous card"),
    ),
    "Notes": (
        Control("Shared notes, actions or private notes", "k", "F2", "next_note_kind", "Note kind"),
        Control(
            "Start the note line with the speaker's name (their learning)",
            "@",
            "F3",
            "attribute",
            "Speaker's line",
        ),
        Control(
            "Tag the note line: #normative, #formative, #restorative or none (Proctor's functions)",
            "t",
            "F8",
            "tag_line",
            "Tag",
        ),
        Control(
            "Shared notes on the mirror (peercircle mirror) shown or hidden",
            "s",
            "palette",
            "mirror_notes",
            "Notes on mirror",
        ),
        Control(
            "Projector view or facilitator view (private notes only in the latter)",
            "v",
            "F9",
            "toggle_projector",
            "Projector",
        ),
        Control("Back into the notes", "i or enter", "", "edit_notes", "Notes", palette=False),
        Control(
            "Leave the notes (single keys work again)",
            "",
            "escape",
            "leave_notes",
            "Leave notes",
            palette=False,
        ),
    ),
    "Everywhere": (
        Control("This help", "?", "F1"),
        Control("Command palette: every control by name", "ctrl+p", "ctrl+p"),
        Control("Save and quit", "ctrl+q", "ctrl+q"),
    ),
    "Home and history": (
        Control("New session", "n"),
        Control("History: every past session, searchable", "h"),
        Control("Search: words, person:Ann, format:balint, from:2026-11-01, to:2026-11-30", "/"),
        Control("Open the highlighted session", "enter"),
        Control("Save the highlighted session to a file again (history)", "x"),
        Control("Copy the highlighted session (history)", "c"),
        Control("Delete the highlighted session (asks first)", "d"),
        Control("Back (in history: clear the search first)", "escape"),
        Control("Open actions of every session, to tick off (history: ctrl+o)", "a"),
    ),
    "Groups that meet again": (
        Control("Groups (home)", "g"),
        Control("Start a meeting of the highlighted group", "enter"),
        Control("New group / edit the highlighted one", "a / e"),
        Control("The group over time / its open actions", "o / c"),
        Control("Archive or restore it / show archived groups", "x / t"),
        Control("Who is here: tick or untick the highlighted member", "space"),
        Control("Report back: done / carried on / dropped / add a line", "d / c / x / l"),
        Control("The group's open actions, to tick off (group screen)", "a"),
        Control("Save the group report as Markdown (group screen)", "x"),
        Control("Read the group's meetings again (group screen)", "r"),
        Control("Tick the highlighted action done (actions)", "d"),
        Control("Drop the highlighted action: no longer wanted (actions)", "x"),
        Control("Open the highlighted action again (actions)", "o"),
        Control("Show the closed actions too, or the open ones only (actions)", "a"),
        Control("The meeting the highlighted action was agreed at (actions)", "enter"),
    ),
    "Summary": (
        Control("Save what the preview shows to a Markdown file", "x"),
        Control("Copy what the preview shows to the clipboard", "c"),
        Control("Anonymise: pseudonyms instead of names", "a"),
        Control("Pseudonyms and other names to hide", "n"),
        Control("Learning record for one person (or the whole session)", "l"),
        Control("Include the facilitator's private notes (off by default)", "p"),
    ),
}

LIVE_CONTROLS = tuple(c for group in GROUPS.values() for c in group if c.action and c.palette)
"""The live screen's controls offered by name in the command palette."""

FOOTER = (
    "toggle_pause",
    "next_speaker",
    "pass_turn",
    "next_phase",
    "undo",
    "people",
    "end_session",
    "cards",
    "tag_line",
    "edit_notes",
    "leave_notes",
)
"""The live screen's footer, in this order (the order of a session rather than of the help's
groups); every other control is bound but not shown there."""

FOOTER_SINGLE_KEY_ONLY = frozenset({"cards"})
"""Shown in the footer by the single key only: while typing (when the footer shows the
ctrl and function keys) a narrow window has no room left for F4."""

_KEY_NAMES = {
    # = is bound with + so that extending needs no shift on most keyboards.
    "+": "plus,equals_sign",
    "-": "minus",
    "]": "right_square_bracket",
    "[": "left_square_bracket",
    ".": "full_stop",
    ",": "comma",
    "@": "at",
}


def binding_keys(written: str) -> str:
    """Textual's key names for a key as the help writes it: ``+`` -> ``plus,equals_sign``,
    ``F10`` -> ``f10``, ``i or enter`` -> ``i,enter``. Empty when it is no single key:
    ``palette`` (only by name) or a sequence such as ``ctrl+g q`` (handled by a dialog)."""
    names = []
    for part in written.split(" or ") if written else ():
        if part == "palette" or " " in part:
            return ""
        # A single character is kept as it is: "A" (shift+a) is not "a".
        names.append(_KEY_NAMES.get(part, part if len(part) == 1 else part.lower()))
    return ",".join(names)


def live_bindings() -> list[Binding]:
    """The live screen's bindings: each control's single key and its while-typing key."""
    controls = [c for group in GROUPS.values() for c in group if c.action]
    # Footer controls first, in footer order: the footer shows actions in binding order.
    rank = {action: i for i, action in enumerate(FOOTER)}
    controls.sort(key=lambda c: rank.get(c.action, len(FOOTER)))
    bindings = []
    for control in controls:
        shown = control.action in rank
        single, typing = binding_keys(control.key), binding_keys(control.typing)
        if single:
            bindings.append(Binding(single, control.action, control.label, show=shown))
        if typing:
            shown = shown and control.action not in FOOTER_SINGLE_KEY_ONLY
            bindings.append(Binding(typing, control.action, control.label, show=shown))
    return bindings


def typing_actions() -> dict[str, str]:
    """Textual key name -> the live screen's action, for every control that works while
    typing notes (``escape`` leaves the notes, ``f8`` tags the line, ...)."""
    actions: dict[str, str] = {}
    for group in GROUPS.values():
        for control in group:
            if control.action:
                for key in filter(None, binding_keys(control.typing).split(",")):
                    actions[key] = control.action
    return actions


def help_markdown() -> str:
    lines = [
        "# Keys",
        "",
        "Single keys work when the notes are not being typed in; the second column works always.",
    ]
    for group, controls in GROUPS.items():
        lines += ["", f"## {group}", "", "| | key | while typing |", "| --- | --- | --- |"]
        for control in controls:
            lines.append(
                f"| {control.title} | `{control.key}` | {f'`{control.typing}`' if control.typing else ''} |"
            )
    return "\n".join(lines) + "\n"
