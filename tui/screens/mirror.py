"""The mirror: the live session as the room sees it, on a second screen, read-only.

Large: the phase and its rule, the countdown, who speaks and who is next, everyone by
number, the prompt card beside the timer, and the shared notes when the facilitator shows
them. It follows the session through the data folder (``SessionFollower``): a few file
stats several times a second, a read only when the file changed, and the countdown worked
out from the events with this process's own clock, so it keeps time without the writer.

It has no controls: nothing here can change the session or the folder.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from peercircle.sessions.engine.clock import NS_PER_SECOND
from peercircle.sessions.library.decks import DeckLibrary
from peercircle.sessions.storage.follow import SessionFollower
from peercircle.tui.screens.live_state import LiveState, next_change_ns
from peercircle.tui.screens.mirror_state import WAITING, WAITING_MORE, MirrorState, mirror_state
from peercircle.tui.widgets.big_text import BigText
from peercircle.tui.widgets.live_panels import CardPanel, ClockPanel, LivePanel, SpeakerPanel, words

TICK_MARGIN_NS = 2_000_000
"""Woken this long after a second boundary, so the countdown has surely moved on by then."""
STATUS = "peercircle mirror · read-only: nothing here changes the session"


class MirrorScreen(Screen[None]):
    """The room's view of the live session, or a word that none is running."""

    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (150, "-room-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny"), (24, "-short"), (30, "-tall"), (45, "-room"), (58, "-huge")]

    # The live screen's panels size themselves from LiveScreen's breakpoint classes; the
    # mirror gives them its own sizes, larger, as nothing else shares the window.
    DEFAULT_CSS = """
    MirrorScreen #mirror { padding: 0 1; }
    MirrorScreen.-waiting #mirror { display: none; }
    MirrorScreen #waiting { display: none; align: center middle; padding: 1 2; }
    MirrorScreen.-waiting #waiting { display: block; }
    MirrorScreen #waiting-words { width: 1fr; text-align: center; color: $text; }
    MirrorScreen #waiting-more { width: 1fr; text-align: center; color: $text-muted; margin-top: 1; }
    MirrorScreen #mirror-head { height: auto; }
    MirrorScreen #mirror-phase-line { height: auto; }
    MirrorScreen #mirror-phase { color: $accent; max-height: 1; }
    MirrorScreen #mirror-place {
        width: auto; max-width: 45%; margin-left: 2; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    MirrorScreen #mirror-mode { color: $text; text-style: bold; max-height: 1; }
    MirrorScreen #mirror-rule { color: $warning; text-style: italic; max-height: 2; }
    MirrorScreen.-silence #mirror-rule { color: $text-muted; }
    MirrorScreen.-tall #mirror-phase { max-height: 3; }
    MirrorScreen.-room #mirror-phase { max-height: 5; }
    MirrorScreen.-huge #mirror-phase { max-height: 7; }
    MirrorScreen.-room #mirror-rule { max-height: 4; }
    MirrorScreen.-huge #mirror-rule { max-height: 9; }
    MirrorScreen.-tiny #mirror-mode { display: none; }
    MirrorScreen #mirror-stage { height: 1fr; }

    /* The countdown is as wide as the window lets it be; the rows it leaves go above and
       below it, not all under it. */
    MirrorScreen ClockPanel #countdown { content-align-vertical: middle; }
    MirrorScreen ClockPanel #clock-facts { max-height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    MirrorScreen.-room ClockPanel #clock-facts, MirrorScreen.-huge ClockPanel #clock-facts { display: none; }
    MirrorScreen.-room ClockPanel #clock-big-facts, MirrorScreen.-huge ClockPanel #clock-big-facts {
        display: block;
    }
    MirrorScreen.-huge ClockPanel #clock-budget { max-height: 7; }
    MirrorScreen.-wide ClockPanel #turn-box, MirrorScreen.-room-wide ClockPanel #turn-box { width: 35%; }
    MirrorScreen.-room ClockPanel #clock-line, MirrorScreen.-huge ClockPanel #clock-line { layout: vertical; }
    MirrorScreen.-room ClockPanel #turn-box, MirrorScreen.-huge ClockPanel #turn-box {
        layout: horizontal; width: 1fr; height: 35%; padding-left: 0;
    }
    MirrorScreen.-room ClockPanel #turn-label, MirrorScreen.-huge ClockPanel #turn-label {
        width: auto; height: 1fr; padding-right: 2; content-align: left middle;
    }
    MirrorScreen.-warning ClockPanel #countdown, MirrorScreen.-warning ClockPanel .state { color: $warning; }
    MirrorScreen.-final ClockPanel #countdown, MirrorScreen.-final ClockPanel .state { color: $error; }
    MirrorScreen.-overtime ClockPanel #countdown, MirrorScreen.-overtime ClockPanel .state { color: $error; }
    MirrorScreen.-paused ClockPanel #countdown { color: $foreground 45%; }
    MirrorScreen.-paused ClockPanel .state { color: $warning; text-style: bold reverse; }

    MirrorScreen SpeakerPanel { margin-top: 1; }
    MirrorScreen.-tiny SpeakerPanel { margin-top: 0; }
    MirrorScreen SpeakerPanel #speaker { max-height: 3; color: $success; }
    MirrorScreen.-tiny SpeakerPanel #speaker { max-height: 1; }
    MirrorScreen.-tall SpeakerPanel #speaker { max-height: 5; }
    MirrorScreen.-room SpeakerPanel #speaker, MirrorScreen.-huge SpeakerPanel #speaker { max-height: 7; }
    MirrorScreen SpeakerPanel #next-up { max-height: 1; color: $text; }
    MirrorScreen.-tall SpeakerPanel #next-up, MirrorScreen.-room SpeakerPanel #next-up { max-height: 3; }
    MirrorScreen.-huge SpeakerPanel #next-up { max-height: 7; }
    MirrorScreen SpeakerPanel #roster { color: $text; max-height: 3; }
    MirrorScreen.-listening SpeakerPanel #speaker { color: $warning; }
    MirrorScreen.-silence SpeakerPanel #speaker,
    MirrorScreen.-silence SpeakerPanel #next-up { color: $text-muted; }
    MirrorScreen.-silence SpeakerPanel #roster { display: none; }

    MirrorScreen #mirror-notes {
        display: none; height: auto; max-height: 30%; min-height: 3; border: round $secondary; padding: 0 1;
        border-title-color: $text;
    }
    MirrorScreen.-notes #mirror-notes { display: block; }
    MirrorScreen #mirror-status {
        dock: bottom; height: auto; max-height: 2; padding: 0 1; color: $text-muted;
    }
    MirrorScreen.-problem #mirror-status { color: $warning; text-style: bold; }
    """

    state: LiveState = LiveState()
    """The live screen's state, given to the panels shared with it (``take``)."""

    def __init__(
        self, follower: SessionFollower, decks: Callable[[], DeckLibrary], poll_interval: float
    ) -> None:
        super().__init__()
        self.follower = follower
        self._decks = decks
        self.poll_interval = poll_interval
        self.shown = MirrorState()
        """What the mirror shows now."""
        self._tick_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="waiting"):
            yield BigText(WAITING, max_lines=3, line_rows=5, id="waiting-words")
            yield Static(WAITING_MORE, id="waiting-more", markup=False)
        with Vertical(id="mirror"):
            with Vertical(id="mirror-head"):
                with Horizontal(id="mirror-phase-line"):
                    yield BigText("", id="mirror-phase")
                    yield words("mirror-place")
                yield words("mirror-mode")
                yield BigText("", max_lines=3, line_rows=3, id="mirror-rule")
            with Horizontal(id="mirror-stage"):
                yield ClockPanel(id="clock-panel")
                yield CardPanel(id="card-panel")
            yield SpeakerPanel(id="speaker-panel")
            yield Static("", id="mirror-notes", markup=False)
        yield Static(STATUS, id="mirror-status", markup=False)

    def on_mount(self) -> None:
        self.follower.poll()
        self.refresh_view()
        # The folder is looked at on a fixed beat (a few stats; a read only on a change);
        # the countdown is redrawn at each second boundary in between (refresh_view).
        self.set_interval(self.poll_interval, self.poll)

    def poll(self) -> None:
        """Look at the folder; redraw at once when the session changed."""
        if self.follower.poll():
            self.refresh_view()

    def tick(self) -> None:
        self._tick_timer = None
        self.refresh_view()

    def refresh_view(self) -> None:
        follower = self.follower
        try:
            shown = mirror_state(follower.session, follower.problem, self._decks)
        except Exception as exc:  # noqa: BLE001 - a wall shows a sentence, never a traceback
            shown = MirrorState(problem=f"This session cannot be shown ({exc.__class__.__name__}: {exc}).")
        self.shown = shown
        self.set_class(shown.live is None, "-waiting")
        if shown.live is not None:
            self.state = shown.live
            # Each panel redraws only the parts of the state it shows that changed, as on
            # the live screen (tui/widgets/live_panels.py).
            for panel in self.query(LivePanel):
                panel.take(shown.live)
            self._show_head(shown.live)
        self.set_class(shown.notes is not None, "-notes")
        notes = self.query_one("#mirror-notes", Static)
        if shown.notes is not None:
            notes.border_title = shown.notes_title
            text = shown.notes or "(no shared notes in this phase yet)"
            if str(notes.content) != text:
                notes.update(text)
        for name in ("paused", "overtime", "warning", "final", "silence", "listening"):
            self.set_class(getattr(shown, name), f"-{name}")
        self.set_class(bool(shown.problem), "-problem")
        status = self.query_one("#mirror-status", Static)
        line = f"⚠ {shown.problem}" if shown.problem else STATUS
        if str(status.content) != line:
            status.update(line)
        self._schedule_tick()

    def _show_head(self, state: LiveState) -> None:
        self.query_one("#mirror-phase", BigText).text = state.phase_name
        self.query_one("#mirror-rule", BigText).text = state.rule
        for selector, text in (("#mirror-place", state.place), ("#mirror-mode", state.mode)):
            widget = self.query_one(selector, Static)
            if str(widget.content) != text:
                widget.update(text)

    def _schedule_tick(self) -> None:
        """Wake at the next moment the countdown shows something else, reckoned on the
        session's clock as the live screen does, so the two change on the same second."""
        if self._tick_timer is not None:
            self._tick_timer.stop()
            self._tick_timer = None
        session = self.follower.session
        if session is None or self._closing or self._closed:
            return
        wait_ns = next_change_ns(session.view(), last_typed_ns=None, now_ns=session.now_ns())
        self._tick_timer = self.set_timer((wait_ns + TICK_MARGIN_NS) / NS_PER_SECOND, self.tick)
