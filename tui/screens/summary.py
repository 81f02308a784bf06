"""The end of a session (or a past one from history): timing against plan, and the notes.

What is shown is the very Markdown that export writes, rendered by Textual's Markdown
widget, so the facilitator previews exactly what leaves the app.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, Static

from sessions.export import render_markdown
from sessions.paths import ensure_private_dir
from sessions.session import Session
from sessions.storage import atomic_write_text
from sessions.summary import summarise
from tui.clipboard import system_clipboard_copy


class SummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("x", "export", "Export file"),
        Binding("c", "copy", "Copy"),
        Binding("escape,h", "home", "Home"),
    ]

    def __init__(self, session: Session, read_only: bool = False) -> None:
        super().__init__()
        self.session = session
        self.read_only = read_only
        self.markdown = render_markdown(summarise(session))

    def compose(self) -> ComposeResult:
        title = "Past session (read-only)" if self.read_only else "Session summary"
        yield Static(f"{title} · x export to a file · c copy to the clipboard", classes="step-title")
        problem = self.app.save_problem()
        if problem and not self.read_only:
            yield Static(
                f"⚠ Not all notes are on disk yet: {problem} Export (x) keeps a copy.", id="save-problem"
            )
        with VerticalScroll(id="summary-scroll"):
            yield Markdown(self.markdown, id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#summary-scroll").focus()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Export the summary to a Markdown file", "Summary · key x", self.action_export)
        yield SystemCommand("Copy the summary to the clipboard", "Summary · key c", self.action_copy)
        yield SystemCommand("Back to the home screen", "Summary · key escape", self.action_home)

    def export_path(self):
        meta = self.session.meta
        return self.app.export_dir / f"{meta.id}-{meta.format.id}.md"

    def action_export(self) -> None:
        path = self.export_path()
        try:
            ensure_private_dir(path.parent)
            atomic_write_text(path, self.markdown)
        except OSError as exc:
            self.notify(
                f"Could not write {path}: {exc.strerror or exc}. Copy (c) still works.",
                title="Export failed",
                severity="error",
            )
            return
        self.notify(f"Saved to {path}", title="Exported", timeout=8)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.markdown)
        self._copy_system(self.markdown)

    @work(thread=True, exclusive=True, group="clipboard")
    def _copy_system(self, text: str) -> None:
        # pyperclip runs a helper process; keep it off the UI loop.
        if system_clipboard_copy(text):
            message = "Copied to the clipboard."
        else:
            message = "Sent to the terminal clipboard (OSC 52); if nothing pastes, export to a file (x)."
        self.app.call_from_thread(self.notify, message, title="Copy", timeout=6)

    def action_home(self) -> None:
        self.app.pop_screen()
