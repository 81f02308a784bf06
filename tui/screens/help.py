"""Every key, grouped by what it is for. Opened with ? or F1 from anywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from peercircle.tui.keymap import help_markdown


class HelpScreen(ModalScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown())
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help").focus()
