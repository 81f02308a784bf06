"""Every control, once: the help screen, the command palette and the README table agree.

``key`` works when the notes editor is not focused; ``typing`` also works while typing
notes (a focused editor swallows printable keys, so those are ctrl or function keys).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    title: str
    key: str
    typing: str = ""
    action: str = ""
    """The live screen's action, for the command palette; empty when not a live control."""


GROUPS: dict[str, tuple[Control, ...]] = {
    "Time": (
        Control("Pause or resume the clock", "space", "ctrl+t", "toggle_pause"),
        Control("Extend the phase by a minute", "+", "ctrl+up", "extend_phase(1)"),
        Control("Trim the phase by a minute", "-", "ctrl+down", "extend_phase(-1)"),
        Control("Extend the turn by a minute", "]", "ctrl+shift+up", "extend_turn(1)"),
        Control("Trim the turn by a minute", "[", "ctrl+shift+down", "extend_turn(-1)"),
        Control("Auto-advance at zero on or off", "A", "palette", "auto_advance"),
        Control("Bell on or off", "m", "palette", "mute"),
    ),
    "Speakers": (
        Control("Next speaker", "n", "ctrl+n", "next_speaker"),
        Control("Previous speaker (their time comes back)", "b", "ctrl+b", "previous_speaker"),
        Control("Pass: the speaker passes their turn", "p", "ctrl+o", "pass_turn"),
        Control("Give the floor to person 1-9", "1-9", "ctrl+g"),
        Control("People: give the floor, late arrival, someone leaves", "g", "ctrl+g", "people"),
        Control("Next up: quietest first or seating order", "q", "ctrl+g q", "quietest_first"),
    ),
    "Phases": (
        Control("Next phase", "f", "ctrl+f", "next_phase"),
        Control("Undo the last advance", "u", "ctrl+r", "undo"),
        Control("End the session", "e", "F10", "end_session"),
    ),
    "Prompt cards": (
        Control("Put a prompt card on screen (or hide it)", "c", "F4", "cards"),
        Control("Next card in the deck", ".", "palette", "step_card(1)"),
        Control("Previous card in the deck", ",", "palette", "step_card(-1)"),
    ),
    "Notes": (
        Control("Shared notes, actions or private notes", "k", "F2", "next_note_kind"),
        Control("Start the note line with the speaker's name (their learning)", "@", "F3", "attribute"),
        Control("Projector mode: hide facilitator-only things", "v", "F9", "toggle_projector"),
        Control("Back into the notes", "i or enter", ""),
        Control("Leave the notes (single keys work again)", "", "escape"),
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

LIVE_CONTROLS = tuple(c for group in GROUPS.values() for c in group if c.action)


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
