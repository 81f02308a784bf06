"""The live screen: the phase, its rule, a big countdown, who speaks, and the notes.

Every control has a single key (when the notes editor is not focused) and a ctrl or
function key that also works while typing, because a focused TextArea swallows
printable keys. The screen only translates keys into session commands and renders
``Session.view()``; it does no timing arithmetic of its own.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static, TextArea

from sessions.formats import SpeakerMode
from sessions.session import LiveView, Session
from sessions.timefmt import clock_text, countdown_text
from tui.screens.confirm import ConfirmScreen

WARNING_SECONDS = 60
SLOW_SAVE_SECONDS = 2.0


def speaker_lines(view: LiveView) -> tuple[str, str]:
    """Who is speaking now, and who is next, in the group's words."""
    mode = view.phase.mode
    presenter = view.presenter or "the presenter"
    if view.speaker and mode.takes_turns:
        upcoming = ", ".join(view.upcoming) if view.upcoming else "end of the round"
        return (
            view.speaker,
            f"Next: {upcoming} · round {view.round} · turn {view.turn_number} of {view.rotation_size}",
        )
    if view.round_complete:
        return "Round complete", "Everyone has had a turn. Move to the next phase when ready."
    if mode is SpeakerMode.PRESENTER:
        return f"{presenter}", "Presenting · everyone else listens"
    if mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS:
        return "Members talk", f"{presenter} listens in silence and does not reply"
    if mode is SpeakerMode.DIALOGUE:
        return f"{presenter} and the group", "Dialogue"
    if mode is SpeakerMode.SILENCE:
        return "Silence", "Reflect or write on your own"
    return "Open discussion", "Anyone may speak"


class LiveScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "toggle_pause", "Pause/resume"),
        Binding("ctrl+t", "toggle_pause", "Pause/resume"),
        Binding("n", "next_speaker", "Next speaker"),
        Binding("ctrl+n", "next_speaker", "Next speaker"),
        Binding("p", "pass_turn", "Pass"),
        Binding("ctrl+o", "pass_turn", "Pass"),
        Binding("f", "next_phase", "Next phase"),
        Binding("ctrl+f", "next_phase", "Next phase"),
        Binding("e", "end_session", "End"),
        Binding("f10", "end_session", "End"),
        Binding("i,enter", "edit_notes", "Notes"),
        Binding("escape", "leave_notes", "Leave notes"),
        Binding("ctrl+s", "save_notes", "Save", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._notes_phase = -1
        self._belled_phase = -1
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="live"):
            with Horizontal(id="phase-bar"):
                yield Static("", id="phase-name")
                yield Static("", id="phase-place")
            yield Static("", id="mode")
            yield Static("", id="rule")
            with Horizontal(id="clock-row"):
                yield Digits("00:00", id="countdown")
                with Vertical(id="clock-side"):
                    yield Static("", id="clock-state")
                    yield Static("", id="clock-planned")
            with Vertical(id="speaker-box"):
                yield Static("", id="speaker")
                yield Static("", id="next-up")
            with Horizontal(id="notes-bar"):
                yield Static("", id="notes-label")
                yield Static("", id="save-status")
            yield TextArea(
                id="notes", soft_wrap=True, placeholder="Type notes here; they are saved as you type."
            )
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one("#notes", TextArea).focus()
        self.set_interval(self.app.refresh_interval, self.refresh_view)

    # -- rendering -----------------------------------------------------------------------

    def _set(self, selector: str, text: str) -> None:
        # Only touch widgets whose text changed, so a 4 Hz refresh costs next to nothing.
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)

    def refresh_view(self) -> None:
        view = self.session.view()
        phase = view.phase
        self._set("#phase-name", phase.name)
        self._set(
            "#phase-place",
            f"Phase {view.phase_index + 1} of {view.phase_count} · {self.session.meta.format.name}",
        )
        self._set("#mode", phase.mode.label)
        self._set("#rule", phase.rule)
        countdown = countdown_text(view.remaining)
        digits = self.query_one("#countdown", Digits)
        if digits.value != countdown:
            digits.update(countdown)
        if view.paused:
            state = "PAUSED"
        elif view.overtime:
            state = "OVERTIME"
        elif view.remaining <= WARNING_SECONDS:
            state = "1 MIN LEFT"
        else:
            state = "remaining"
        self._set("#clock-state", state)
        self._set("#clock-planned", f"of {clock_text(view.planned)}")
        self.set_class(view.overtime, "-overtime")
        self.set_class(0 <= view.remaining <= WARNING_SECONDS and not view.overtime, "-warning")
        self.set_class(view.paused, "-paused")
        speaker, upcoming = speaker_lines(view)
        self._set("#speaker", speaker)
        self._set("#next-up", upcoming)
        self._show_phase_notes(view.phase_index, phase.name)
        self._show_save_status()
        if view.overtime and not view.paused and self._belled_phase != view.phase_index:
            self._belled_phase = view.phase_index
            self.app.bell()

    def _show_phase_notes(self, phase_index: int, name: str) -> None:
        if phase_index == self._notes_phase:
            return
        editor = self.query_one("#notes", TextArea)
        if self._notes_phase >= 0:
            self.session.write_note(self._notes_phase, editor.text)
        self._notes_phase = phase_index
        note = self.session.note_for(phase_index)
        editor.load_text(note.text if note else "")
        self._set("#notes-label", f"Notes · {name}")

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
        if self._notes_phase >= 0:
            self.session.write_note(self._notes_phase, event.text_area.text)

    # -- controls ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_speaker", "pass_turn"):
            return self.session.timeline.current_turn is not None
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

    def action_toggle_pause(self) -> None:
        self.session.toggle_pause()
        self._after()

    def action_next_speaker(self) -> None:
        self.session.next_speaker()
        self._after()

    def action_pass_turn(self) -> None:
        event = self.session.pass_turn()
        if event:
            self.notify(f"{self.session.timeline.turns[-1].person} passed", timeout=2)
        self._after()

    def action_next_phase(self) -> None:
        if self.session.view().is_last_phase:
            self.action_end_session(last_phase=True)
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
        from tui.screens.summary import SummaryScreen

        self.session.write_note(self._notes_phase, self.query_one("#notes", TextArea).text)
        self.session.end()
        saved = self.app.finish_recording()
        if not saved:
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
