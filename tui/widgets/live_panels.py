"""The live screen's panels, each given the screen's one ``LiveState`` on every refresh.

Each panel owns one part of the screen and draws only that part: the phase bar, the clock,
the speaker and roster, the prompt card, and the notes. A panel draws again only when a
part of the state it shows has changed (its ``FIELDS``): the countdown changes every
second, and the clock panel alone is drawn for it, the others not even asked.
The panels' stylesheets are not scoped to the panel, so that the screen's breakpoint
classes (``-tiny``, ``-short``, ``-tall``, ``-room``, ``-huge``) can size them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from peercircle.tui.screens.live_state import LiveState
from peercircle.tui.widgets.big_text import BigText, clamp
from peercircle.tui.widgets.notes_area import NotesArea
from peercircle.tui.widgets.roster import Roster


class Words(Static):
    """Text that wraps within its max-height and, when that cuts it, ends in an ellipsis:
    the stylesheet caps how many rows a rule or a line of facts may take at each size, and
    a cut there must say so."""

    def render(self) -> RenderResult:
        visual = super().render()
        styles = self.styles
        cut_by_max_height = styles.max_height is not None and not (styles.width and styles.width.is_auto)
        # A one-line text is marked by text-overflow: ellipsis. A box as wide as its text
        # is measured through this method, so its width must come from the whole text.
        if not cut_by_max_height or styles.text_wrap == "nowrap" or not isinstance(visual, Content):
            return visual
        return clamp(visual, *self.content_size)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The height the whole text wants (the max-height then caps it): measured through
        # render(), it would be the height clamped to the size before, and never grow back.
        return self.visual.get_height(self.styles, width)  # type: ignore[arg-type]


def words(id: str, classes: str | None = None) -> Static:
    """An empty line of text for the panel to fill; names and notes are never markup."""
    return Words("", id=id, classes=classes, markup=False)


class LivePanel(Widget):
    """A part of the live screen, redrawn from the screen's state."""

    SCOPED_CSS = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Textual reads SCOPED_CSS from each class's own namespace, not its bases.
        super().__init_subclass__(**kwargs)  # type: ignore[arg-type]
        cls.SCOPED_CSS = False

    FIELDS: ClassVar[tuple[str, ...]] = ()
    """The parts of the state the panel shows: it is drawn again only when one changes."""

    state: LiveState = LiveState()
    """The state last given to the panel."""
    _drawn: tuple[Any, ...] | None = None
    """The panel's part of the state as last drawn."""

    def take(self, state: LiveState) -> None:
        """The screen's new state: drawn when the panel's part of it has changed."""
        self.state = state
        if self.is_mounted and self.part_of(state) != self._drawn:
            self._draw(state, again=True)

    def part_of(self, state: LiveState) -> tuple[Any, ...]:
        return tuple(getattr(state, name) for name in self.FIELDS)

    def on_mount(self) -> None:
        self._draw(self.state)

    def _draw(self, state: LiveState, *, again: bool = False) -> None:
        """Draw ``state``: every part (``again``: only the parts whose words changed)."""
        try:
            if not again or self._words is None:
                self._words = {}
            self.show(state)
            self._drawn = self.part_of(state)
        except NoMatches:
            # The app quit while this panel was being mounted (ctrl+q the moment a resumed
            # session appears; a test ending there failed 1 run in 10): its children are
            # already gone, and there is nothing left to draw. A panel that misses a part
            # while the app runs on is a mistake, and says so.
            if not self._leaving():
                raise

    def _leaving(self) -> bool:
        """Whether this panel, its screen or the app is on its way out."""
        # An app shut down from outside (a test's run_test ending, a signal) stops running
        # without ever setting _exit, and prunes its screens' children from there.
        if self.app._exit or not self.app.is_running or self._closing or self._closed:
            return True
        try:
            return self.screen._closing or self.screen._closed
        except NoScreen:
            return True

    def show(self, state: LiveState) -> None:
        raise NotImplementedError

    _parts: dict[str, Widget] | None = None
    """The panel's parts by selector, as found the first time (a query each second, for
    each part, was a good part of the work of a tick)."""
    _words: dict[str, str] | None = None
    """The words last put in each part by ``_text``, since the last whole draw."""

    def _part(self, selector: str) -> Widget:
        if self._parts is None:
            self._parts = {}
        widget = self._parts.get(selector)
        if widget is None or widget.parent is None:  # not looked for yet, or removed since
            widget = self._parts[selector] = self.query_one(selector)
        return widget

    def _text(self, selector: str, text: str) -> None:
        # Only touch a widget whose words changed.
        if self._words is not None and self._words.get(selector) == text:
            return
        widget = self._part(selector)
        if isinstance(widget, BigText):
            widget.text = text
        elif isinstance(widget, Static) and str(widget.content) != text:
            widget.update(Text(text))
        if self._words is not None:
            self._words[selector] = text


