"""Step 3 of setting up: the group agreement, read together before the clock starts.

The facilitator can edit it; the edited words are kept for the next session too, and
each session records the agreement it opened with. The same step asks who can see this
screen (the room, unless the facilitator says it is theirs alone), because that decides
whether private notes can be opened at all. The screen answers with an ``Agreed``
(None: Back); the app starts the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Footer, Markdown, Static, TextArea

from peercircle.sessions.groups.group import Group
from peercircle.sessions.library.agreement import (
    default_agreement,
    load_agreement,
    reset_agreement,
    save_agreement,
)
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.layout import DataFolder
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.screens.confirm import ConfirmScreen
from peercircle.tui.screens.group import TICKED, UNTICKED


@dataclass(frozen=True)
class Agreed:
    """The last set-up step's answer: the words the group agreed, and who sees this screen."""

    text: str
    projected: bool
    edited: bool = False
    """True when the words were changed at this step (a group then keeps them as agreed today)."""
    """True: the room sees this screen (projector view, private notes hidden); False: only
    the facilitator does (facilitator view)."""


AUDIENCE_ROWS = (
    (True, "The room: it is projected or shared. Private notes stay hidden."),
    (False, "Only me: facilitator view. Private notes can be typed and shown."),
)


class AudienceChoice(Static):
    """Who can see this screen, as two rows; the chosen one is ticked in its text, so the
    answer reads on a projector or a terminal without colour. A click on a row chooses it."""

    DEFAULT_CSS = """
    AudienceChoice {
        height: auto;
        margin: 0 1;
        padding: 0 1;
        border: round $accent;
        border-title-style: bold;
    }
    """

    # The safe answer comes first: private notes stay off the wall unless someone says otherwise.
    projected: reactive[bool] = reactive(True)

    def on_mount(self) -> None:
        self.border_title = "Who can see this screen?"
        self.border_subtitle = "v switches"

    def watch_projected(self, projected: bool) -> None:
        self.update(
            Content("\n").join(
                Content.styled(f"{TICKED} {label}", "bold")
                if chosen == projected
                else Content(f"{UNTICKED} {label}")
                for chosen, label in AUDIENCE_ROWS
            )
        )

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y < len(AUDIENCE_ROWS):
            self.projected = AUDIENCE_ROWS[offset.y][0]


class AgreementScreen(PeerCircleScreen[Agreed | None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #agreement-view { height: 1fr; padding: 0 1; }
    #agreement-editor { height: 1fr; }
    """

    BINDINGS = [
        Binding("enter,s", "start", "Agree and start", priority=False),
        # v and F9, as on the live screen, where the same keys switch the view later.
        Binding("v,f9", "toggle_projected", "Who sees this"),
        Binding("e", "edit", "Edit"),
        Binding("r", "reset", "Default words", show=False),
        Binding("ctrl+s", "keep", "Keep these words", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, fmt: Format, group: Group | None = None, today: date | None = None) -> None:
        super().__init__()
        self.fmt = fmt
        self.group = group
        """For a group's meeting: its own agreement is shown, and edits are kept for it."""
        self.today = today or date.today()
        self.text = ""
        self.editing = False
        self.edited = False

    def compose(self) -> ComposeResult:
        title = (
            f"{self.group.name} · group agreement · {self.fmt.name}"
            if self.group
            else f"New session · 3 of 3 · Group agreement · {self.fmt.name}"
        )
        yield Static(title, classes="step-title", markup=False)
        yield Static(
            "Read it together. Enter agrees and starts the clock; e edits the words.", classes="hint"
        )
        if self.group:
            yield Static(self._review_line(), id="agreement-review", classes="hint", markup=False)
        yield AudienceChoice(id="audience")
        with VerticalScroll(id="agreement-view"):
            yield Markdown("", id="agreement")
        yield TextArea("", id="agreement-editor", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="agreement-hint", classes="hint")
        yield Footer()

    def _review_line(self) -> str:
        group = self.group
        assert group is not None
        if not group.agreed_on:
            return "This group has not agreed its own words yet: agreeing now records them as agreed today."
        if group.review_due(self.today):
            return (
                f"⚠ Review due since {group.review_on} (agreed {group.agreed_on}): look at it together; "
                "agreeing now records it as reviewed today."
            )
        return f"Agreed {group.agreed_on}; review by {group.review_on}."

    def on_mount(self) -> None:
        own = self.group.agreement if self.group else ""
        self.text = own or load_agreement(DataFolder(self.app.data_dir).agreement)
        self._show()

    def _show(self) -> None:
        self.query_one("#agreement", Markdown).update(self.text)
        editor = self.query_one("#agreement-editor", TextArea)
        editor.display = self.editing
        self.query_one("#agreement-view").display = not self.editing
        self.query_one("#audience").display = not self.editing  # room for the editor
        self.query_one("#agreement-hint", Static).update(
            "Editing: ctrl+s keeps these words (for future sessions too) · escape cancels"
            if self.editing
            else ""
        )
        if self.editing:
            editor.focus()
        else:
            self.query_one("#agreement-view").focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "edit", "reset", "toggle_projected"):
            return not self.editing
        if action == "keep":
            return self.editing
        return True

    def action_edit(self) -> None:
        self.editing = True
        editor = self.query_one("#agreement-editor", TextArea)
        editor.load_text(self.text)
        self._show()

    def action_keep(self) -> None:
        text = self.query_one("#agreement-editor", TextArea).text
        if not text.strip():
            self.notify("The agreement is empty; write something or press escape.", severity="warning")
            return
        self.text = text
        self.editing = False
        self.edited = True
        if self.group is None and not self.app.read_only:
            try:
                save_agreement(DataFolder(self.app.data_dir).agreement, text)
            except OSError as exc:
                self.notify(
                    f"Used for this session, but not kept for the next one: {exc.strerror or exc}",
                    severity="warning",
                )
        self._show()

    def action_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.text = default_agreement()
                self.edited = True
                if self.group is None and not self.app.read_only:
                    reset_agreement(DataFolder(self.app.data_dir).agreement)
                self._show()

        self.app.push_screen(
            ConfirmScreen("Go back to peercircle's default agreement?", yes="Default words", no="Keep mine"),
            answered,
        )

    def action_back(self) -> None:
        if self.editing:
            self.editing = False
            self._show()
            return
        self.dismiss(None)

    def action_toggle_projected(self) -> None:
        audience = self.query_one("#audience", AudienceChoice)
        audience.projected = not audience.projected

    def action_start(self) -> None:
        self.answer(Agreed(self.text, self.query_one("#audience", AudienceChoice).projected, self.edited))
