"""The live screen: the phase, its rule, a big countdown, who speaks, and the notes.

Every control has a single key (when the notes editor is not focused) and a ctrl or
function key that also works while typing, because a focused TextArea swallows
printable keys. The screen only translates keys into session commands and renders
``Session.view()``; it does no timing arithmetic of its own.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.timer import Timer
from textual.widgets import Footer, TextArea

from peercircle.sessions.engine.clock import NS_PER_SECOND
from peercircle.sessions.engine.session import LiveView, Session
from peercircle.sessions.engine.timefmt import countdown_text
from peercircle.sessions.library.decks import Deck
from peercircle.sessions.library.formats import SpeakerMode
from peercircle.sessions.records.actions import nudge
from peercircle.sessions.records.export import PROCTOR
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.keymap import LIVE_CONTROLS, live_bindings
from peercircle.tui.screens.confirm import ConfirmScreen
from peercircle.tui.screens.deck import HIDE, DeckScreen, card_text
from peercircle.tui.screens.live_state import (
    FINAL_SECONDS,
    LONGEST_WAIT_NS,
    WARNING_SECONDS,
    CardView,
    LiveState,
    live_state,
    next_change_ns,
)
from peercircle.tui.widgets.live_panels import (
    CardPanel,
    ClockPanel,
    LivePanel,
    NotesPanel,
    PhaseBar,
    SpeakerPanel,
)
from peercircle.tui.widgets.notes_area import cycle_proctor_tag, proctor_tag

NOTE_KINDS = ("shared", "action", "private")
QUIET_PRESENTER = frozenset({SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS, SpeakerMode.SILENCE})
"""Phases where the presenter does not speak, so a note line is never theirs by default."""
SLOW_SAVE_SECONDS = 2.0
FLASH_SECONDS = 1.5
TICK_MARGIN_NS = 2_000_000
"""Woken this long after a second boundary, so the text has surely changed by then."""


class LiveScreen(PeerCircleScreen[None]):
    # Focus stays where the facilitator left it (notes or not) after a dialog closes.
    AUTO_FOCUS = ""
    # From the one table of controls (keymap.py), which the help, the palette and the README
    # are read from too; only the reassurance for a habitual ctrl+s is the live screen's own.
    BINDINGS = [
        *live_bindings(),
        Binding("ctrl+s", "save_notes", "Save", show=False),
    ]
    # Textual puts one class of each list on the screen for its size; the panels' styles
    # size the clock, the names and the notes from them (see live_panels.py).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (150, "-room-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (24, "-short"), (30, "-tall"), (45, "-room"), (58, "-huge")]

    state: LiveState = LiveState()
    """Everything the panels show, rebuilt on each refresh and given to each panel, which
    draws again only if its own part of it changed."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._notes_step = -1
        self._notes_kind = ""
        self.note_kind = "shared"
        self._belled_step = -1
        self._last_typed: int | None = None  # clock.monotonic_ns() of the last keystroke
        self.card: tuple[Deck, int] | None = None
        """The prompt card on screen: its deck and its place in the deck."""
        self._tick_timer: Timer | None = None
        self.next_tick_ns: int | None = None
        """How long (session clock) until the next refresh, as last scheduled."""
        self._settled = False
        """Whether ``_settle_memory`` has been asked for."""

    def compose(self) -> ComposeResult:
        phase, clock = PhaseBar(id="phase-bar"), ClockPanel(id="clock-panel")
        card, speaker = CardPanel(id="card-panel"), SpeakerPanel(id="speaker-panel")
        notes = NotesPanel(id="notes-panel")
        self._panels: tuple[LivePanel, ...] = (phase, clock, card, speaker, notes)
        with Vertical(id="live"):
            yield phase
            with Horizontal(id="stage"):
                yield clock
                yield card
            yield speaker
            yield notes
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#notes", TextArea).focus()

    def _settle_memory(self) -> None:
        """Collect what the set-up screens left behind, once the live screen is up, and keep
        the objects alive now out of later collections (``gc.freeze``) for as long as it
        stays: the room watches the clock for ninety minutes, and a full collection went
        through all of them (some 100,000 objects, a tenth of a second or more) about once
        a minute, while nothing but the countdown changed. Objects made from here on are
        collected as before; leaving the screen puts the frozen ones back (on_unmount).
        Done once, just after the first second is drawn: the next is a second away.
        Not in a headless app (the tests), where nobody watches and many apps come and go."""
        gc.collect()
        gc.freeze()

    def on_unmount(self) -> None:
        if not self.app.is_headless:
            gc.unfreeze()

    # -- rendering -----------------------------------------------------------------------

    def tick(self) -> None:
        self._tick_timer = None
        # Never move the group on under an open question (a dialog is on top).
        if self.app.screen is self and self.session.auto_advance(self._last_typed):
            self.notify("Time is up: moved to the next phase (auto-advance).", timeout=4)
            self.refresh_bindings()
        self.refresh_view()
        if not self._settled and not self.app.is_headless:
            self._settled = True
            self.call_after_refresh(self._settle_memory)

    def _schedule_tick(self, view: LiveView) -> None:
        """Wake at the next moment the screen shows something else by itself (the next
        second of a countdown, mostly), not on a fixed beat: a 4-a-second poll redrew
        nothing three times in four and kept a projecting laptop busy for ninety minutes.
        The wait is reckoned on the session's clock from the same view the panels show,
        so the countdown cannot drift from the engine's time."""
        wait_ns = next_change_ns(view, last_typed_ns=self._last_typed, now_ns=self.session.now_ns())
        self.next_tick_ns = wait_ns
        if self._tick_timer is not None:
            self._tick_timer.stop()
            self._tick_timer = None
        # Tests that move a fake clock by hand call tick() themselves, and ask for no display
        # timer with a refresh interval longer than the screen ever waits (an hour).
        if self.app.refresh_interval * NS_PER_SECOND > LONGEST_WAIT_NS or self._closing or self._closed:
            return
        self._tick_timer = self.set_timer((wait_ns + TICK_MARGIN_NS) / NS_PER_SECOND, self.tick)

    def refresh_view(self) -> None:
        """Put the session's view into one state; the panels bound to it redraw what changed."""
        view = self.session.view()
        phase = view.phase
        self._show_notes(view.step_index)
        projector = self.app.projector
        hint = ""
        if self.note_kind == "action" and not projector:
            hint = nudge(self.query_one("#notes", TextArea).text, view.members)
        self.state = state = live_state(
            view,
            projector=projector,
            bell_muted=self.app.bell_muted,
            typing=isinstance(self.focused, TextArea),
            note_kind=self.note_kind,
            notes_hint=hint,
            save_status=self._save_status(),
            card=self._card_view(),
            on_mirror=self.session.timeline.mirror_notes,
        )
        for panel in self._panels:
            panel.take(state)
        remaining = view.remaining
        self._set_classes(
            (view.overtime, "-overtime"),
            (0 <= remaining <= WARNING_SECONDS and not view.overtime, "-warning"),
            (0 <= remaining <= FINAL_SECONDS and not view.overtime, "-final"),
            (view.paused, "-paused"),
            (phase.mode is SpeakerMode.SILENCE, "-silence"),
            (phase.mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS, "-listening"),
            (projector, "-projector"),
        )
        if view.overtime and not view.paused and self._belled_step != view.step_index:
            self._belled_step = view.step_index
            self._time_up()
        self._schedule_tick(view)

    def _set_classes(self, *wanted: tuple[bool, str]) -> None:
        """Each class on the screen or not, as asked; only a change is passed on to Textual
        (which checks the names and restyles for each call)."""
        for on, name in wanted:
            if on != self.has_class(name):
                self.set_class(on, name)

    def _card_view(self) -> CardView | None:
        if self.card is None:
            return None
        deck, index = self.card
        card = deck.cards[index]
        body = card_text(deck, card, with_title=False).plain
        return CardView(card.title, body, f"{deck.name} · {index + 1}/{len(deck.cards)}")

    def _time_up(self) -> None:
        """Zero: one bell (unless muted) and a flash nobody can miss, bell or no bell."""
        if not self.app.bell_muted:
            self.app.bell()
        if FLASH_SECONDS > 0:  # 0 turns the flash off (the pictures in the tests need that)
            self.add_class("-flash")
            self.set_timer(FLASH_SECONDS, lambda: self.remove_class("-flash"))

    def _show_notes(self, step_index: int) -> None:
        """The editor holds one note: this step's note of the chosen kind."""
        if (step_index, self.note_kind) == (self._notes_step, self._notes_kind):
            return
        editor = self.query_one("#notes", TextArea)
        if self._notes_step >= 0:
            self.session.write_note(self._notes_step, editor.text, self._notes_kind)
        self._notes_step, self._notes_kind = step_index, self.note_kind
        note = self.session.note_for(step_index, self.note_kind)
        editor.load_text(note.text if note else "")
        editor.move_cursor(editor.document.end)  # carry on where the notes end

    def _save_status(self) -> str:
        saver = self.app.autosaver
        self._set_classes((bool(saver and saver.error), "-save-error"))
        if saver is None:
            return "not saved"
        if saver.error:
            return f"⚠ {saver.error}"
        if saver.unsaved_for() > SLOW_SAVE_SECONDS:
            # Only worth a word when the disk is slow; a flicker on every keystroke is not.
            return "saving…"
        return "saved"

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Auto-advance never moves the group on while the facilitator is typing.
        self._last_typed = self.session.clock.monotonic_ns()
        if self._notes_step >= 0:
            self.session.write_note(self._notes_step, event.text_area.text, self._notes_kind)

    def on_key(self, event: Key) -> None:
        if isinstance(self.focused, TextArea):
            return
        if event.character and event.character.isdigit() and event.character != "0":
            self.action_give_floor(int(event.character))
            event.stop()

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Each control of the live screen, by name, for the command palette."""
        for control in LIVE_CONTROLS:
            keys = f"{control.key} / {control.typing}" if control.typing else control.key
            yield SystemCommand(
                control.title, f"Live session · {keys}", partial(self.run_action, control.action)
            )

    # -- controls ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        timeline = self.session.timeline
        if action in ("next_speaker", "pass_turn"):
            return timeline.takes_turns and timeline.current is not None
        if action == "previous_speaker":
            return timeline.takes_turns and bool(timeline.history)
        if action == "undo":
            return timeline.undoable() is not None
        if action == "extend_turn":
            return timeline.current is not None and timeline.turn_planned_ns(timeline.current) is not None
        if action == "leave_notes":
            return isinstance(self.focused, TextArea)
        if action == "edit_notes":
            return not isinstance(self.focused, TextArea)
        return True

    def _after(self) -> None:
        self.refresh_view()
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self._after()

    def on_descendant_blur(self) -> None:
        self._after()

    def on_screen_resume(self) -> None:
        self._after()

    def action_toggle_pause(self) -> None:
        self.session.toggle_pause()
        self._after()

    def action_next_speaker(self) -> None:
        self.session.next_speaker()
        self._after()

    def action_previous_speaker(self) -> None:
        self.session.previous_speaker()
        self._after()

    def action_pass_turn(self) -> None:
        person = self.session.timeline.current
        if self.session.pass_turn():
            # A name is never markup: "[/x]Cy passed" raised MarkupError and stopped the app.
            self.notify(f"{person} passed; offered again at the end of the round", timeout=2, markup=False)
        self._after()

    def action_give_floor(self, number: int) -> None:
        members = self.session.view().members
        person = members[number - 1] if 1 <= number <= len(members) else None
        refusal = self.session.floor_refusal(person)
        if refusal is not None:
            # The phase's mode says why (a presenter who listens), in place of a bare "no".
            self.notify(refusal, severity="warning", timeout=3, markup=False)
        elif self.session.jump_to_number(number) is None:
            self.notify(f"Nobody numbered {number} can take the floor now.", severity="warning", timeout=3)
        self._after()

    def action_undo(self) -> None:
        event = self.session.timeline.undoable()
        if event and self.session.undo():
            self.notify(f"Undone: {event.kind.value.replace('_', ' ')}", timeout=2)
        self._after()

    def action_extend_phase(self, minutes: int) -> None:
        self.session.extend_phase(minutes)
        self._after()

    def action_extend_turn(self, minutes: int) -> None:
        self.session.extend_turn(minutes)
        self._after()

    def action_quietest_first(self) -> None:
        on = not self.session.timeline.quietest_first
        self.session.set_quietest_first(on)
        self.notify("Next up: quietest first" if on else "Next up: seating order", timeout=2)
        self._after()

    def action_auto_advance(self) -> None:
        on = not self.session.timeline.auto_advance
        self.session.set_auto_advance(on)
        self.notify(
            "Auto-advance on: at zero the next phase starts (never while you type)"
            if on
            else "Auto-advance off: you move the phases on",
            timeout=3,
        )
        self._after()

    def action_mute(self) -> None:
        self.app.bell_muted = not self.app.bell_muted
        self.notify("Bell off (the screen still flashes)" if self.app.bell_muted else "Bell on", timeout=2)
        self._after()

    def action_next_note_kind(self) -> None:
        kinds = [k for k in NOTE_KINDS if not (self.app.projector and k == "private")]
        self.note_kind = (
            kinds[(kinds.index(self.note_kind) + 1) % len(kinds)] if self.note_kind in kinds else "shared"
        )
        self._after()

    def action_cards(self) -> None:
        phase = self.session.view().phase
        decks = self.app.decks.decks
        if not decks:
            self.notify("No prompt decks could be read; see 'peercircle formats list'.", severity="warning")
            return

        def chosen(choice: tuple[str, int] | str | None) -> None:
            if choice == HIDE:
                if self.card is not None:
                    self.session.hide_card()  # recorded, so the mirror takes it down too
                self.card = None
            elif isinstance(choice, tuple):
                deck = self.app.decks.get(choice[0])
                if deck is not None:
                    self._put_card(deck, choice[1])
            self._after()

        self.app.push_screen(DeckScreen(decks, phase.deck, phase.card, showing=self.card is not None), chosen)

    def _put_card(self, deck: Deck, index: int) -> None:
        self.card = (deck, index)
        # Recorded, so the session's record can say which cards the group used in each phase.
        self.session.show_card(deck.id, deck.name, deck.cards[index].title)

    def action_attribute(self) -> None:
        """Start a note line with the speaker's name ("Bea: ..."), so the line counts as
        theirs in a personal learning record. A line that already holds words (someone
        else's, perhaps) is never touched: the name starts a new line below it."""
        view = self.session.view()
        person = view.speaker
        if person is None and view.phase.mode not in QUIET_PRESENTER:
            person = view.presenter
        if person is None or person not in view.members or self.session.floor_refusal(person):
            self.notify("Nobody has the floor: give it with their number first.", timeout=3)
            return
        editor = self.query_one("#notes", TextArea)
        row = editor.cursor_location[0]
        line = editor.document.get_line(row)
        prefix = f"{person}: "
        if not line.strip():
            editor.replace(prefix, (row, 0), (row, len(line)))
        elif line.rstrip() != prefix.rstrip():
            editor.insert(f"\n{prefix}", (row, len(line)))
            row += 1
        editor.move_cursor((row, len(editor.document.get_line(row))))
        editor.focus()

    def action_tag_line(self) -> None:
        """Move the tag of Proctor's functions on the cursor's line round: none, #normative,
        #formative, #restorative. An edit like typing, so it is saved the same way."""
        editor = self.query_one("#notes", TextArea)
        row = editor.cursor_location[0]
        line = editor.document.get_line(row)
        tagged = cycle_proctor_tag(line)
        if tagged != line:
            editor.replace(tagged, (row, 0), (row, len(line)))
        editor.move_cursor((row, len(tagged)))
        tag = proctor_tag(tagged)
        covers = dict(PROCTOR).get(tag or "", "")
        self.notify(f"Tagged #{tag} ({covers})" if tag else "Tag taken off the line", timeout=2)

    def action_step_card(self, step: int) -> None:
        if self.card is None:
            self.action_cards()
            return
        deck, index = self.card
        self._put_card(deck, (index + step) % len(deck.cards))
        self._after()

    def action_mirror_notes(self) -> None:
        """Show the shared notes on the mirror, or stop: kept in the session, which is all
        the mirror reads. Only ever the shared notes; private notes and actions stay here."""
        on = not self.session.timeline.mirror_notes
        self.session.set_mirror_notes(on)
        self.notify(
            "The mirror shows the shared notes (never private notes)"
            if on
            else "The mirror no longer shows the notes",
            timeout=3,
        )
        self._after()

    def action_toggle_projector(self) -> None:
        self.app.projector = not self.app.projector
        if self.app.projector and self.note_kind == "private":
            self.note_kind = "shared"  # private notes never reach the wall
        self.notify(
            "Projector view: facilitator-only things hidden"
            if self.app.projector
            else "Facilitator view: private notes can be shown",
            timeout=2,
        )
        self._after()

    def action_people(self) -> None:
        from peercircle.tui.screens.people import PeopleScreen

        if self.app.projector:
            self.notify(
                "The people list is hidden in projector view (v leaves it). Numbers still give the floor.",
                timeout=4,
            )
            return
        self.app.push_screen(PeopleScreen(self.session))

    def action_next_phase(self) -> None:
        view = self.session.view()
        if view.is_last_step:
            self.action_end_session(last_phase=True)
            return
        if self.session.advance_needs_confirmation():

            def answered(yes: bool | None) -> None:
                # Only the phase the question was about: never skip one that began since.
                if yes and self.session.timeline.step_index == view.step_index:
                    self.session.next_phase()
                self._after()

            self.app.push_screen(
                ConfirmScreen(
                    f"{view.phase.name} is protected time ({countdown_text(view.remaining)} left): "
                    "the group holds it even if the speaker finishes early. Move on anyway?",
                    yes="Move on",
                    no="Hold the time",
                ),
                answered,
            )
            return
        self.session.next_phase()
        self._after()

    def action_end_session(self, last_phase: bool = False) -> None:
        question = (
            "This is the last phase. End the session and see the summary?"
            if last_phase
            else "End the session now and see the summary?"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._end()

        self.app.push_screen(ConfirmScreen(question, yes="End session", no="Keep going"), answered)

    def _end(self) -> None:
        from peercircle.tui.screens.summary import SummaryScreen

        self.session.write_note(self._notes_step, self.query_one("#notes", TextArea).text, self._notes_kind)
        self.session.end()
        if not self.app.finish_recording():
            self.notify(
                "Some notes could not be saved yet; see the message on the summary.", severity="error"
            )
        self.app.switch_screen(SummaryScreen(self.session))

    def action_edit_notes(self) -> None:
        self.query_one("#notes", TextArea).focus()

    def action_leave_notes(self) -> None:
        self.set_focus(None)

    def action_save_notes(self) -> None:
        self.notify("Notes are saved as you type; nothing else to do.", timeout=3)
