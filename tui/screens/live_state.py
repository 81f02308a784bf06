"""What the live screen shows, as one value: the session's view put into words.

The live screen builds a ``LiveState`` on every refresh and its panels are bound to it
(Textual's ``data_bind``). The state holds only what is drawn (texts, not instants), so
two refreshes within the same second compare equal and no panel redraws for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from peercircle.sessions.engine.clock import NS_PER_SECOND
from peercircle.sessions.engine.session import AUTO_ADVANCE_QUIET_NS, LiveView
from peercircle.sessions.engine.timefmt import (
    clock_text,
    countdown_text,
    until_next_minute,
    until_next_second,
)
from peercircle.sessions.library.formats import SpeakerMode
from peercircle.tui.widgets.roster import RosterEntry

WARNING_SECONDS = 60
FINAL_SECONDS = 10
LONGEST_WAIT_NS = NS_PER_SECOND
"""The longest the live screen goes without a refresh, whatever the clock says: what is not
on the clock (the save status, a save error) shows within a second, as a paused screen's."""

NOTE_LABELS = {
    "shared": "Shared notes",
    "action": "Actions: what · who · by when, one per line",
    "private": "Private notes: facilitator view only; exported only if asked for",
}


@dataclass(frozen=True)
class CardView:
    """A prompt card on screen: its title, its text, and where it sits in its deck."""

    title: str
    body: str
    place: str


@dataclass(frozen=True)
class LiveState:
    phase_name: str = ""
    place: str = ""
    mode: str = ""
    rule: str = ""
    countdown: str = "00:00"
    clock_state: str = ""
    planned: str = ""
    budget: str = ""
    turn: str | None = None
    """The speaker's own countdown, or None when the phase has no turn clock."""
    turn_over: bool = False
    speaker: str = ""
    next_up: str = ""
    roster: tuple[RosterEntry, ...] = ()
    prompts: tuple[str, ...] = ()
    card: CardView | None = None
    projector: bool = False
    typing: bool = False
    note_kind: str = "shared"
    notes_label: str = ""
    notes_hint: str = ""
    save_status: str = ""


def speaker_lines(view: LiveView) -> tuple[str, str]:
    """Who is speaking now, and who is next, in the group's words."""
    mode = view.phase.mode
    presenter = view.presenter or "the presenter"
    if mode.takes_turns:
        if view.round_complete or view.speaker is None:
            return "Round complete", "Everyone has had a turn. Move to the next phase when ready."
        upcoming = ", ".join(view.upcoming) if view.upcoming else "end of the round"
        return view.speaker, f"Next: {upcoming} · round {view.round}"
    if mode is SpeakerMode.PRESENTER:
        speaking = view.speaker or presenter
        return speaking, "Presenting · everyone else listens" if speaking == presenter else "Has the floor"
    if mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS:
        marked = f" · {view.speaker} has the floor" if view.speaker else ""
        return f"{presenter} listens in silence", f"Members talk among themselves; no replies{marked}"
    if mode is SpeakerMode.DIALOGUE:
        marked = f" · {view.speaker} has the floor" if view.speaker else ""
        return f"{presenter} and the group", f"Dialogue{marked}"
    if mode is SpeakerMode.SILENCE:
        return "Silence", "Reflect or write on your own"
    return (view.speaker or "Open discussion"), "Anyone may speak · mark who speaks with their number"


def place_line(view: LiveView) -> str:
    """'Phase 3 of 7' and, when the format cycles, 'Ben presents (2 of 3)'."""
    place = f"Phase {view.phase_index + 1} of {view.phase_count}"
    if view.cycle_count > 1:
        place += f" · {view.presenter} presents ({view.cycle + 1} of {view.cycle_count})"
    return place


def budget_line(view: LiveView) -> str:
    """'ends 11:40 · 2 min behind': the session's end if the rest keeps to plan."""
    if view.projected_end is None:
        return ""
    minutes = round(view.behind / 60)
    if minutes > 0:
        drift = f"{minutes} min behind"
    elif minutes < 0:
        drift = f"{-minutes} min ahead"
    else:
        drift = "on time"
    return f"ends {view.projected_end:%H:%M} · {drift}"


