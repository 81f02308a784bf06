"""What the mirror shows, as one value: the followed session put into the room's words.

Built from the session alone, through the live screen's own ``live_state`` with every
facilitator-only part left out: no private notes, no action nudges, no save status, no
keys. The shared notes are in it only while the facilitator has chosen to show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peercircle.sessions.engine.session import LiveView, Session
from peercircle.sessions.library.decks import DeckLibrary
from peercircle.sessions.library.formats import SpeakerMode
from peercircle.tui.screens.live_state import (
    FINAL_SECONDS,
    WARNING_SECONDS,
    CardView,
    LiveState,
    live_state,
)

WAITING = "No session is running in this folder; waiting…"
WAITING_MORE = "The session appears here as soon as the facilitator starts or resumes one."


@dataclass(frozen=True)
class MirrorState:
    live: LiveState | None = None
    """The session as the room sees it; None while no session is running."""
    notes: str | None = None
    """The shared notes of the current phase, when the facilitator shows them; else None."""
    notes_title: str = ""
    problem: str = ""
    """Why the session file cannot be read lately (the last good state is still shown)."""
    paused: bool = False
    overtime: bool = False
    warning: bool = False
    final: bool = False
    silence: bool = False
    listening: bool = False


def mirror_state(session: Session | None, problem: str, decks: Callable[[], DeckLibrary]) -> MirrorState:
    """The mirror's state for ``session`` now (None: waiting). ``decks`` is asked only when
    a card is up, so a mirror that never shows one never reads the deck files."""
    if session is None:
        return MirrorState(problem=problem)
    view = session.view()
    state = live_state(
        view,
        projector=True,  # the room's view, whatever the facilitator's own screen shows
        bell_muted=False,
        typing=False,
        note_kind="shared",
        notes_hint="",  # facilitator hints never reach the wall
        save_status="",
        card=_card(session, decks),
    )
    notes = None
    if session.timeline.mirror_notes:
        note = session.note_for(view.step_index, "shared")  # the shared kind, never another
        notes = note.text if note is not None else ""
    remaining = view.remaining
    mode = view.phase.mode
    return MirrorState(
        live=state,
        notes=notes,
        notes_title=f"Shared notes · {view.phase.name}",
        problem=problem,
        paused=view.paused,
        overtime=view.overtime,
        warning=_warning(view, remaining, WARNING_SECONDS),
        final=_warning(view, remaining, FINAL_SECONDS),
        silence=mode is SpeakerMode.SILENCE,
        listening=mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS,
    )


def _warning(view: LiveView, remaining: float, seconds: int) -> bool:
    return 0 <= remaining <= seconds and not view.overtime


def _card(session: Session, decks: Callable[[], DeckLibrary]) -> CardView | None:
    """The card the facilitator put beside the timer, as their screen shows it."""
    shown = session.timeline.card_shown
    if shown is None:
        return None
    deck_id, deck_name, title = shown
    deck = decks().get(deck_id)
    card = deck.card(title) if deck is not None else None
    if deck is None or card is None:
        # A deck of the facilitator's that this mirror cannot read: the title still shows.
        return CardView(title, "", deck_name)
    from peercircle.tui.screens.deck import card_text

    index = deck.cards.index(card)
    body = card_text(deck, card, with_title=False).plain
    return CardView(card.title, body, f"{deck.name} · {index + 1}/{len(deck.cards)}")