class PhaseBar(LivePanel):
    """Which phase, where it sits in the session, how the room talks, and its rule."""

    FIELDS = ("phase_name", "place", "projector", "mode", "rule")

    DEFAULT_CSS = """
    PhaseBar { height: auto; }
    PhaseBar #phase-line { height: 1; }
    PhaseBar #phase-name {
        width: 1fr;
        text-style: bold;
        color: $accent;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    /* Capped, so a long presenter's name ('... presents (1 of 3)') is cut with an ellipsis
       instead of squeezing the phase's name to nothing and the view tag off the screen. */
    PhaseBar #phase-place {
        width: auto;
        max-width: 45%;
        margin-left: 2;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    PhaseBar #view-tag {
        width: auto; margin-left: 2; text-style: bold; color: $text; background: $warning 50%;
    }
    LiveScreen.-projector PhaseBar #view-tag { color: $background; background: $accent; }
    PhaseBar #rule { text-style: italic; color: $warning; height: auto; max-height: 3; }
    LiveScreen.-short PhaseBar #rule, LiveScreen.-tiny PhaseBar #rule { max-height: 2; }
    LiveScreen.-silence PhaseBar #rule { color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="phase-line"):
            yield words("phase-name")
            yield words("phase-place")
            yield words("view-tag")
        yield words("rule")

    def show(self, state: LiveState) -> None:
        self._text("#phase-name", state.phase_name)
        self._text("#phase-place", state.place)
        # Which view this is, in a block of colour nobody misses: private notes show
        # only in the facilitator's view, so it must never be mistaken for the room's.
        self._text("#view-tag", " PROJECTED " if state.projector else " FACILITATOR VIEW ")
        # How the room talks, then the phase's rule, on one line when they fit.
        rule = self.query_one("#rule", Static)
        shown = Text.assemble((state.mode, "bold not italic"), (" · " if state.rule else "", ""), state.rule)
        if str(rule.content) != shown.plain:
            rule.update(shown)


class ClockPanel(LivePanel):
    """The phase's countdown as large as the window allows, its state in words, the
    session's expected end, and the speaker's own clock labelled TURN."""

    FIELDS = ("countdown", "clock_state", "planned", "budget", "turn", "turn_over")

    DEFAULT_CSS = """
    ClockPanel { width: 1fr; height: 1fr; }
    ClockPanel #clock-line { height: 1fr; }
    ClockPanel #countdown { width: 1fr; height: 1fr; }
    /* 18 cells inside: a turn in overtime ('+00:07') in Textual's digits; fewer, and it
       dropped to one small line of text just when it went over. */
    ClockPanel #turn-box { width: 19; height: 1fr; display: none; padding-left: 1; }
    ClockPanel.-turn #turn-box { display: block; }
    ClockPanel #turn-label { height: 1; text-style: bold; color: $success; }
    ClockPanel #turn-countdown { height: 1fr; color: $success; }
    ClockPanel #clock-facts { height: auto; max-height: 2; }
    /* Under 24 rows the facts keep to one line, so the countdown keeps its three rows. */
    LiveScreen.-tiny ClockPanel #clock-facts { max-height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ClockPanel #clock-big-facts { height: auto; display: none; }
    ClockPanel #clock-state { max-height: 3; }
    ClockPanel #clock-budget { max-height: 3; text-style: none; }
    ClockPanel #clock-planned { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    LiveScreen.-room ClockPanel #clock-facts, LiveScreen.-huge ClockPanel #clock-facts { display: none; }
    LiveScreen.-room ClockPanel #clock-big-facts, LiveScreen.-huge ClockPanel #clock-big-facts {
        display: block;
    }
    LiveScreen.-huge ClockPanel #clock-budget { max-height: 7; }
    LiveScreen.-wide ClockPanel #turn-box, LiveScreen.-room-wide ClockPanel #turn-box { width: 35%; }
    /* In a room-sized window the turn clock sits under the phase's, which keeps the width. */
    LiveScreen.-room ClockPanel #clock-line, LiveScreen.-huge ClockPanel #clock-line { layout: vertical; }
    LiveScreen.-room ClockPanel #turn-box, LiveScreen.-huge ClockPanel #turn-box {
        layout: horizontal;
        width: 1fr;
        height: 35%;
        padding-left: 0;
    }
    LiveScreen.-room ClockPanel #turn-label, LiveScreen.-huge ClockPanel #turn-label {
        width: auto;
        height: 1fr;
        padding-right: 2;
        content-align: left middle;
    }
    LiveScreen.-warning ClockPanel #countdown, LiveScreen.-warning ClockPanel .state { color: $warning; }
    LiveScreen.-final ClockPanel #countdown, LiveScreen.-final ClockPanel .state { color: $error; }
    LiveScreen.-overtime ClockPanel #countdown, LiveScreen.-overtime ClockPanel .state { color: $error; }
    /* Half as bright as a running clock in every theme: $text-muted is #d0d0d0 in the
       projector theme, next to #ffffff the same on a beamer. */
    LiveScreen.-paused ClockPanel #countdown { color: $foreground 45%; }
    LiveScreen.-paused ClockPanel .state { color: $warning; text-style: bold reverse; }
    ClockPanel.-turn-over #turn-countdown, ClockPanel.-turn-over #turn-label { color: $error; }
    ClockPanel.-turn-over #turn-label { text-style: bold reverse; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="clock-line"):
            yield BigText("00:00", digits=True, min_rows=5, id="countdown")
            with Vertical(id="turn-box"):
                yield Static("TURN", id="turn-label", markup=False)
                yield BigText("", digits=True, min_rows=5, id="turn-countdown")
        # One line of facts in a laptop-sized window; in a room-sized one the state and
        # the expected end are drawn large, so the back row can read them too.
        yield words("clock-facts", "state")
        with Vertical(id="clock-big-facts"):
            yield BigText("", id="clock-state", classes="state")
            yield BigText("", max_lines=2, line_rows=3, id="clock-budget")
            yield words("clock-planned")

    def show(self, state: LiveState) -> None:
        self._text("#countdown", state.countdown)
        facts = [state.clock_state, state.planned, state.budget]
        self._text("#clock-facts", " · ".join(fact for fact in facts if fact))
        self._text("#clock-state", state.clock_state)
        self._text("#clock-budget", state.budget)
        self._text("#clock-planned", state.planned)
        self.set_class(state.turn is not None, "-turn")
        self.set_class(state.turn_over, "-turn-over")
        if state.turn is not None:
            self._text("#turn-countdown", state.turn)
            # Overtime on a turn is said in a word, not only by the colour and the '+'.
            self._text("#turn-label", "TURN OVER" if state.turn_over else "TURN")


