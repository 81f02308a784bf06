"""The live screen: the phase, its rule, a big countdown, who speaks, and the notes.

Every control has a single key (when the notes editor is not focused) and a ctrl or
function key that also works while typing, because a focused TextArea swallows
printable keys. The screen only translates keys into session commands and renders
``Session.view()``; it does no timing arithmetic of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.widgets import Digits, Footer, Static, TextArea

from peercircle.sessions.engine.session import LiveView, Session
from peercircle.sessions.engine.timefmt import clock_text, countdown_text
from peercircle.sessions.library.decks import Deck
from peercircle.sessions.library.formats import SpeakerMode
from peercircle.sessions.records.actions import nudge
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.keymap import LIVE_CONTROLS, live_bindings
from peercircle.tui.screens.confirm import ConfirmScreen
from peercircle.tui.screens.deck import HIDE, DeckScreen, card_text
from peercircle.tui.widgets.big_clock import BigClock, big_name
from peercircle.tui.widgets.notes_area import NotesArea

NOTE_KINDS = ("shared", "action", "private")
NOTE_LABELS = {
    "shared": "Shared notes",
    "action": "Actions: what · who · by when, one per line",
    "private": "Private notes (facilitator only; never projected or exported)",
}
LARGE = (150, 45)
"""From this window size (columns, rows) the countdown is drawn five rows tall."""
WARNING_SECONDS = 60
FINAL_SECONDS = 10
SLOW_SAVE_SECONDS = 2.0
FLASH_SECONDS = 1.5


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


def roster_line(view: LiveView) -> str:
    """People by number (the keys that give them the floor), the speaker marked."""
    cells = []
    for number, person in enumerate(view.members, 1):
        label = f"{number} {person}" if number <= 9 else person
        if person == view.presenter:
            label += " (P)"
        cells.append(f"[reverse] {label} [/reverse]" if person == view.speaker else label)
    return "   ".join(cells)


class LiveScreen(PeerCircleScreen[None]):
    # Focus stays where the facilitator left it (notes or not) after a dialog closes.
    AUTO_FOCUS = ""
    # From the one table of controls (keymap.py), which the help, the palette and the README
    # are read from too; only the reassurance for a habitual ctrl+s is the live screen's own.
    BINDINGS = [
        *live_bindings(),
        Binding("ctrl+s", "save_notes", "Save", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._notes_step = -1
        self._notes_kind = ""
        self.note_kind = "shared"
        self._belled_step = -1
        self._last_typed: int | None = None  # clock.monotonic_ns() of the last keystroke
        self._shown: dict[str, str] = {}
        self.card: tuple[Deck, int] | None = None
        """The prompt card on screen: its deck and its place in the deck."""

    def compose(self) -> ComposeResult:
        with Vertical(id="live"):
            with Horizontal(id="phase-bar"):
                yield Static("", id="phase-name")
                yield Static("", id="phase-place")
                yield Static("", id="view-tag")
            yield Static("", id="mode")
            yield Static("", id="rule")
            with Horizontal(id="stage"):
                with Vertical(id="stage-left"):
                    with Horizontal(id="clock-row"):
                        yield Digits("00:00", id="countdown")
                        yield BigClock("00:00", id="big-countdown")
                        with Vertical(id="clock-side"):
                            yield Static("", id="clock-state")
                            yield Static("", id="clock-planned")
                            yield Static("", id="clock-budget")
                        with Vertical(id="turn-box"):
                            yield Digits("", id="turn-countdown")
                            yield BigClock("", id="big-turn-countdown")
                    with Horizontal(id="speaker-row"):
                        with Vertical(id="speaker-box"):
                            yield Static("", id="big-speaker", markup=False)
                            yield Static("", id="speaker")
                            yield Static("", id="next-up")
                            yield Static("", id="roster")
                        yield Static("", id="prompt-card")
                yield Static("", id="card-panel")
            with Horizontal(id="notes-bar"):
                yield Static("", id="notes-label")
                yield Static("", id="notes-hint")
                yield Static("", id="save-status")
            yield NotesArea(
                id="notes", soft_wrap=True, placeholder="Type notes here; they are saved as you type."
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._fit(self.app.size.width, self.app.size.height)
        self.refresh_view()
        self.query_one("#notes", TextArea).focus()
        self.set_interval(self.app.refresh_interval, self.tick)

    # -- rendering -----------------------------------------------------------------------

    def _set(self, selector: str, text: str) -> None:
        # Only touch widgets whose text changed, so a 4 Hz refresh costs next to nothing.
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            widget = self.query_one(selector)
            assert isinstance(widget, Static | Digits | BigClock)
            widget.update(text)

    def tick(self) -> None:
        # Never move the group on under an open question (a dialog is on top).
        if self.app.screen is self and self.session.auto_advance(self._last_typed):
            self.notify("Time is up: moved to the next phase (auto-advance).", timeout=4)
            self.refresh_bindings()
        self.refresh_view()

    def refresh_view(self) -> None:
        view = self.session.view()
        phase = view.phase
        self._set("#phase-name", phase.name)
        self._set("#phase-place", place_line(view))
        self._set("#mode", phase.mode.label)
        self._set("#rule", phase.rule)
        self._set("#countdown", countdown_text(view.remaining))
        self._set("#big-countdown", countdown_text(view.remaining))
        if view.paused:
            state = "PAUSED"
        elif view.overtime:
            state = "OVERTIME"
        elif view.remaining <= FINAL_SECONDS:
            state = "10 SECONDS"
        elif view.remaining <= WARNING_SECONDS:
            state = "1 MIN LEFT"
        else:
            state = "remaining"
        self._set("#clock-state", state)
        flags = [f"of {clock_text(view.planned)}", f"seed {view.seed}" if view.seed is not None else ""]
        flags += ["auto-advance" if view.auto_advance else "", "bell off" if self.app.bell_muted else ""]
        self._set("#clock-planned", " · ".join(f for f in flags if f))
        self._set("#clock-budget", budget_line(view))
        has_turn_clock = view.turn_remaining is not None and view.speaker is not None
        self.query_one("#turn-box").display = has_turn_clock
        if has_turn_clock:
            self._set("#turn-countdown", countdown_text(view.turn_remaining or 0))
            self._set("#big-turn-countdown", countdown_text(view.turn_remaining or 0))
        self.set_class(view.overtime, "-overtime")
        self.set_class(0 <= view.remaining <= WARNING_SECONDS and not view.overtime, "-warning")
        self.set_class(0 <= view.remaining <= FINAL_SECONDS and not view.overtime, "-final")
        self.set_class(bool(has_turn_clock and (view.turn_remaining or 0) < 0), "-turn-over")
        self.set_class(view.paused, "-paused")
        self.set_class(phase.mode is SpeakerMode.SILENCE, "-silence")
        self.set_class(phase.mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS, "-listening")
        speaker, upcoming = speaker_lines(view)
        self._set("#speaker", speaker)
        # In a room-sized window a person's name is drawn five rows tall, when it fits.
        big = None
        if self.has_class("-large") and speaker == view.speaker:
            big = big_name(speaker, int(self.app.size.width * 0.5))
        self._set("#big-speaker", big or "")
        self.query_one("#big-speaker").display = big is not None
        self.query_one("#speaker").display = big is None
        self._set("#next-up", upcoming)
        self._set("#roster", roster_line(view))
        self._set("#prompt-card", "\n".join(f"› {prompt}" for prompt in phase.prompts))
        # Silence is a calm screen: nothing competes with the time left. A deck card, when
        # one is up, stands in for the phase's own prompts.
        self.query_one("#prompt-card").display = (
            bool(phase.prompts) and phase.mode is not SpeakerMode.SILENCE and self.card is None
        )
        self._show_card()
        self._show_notes(view.step_index, phase.name)
        self._set("#view-tag", " PROJECTOR " if self.app.projector else " facilitator view ")
        self.set_class(self.app.projector, "-projector")
        hint = (
            nudge(self.query_one("#notes", TextArea).text, view.members) if self.note_kind == "action" else ""
        )
        self._set("#notes-hint", f"⚠ {hint} " if hint and not self.app.projector else "")
        self._show_save_status()
        if view.overtime and not view.paused and self._belled_step != view.step_index:
            self._belled_step = view.step_index
            self._time_up()

    def _show_card(self) -> None:
        panel = self.query_one("#card-panel", Static)
        if self.card is None:
            panel.display = False
            self._shown.pop("#card-panel", None)
            return
        deck, index = self.card
        key = f"{deck.id}:{index}"
        if self._shown.get("#card-panel") != key:
            self._shown["#card-panel"] = key
            card = deck.cards[index]
            panel.update(card_text(deck, card, with_title=False))
            # Title and deck ride on the border, leaving every row inside for the card itself.
            panel.border_title = Text(card.title, style="bold")
            panel.border_subtitle = Text(f"{deck.name} · {index + 1}/{len(deck.cards)}")
        panel.display = True

    def _time_up(self) -> None:
        """Zero: one bell (unless muted) and a flash nobody can miss, bell or no bell."""
        if not self.app.bell_muted:
            self.app.bell()
        if FLASH_SECONDS > 0:  # 0 turns the flash off (the pictures in the tests need that)
            self.add_class("-flash")
            self.set_timer(FLASH_SECONDS, lambda: self.remove_class("-flash"))

    def _show_notes(self, step_index: int, name: str) -> None:
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
        self.set_class(self.note_kind == "private", "-private")
        self._set("#notes-label", f"{NOTE_LABELS[self.note_kind]} · {name}")

    def _show_save_status(self) -> None:
        saver = self.app.autosaver
        if saver is None:
            text = "not saved"
        elif saver.error:
            text = f"⚠ {saver.error}"
        elif saver.unsaved_for() > SLOW_SAVE_SECONDS:
            # Only worth a word when the disk is slow; a flicker on every keystroke is not.
            text = "saving…"
        else:
            text = "saved"
        self._set("#save-status", text)
        self.set_class(bool(saver and saver.error), "-save-error")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Auto-advance never moves the group on while the facilitator is typing.
        self._last_typed = self.session.clock.monotonic_ns()
        if self._notes_step >= 0:
            self.session.write_note(self._notes_step, event.text_area.text, self._notes_kind)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        # A room-sized window gets the five-row clock and name; a laptop the compact ones.
        large = width >= LARGE[0] and height >= LARGE[1]
        if large != self.has_class("-large"):
            self.set_class(large, "-large")
            self._shown.pop("#big-speaker", None)
            if self.is_mounted:
                self.refresh_view()

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
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

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
            self.notify(f"{person} passed; offered again at the end of the round", timeout=2)
        self._after()

    def action_give_floor(self, number: int) -> None:
        if self.session.jump_to_number(number) is None:
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
        """Start the current note line with the speaker's name ("Bea: ..."), so the line
        counts as theirs in a personal learning record."""
        view = self.session.view()
        person = view.speaker or view.presenter
        if person is None or person not in view.members:
            self.notify("Nobody has the floor: give it with their number first.", timeout=3)
            return
        editor = self.query_one("#notes", TextArea)
        row = editor.cursor_location[0]
        line = editor.document.get_line(row)
        prefix = f"{person}: "
        if not line.startswith(prefix):
            editor.insert(prefix, (row, 0))
        editor.move_cursor((row, len(editor.document.get_line(row))))
        editor.focus()

    def action_step_card(self, step: int) -> None:
        if self.card is None:
            self.action_cards()
            return
        deck, index = self.card
        self._put_card(deck, (index + step) % len(deck.cards))
        self._after()

    def action_toggle_projector(self) -> None:
        self.app.projector = not self.app.projector
        if self.app.projector and self.note_kind == "private":
            self.note_kind = "shared"  # private notes never reach the wall
        self.notify(
            "Projector mode: facilitator-only things hidden" if self.app.projector else "Facilitator view",
            timeout=2,
        )
        self._after()

    def action_people(self) -> None:
        from peercircle.tui.screens.people import PeopleScreen

        if self.app.projector:
            self.notify(
                "The people list is hidden in projector mode (v leaves it). Numbers still give the floor.",
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