def clock_state(view: LiveView) -> str:
    """The countdown's state in a word, so it never rests on colour alone."""
    if view.paused:
        return "PAUSED"
    if view.overtime:
        return "OVERTIME"
    if view.remaining <= FINAL_SECONDS:
        return "10 SECONDS"
    if view.remaining <= WARNING_SECONDS:
        return "1 MIN LEFT"
    return "remaining"


def roster_entries(view: LiveView) -> tuple[RosterEntry, ...]:
    """Everyone present by number (1-9 give them the floor), the speaker marked."""
    return tuple(
        RosterEntry(number, person, person == view.presenter, person == view.speaker)
        for number, person in enumerate(view.members, 1)
    )


def live_state(
    view: LiveView,
    *,
    projector: bool,
    bell_muted: bool,
    typing: bool,
    note_kind: str,
    notes_hint: str,
    save_status: str,
    card: CardView | None,
    on_mirror: bool = False,
) -> LiveState:
    """``on_mirror``: the facilitator has put the shared notes on the mirror, so the label
    of the shared notes says the room reads them as they are typed."""
    phase = view.phase
    flags = [f"of {clock_text(view.planned)}", f"seed {view.seed}" if view.seed is not None else ""]
    flags += ["auto-advance" if view.auto_advance else "", "bell off" if bell_muted else ""]
    has_turn_clock = view.turn_remaining is not None and view.speaker is not None
    turn_remaining = view.turn_remaining or 0
    speaker, upcoming = speaker_lines(view)
    silence = phase.mode is SpeakerMode.SILENCE
    return LiveState(
        phase_name=phase.name,
        place=place_line(view),
        mode=phase.mode.label,
        rule=phase.rule,
        countdown=countdown_text(view.remaining),
        clock_state=clock_state(view),
        planned=" · ".join(f for f in flags if f),
        budget=budget_line(view),
        turn=countdown_text(turn_remaining) if has_turn_clock else None,
        turn_over=has_turn_clock and turn_remaining < 0,
        speaker=speaker,
        next_up=upcoming,
        roster=roster_entries(view),
        # Silence is a calm screen: nothing competes with the time left. A deck card, when
        # one is up, stands in for the phase's own prompts.
        prompts=() if silence or card is not None else tuple(phase.prompts),
        card=card,
        projector=projector,
        typing=typing,
        note_kind=note_kind,
        notes_label=f"{NOTE_LABELS[note_kind]} · {phase.name}"
        + (" · on the mirror" if on_mirror and note_kind == "shared" else ""),
        notes_hint=notes_hint,
        save_status=save_status,
    )


WALL_STEP_NS = 1_000
"""The wall clock's resolution (a datetime holds microseconds)."""


def next_change_ns(view: LiveView, *, last_typed_ns: int | None, now_ns: int) -> int:
    """Nanoseconds on the session clock until the live screen shows something else by
    itself: the phase's countdown or the turn's reaching another second, the expected end
    moving on a minute (while paused or in overtime it moves with the wall clock),
    auto-advance's quiet time after the last keystroke running out. Never more than
    ``LONGEST_WAIT_NS``. Anything done to the session (a key) refreshes at once anyway."""
    waits = [LONGEST_WAIT_NS]
    if not view.paused and not view.ended:
        waits.append(until_next_second(view.remaining_ns))
        if view.turn_remaining_ns is not None and view.speaker is not None:
            waits.append(until_next_second(view.turn_remaining_ns))
    if view.projected_end is not None and (view.paused or view.remaining_ns <= 0):
        # The drift is rounded to whole minutes, so it moves on at each half minute.
        half = 30 * NS_PER_SECOND
        behind_ns = round(view.behind * NS_PER_SECOND)
        # Exactly on a half minute, round() keeps the lower minute (half to even, for 30 s
        # 'on time'), so the turn comes a step later.
        into_half = (behind_ns + half) % (2 * half)
        drift_wait = 2 * half - into_half if into_half else WALL_STEP_NS
        for wall_wait in (until_next_minute(view.projected_end), drift_wait):
            # The wall clock is read in whole microseconds: wake up to one early, not late.
            waits.append(max(WALL_STEP_NS, wall_wait - WALL_STEP_NS))
    if view.auto_advance and last_typed_ns is not None and view.remaining_ns <= 0:
        quiet_left = last_typed_ns + AUTO_ADVANCE_QUIET_NS - now_ns
        if quiet_left > 0:
            waits.append(quiet_left)
    return max(1, min(waits))