class SpeakerPanel(LivePanel):
    """Who has the floor (large in a large window), who is next, and everyone by number."""

    FIELDS = ("speaker", "next_up", "roster")

    DEFAULT_CSS = """
    SpeakerPanel { height: auto; }
    LiveScreen.-room SpeakerPanel, LiveScreen.-huge SpeakerPanel { margin-top: 1; }
    SpeakerPanel #speaker { max-height: 1; color: $success; }
    SpeakerPanel #next-up { max-height: 2; color: $text-muted; text-style: none; }
    LiveScreen.-short SpeakerPanel #next-up, LiveScreen.-tiny SpeakerPanel #next-up { max-height: 1; }
    SpeakerPanel #roster { color: $text-muted; }
    LiveScreen.-listening SpeakerPanel #speaker { color: $warning; }
    LiveScreen.-silence SpeakerPanel #speaker,
    LiveScreen.-silence SpeakerPanel #next-up { color: $text-muted; }
    LiveScreen.-silence SpeakerPanel #roster { display: none; }
    LiveScreen.-tall SpeakerPanel #speaker, LiveScreen.-room SpeakerPanel #speaker,
    LiveScreen.-huge SpeakerPanel #speaker { max-height: 5; }
    LiveScreen.-room SpeakerPanel #next-up, LiveScreen.-huge SpeakerPanel #next-up {
        max-height: 3;
        color: $text;
    }
    /* Two lines of it when the window is tall enough: long names still read across a room. */
    LiveScreen.-huge SpeakerPanel #next-up { max-height: 7; }
    LiveScreen.-short SpeakerPanel #roster, LiveScreen.-tiny SpeakerPanel #roster { max-height: 3; }
    """

    def compose(self) -> ComposeResult:
        yield BigText("", id="speaker")
        yield BigText("", max_lines=2, line_rows=3, id="next-up")
        yield Roster(id="roster")

    def show(self, state: LiveState) -> None:
        self._text("#speaker", state.speaker)
        self._text("#next-up", state.next_up)
        self.query_one(Roster).entries = state.roster


