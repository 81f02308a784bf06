"""The first screen: start a new session or open a past one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from sessions.store import IndexEntry, StoreError
from sessions.timefmt import minutes_text


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new_session", "New session"),
        Binding("enter", "open_session", "Open", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static("peercircle", id="title")
            yield Static(
                "Peer-group supervision, timed and fair. Press [b]n[/b] to start a session.",
                id="tagline",
            )
            yield Static("", id="problems")
            yield Static("Past sessions", id="history-title")
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_columns("Date", "Format", "People", "Length", "")
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        self.load_history()

    def load_history(self) -> None:
        app = self.app
        problems = []
        if getattr(app, "startup_problem", None):
            problems.append(app.startup_problem)
        for error in app.library.errors:
            problems.append(f"Format file {error.path} skipped: {error.problems[0]}")
        self.query_one("#problems", Static).update("\n".join(problems))
        self.query_one("#problems").display = bool(problems)
        table = self.query_one("#history", DataTable)
        table.clear()
        try:
            entries: list[IndexEntry] = app.store.list_sessions()
        except (OSError, StoreError) as exc:
            entries = []
            self.notify(f"Past sessions could not be read: {exc}", severity="error")
        for e in entries:
            table.add_row(
                e.created[:16].replace("T", " "),
                e.format_name,
                str(e.group_size),
                minutes_text(e.length_seconds),
                "" if e.ended else "not ended",
                key=e.id,
            )
        empty = self.query_one("#history-empty", Static)
        empty.update(
            "No sessions yet." if not entries else "Enter opens the highlighted session (read-only)."
        )
        table.display = bool(entries)
        if entries:
            table.focus()

    def action_new_session(self) -> None:
        from tui.screens.choose_format import ChooseFormatScreen

        self.app.push_screen(ChooseFormatScreen())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open_session(self) -> None:
        table = self.query_one("#history", DataTable)
        if table.row_count:
            self._open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, session_id: str) -> None:
        from tui.screens.summary import SummaryScreen

        try:
            session = self.app.store.load(session_id, clock=self.app.clock)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot open", severity="error")
            return
        self.app.push_screen(SummaryScreen(session, read_only=True))
