"""The first screen: start a new session or open a past one."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Static

from peercircle.sessions.engine.timefmt import minutes_text
from peercircle.sessions.storage.store import IndexEntry, SessionStore, StoreError
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.screens.confirm import ConfirmScreen

HISTORY_ROWS = 50


def damage_lines(store: SessionStore) -> list[str]:
    """One line for the damaged session files moved aside (by this start or an earlier
    one), one for any left where they are: how many, where, and what to do. Before, each
    file had a line of its own, and only when it was found."""
    lines = []
    moved = len(store.quarantined_files())
    if moved:
        files, are = ("file", "is") if moved == 1 else ("files", "are")
        lines.append(
            f"⚠ {moved} session {files} could not be read and {are} kept in {store.quarantine_dir}, "
            "not deleted. Everything else opens as usual: restore a missing session from a backup "
            "if you have one, and delete the damaged files once you no longer need them."
        )
    left = len({d.name for d in store.damaged if d.moved_to is None})
    if left:
        files, are = ("file", "is") if left == 1 else ("files", "are")
        why = (
            "they could not be moved aside either"
            if store.writer
            else "the peercircle that is saving to this folder moves them aside"
        )
        lines.append(
            f"⚠ {left} session {files} in {store.sessions_dir} could not be read and {are} left "
            f"out of the list below ({why})."
        )
    return lines


class HomeScreen(PeerCircleScreen[None]):
    BINDINGS = [
        Binding("n", "new_session", "New session"),
        Binding("h", "app.history", "History & search"),
        Binding("enter", "open_session", "Open", show=False),
        Binding("d", "delete_session", "Delete"),
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

    def on_screen_resume(self) -> None:
        # Also runs when the screen first shows: one load of the history either way.
        self.load_history()

    def load_history(self) -> None:
        app = self.app
        table = self.query_one("#history", DataTable)
        table.clear()
        try:
            entries: list[IndexEntry] = app.store.list_sessions()
        except (OSError, StoreError) as exc:
            entries = []
            self.notify(f"Past sessions could not be read: {exc}", severity="error")
        self._show_problems()
        # Format files are read after the first frame; their problems join the list then.
        self.set_timer(0.3, lambda: self._show_problems(with_formats=True))
        # The most recent sessions only: laying out a thousand rows would slow every start,
        # and 'peercircle list' shows them all.
        for e in entries[:HISTORY_ROWS]:
            table.add_row(
                e.created[:16].replace("T", " "),
                Text(e.format_name),  # plain text: a '[' in a user's format name is not markup
                str(e.group_size),
                minutes_text(e.length_seconds),
                "" if e.ended else "not ended",
                key=e.id,
            )
        empty = self.query_one("#history-empty", Static)
        if not entries:
            empty.update("No sessions yet.")
        else:
            more = len(entries) > HISTORY_ROWS
            shown = (
                f"The {HISTORY_ROWS} most recent of {len(entries)}; h lists and searches them all. "
                if more
                else ""
            )
            empty.update(f"{shown}Enter opens the highlighted session; d deletes it; h searches them all.")
        table.display = bool(entries)
        if entries:
            table.focus()

    def _show_problems(self, with_formats: bool = False) -> None:
        app = self.app
        problems = [*app.startup_problems, *damage_lines(app.store)]
        if with_formats:
            for error in app.library.errors:
                problems.append(f"Format file {error.path} skipped: {error.problems[0]}")
        # Plain text: a file name or a problem quoting the file may hold '[' (not markup).
        self.query_one("#problems", Static).update(Text("\n".join(problems)))
        self.query_one("#problems").display = bool(problems)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_session", "delete_session"):
            return not self.app.read_only
        return True

    def _highlighted(self) -> str | None:
        table = self.query_one("#history", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def palette_commands(self) -> Iterable[SystemCommand]:
        if not self.app.read_only:
            yield SystemCommand("New session", "Home · key n", self.action_new_session)
            yield SystemCommand("Delete the highlighted session", "Home · key d", self.action_delete_session)
        yield SystemCommand("Open the highlighted session", "Home · key enter", self.action_open_session)
        yield SystemCommand(
            "History: search past sessions by note, person, format or date",
            "Home · key h",
            self.app.action_history,
        )
        yield SystemCommand("Keys: every key, grouped", "Everywhere · ? or F1", self.app.action_help)

    def action_delete_session(self) -> None:
        session_id = self._highlighted()
        if session_id is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.store.delete(session_id)
                self.notify("Deleted: the session's file is gone.", timeout=4)
                self.load_history()

        self.app.push_screen(
            ConfirmScreen(
                f"Delete session {session_id} and its notes for good? This cannot be undone.",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def action_new_session(self) -> None:
        self.app.set_up_session()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open_session(self) -> None:
        session_id = self._highlighted()
        if session_id is not None:
            self._open(session_id)

    def _open(self, session_id: str) -> None:
        # A file that cannot be read is moved aside: list again without it.
        if not self.app.open_past_session(session_id, failed=self.load_history):
            self.load_history()