class CardPanel(LivePanel):
    """The phase's prompts, or the deck card the facilitator put up in their place."""

    FIELDS = ("card", "prompts")

    DEFAULT_CSS = """
    CardPanel {
        display: none;
        width: 40%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        margin-left: 1;
        /* A card longer than the room left for it shows a scroll bar, never a silent cut. */
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    CardPanel.-shown { display: block; }
    CardPanel #card-text { height: auto; }
    """

    _border_texts: tuple[str, str] | None = None
    """The title and subtitle last put on the border."""

    def compose(self) -> ComposeResult:
        yield words("card-text")

    def show(self, state: LiveState) -> None:
        if state.card is not None:
            body, title, subtitle = state.card.body, state.card.title, state.card.place
        else:
            body, title, subtitle = "\n".join(f"› {prompt}" for prompt in state.prompts), "Prompts", ""
        self.set_class(bool(body or state.card), "-shown")
        self._text("#card-text", body)
        # Title and deck ride on the border, leaving every row inside for the card itself.
        # Set only when they change: Textual redraws the whole box on every assignment, and
        # the state changes every second (the countdown), which redrew the card each time.
        if (title, subtitle) != self._border_texts:
            self._border_texts = (title, subtitle)
            self.border_title = Text(title, style="bold")
            self.border_subtitle = Text(subtitle) if subtitle else None


class NotesPanel(LivePanel):
    """The notes editor, what kind of note it holds, whether it is saved, and where a key
    will go: into the notes, or to the controls."""

    FIELDS = ("typing", "notes_label", "save_status", "notes_hint", "note_kind")

    DEFAULT_CSS = """
    NotesPanel { height: 30%; min-height: 5; }
    NotesPanel #notes-bar { height: 1; }
    NotesPanel #focus-tag { width: auto; text-style: bold; margin-right: 1; }
    NotesPanel #notes-label { width: 1fr; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    NotesPanel #save-status { width: auto; margin-left: 2; color: $text-muted; }
    NotesPanel #notes-hint { height: auto; color: $warning; text-style: bold; display: none; }
    NotesPanel.-hint #notes-hint { display: block; }
    NotesPanel #notes { height: 1fr; }
    NotesPanel.-typing #focus-tag { color: $background; background: $success; }
    NotesPanel.-controls #focus-tag { color: $background; background: $secondary; }
    NotesPanel.-controls #notes { opacity: 70%; }
    NotesPanel.-private #notes { border: tall $error; }
    NotesPanel.-private #notes-label { color: $error; }
    LiveScreen.-save-error NotesPanel #save-status { color: $error; text-style: bold; }
    LiveScreen.-projector NotesPanel { height: 25%; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="notes-bar"):
            yield words("focus-tag")
            yield words("notes-label")
            yield words("save-status")
        yield words("notes-hint")
        yield NotesArea(
            id="notes", soft_wrap=True, placeholder="Type notes here; they are saved as you type."
        )

    def show(self, state: LiveState) -> None:
        # Where the next key goes, in words: the notes take every printable key while
        # they are focused, so a control key pressed then would land in the notes.
        self._text(
            "#focus-tag", " ✎ TYPING (Esc: controls) " if state.typing else " ⌨ CONTROLS (i: type notes) "
        )
        self.set_class(state.typing, "-typing")
        self.set_class(not state.typing, "-controls")
        self._text("#notes-label", state.notes_label)
        self._text("#save-status", state.save_status)
        self._text("#notes-hint", f"⚠ {state.notes_hint}" if state.notes_hint else "")
        self.set_class(bool(state.notes_hint), "-hint")
        self.set_class(state.note_kind == "private", "-private")
