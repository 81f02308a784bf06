"""The first screen: start a new session or open a past one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from peercircle.sessions.engine.timefmt import minutes_text
from peercircle.tui.base import PeerCircleScreen

if TYPE_CHECKING:  # the store is imported off the UI thread, after the first frame
    from textual.widgets import DataTable

    from peercircle.sessions.storage.store import IndexEntry, SessionStore

HISTORY_ROWS = 50
LOADING = "Loading past sessions…"
"""What the home screen says until the history is listed (off the UI thread)."""


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
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #home { padding: 1 2; }
    #title { text-style: bold; color: $accent; }
    #tagline { padding-bottom: 1; }
    #problems { color: $error; padding-bottom: 1; }
    #history-title { text-style: bold; }
    #history { height: 1fr; }
    #history-empty { color: $text-muted; }
    """

    BINDINGS = [
        Binding("n", "new_session", "New session"),
        Binding("g", "groups", "Groups"),
        Binding("a", "actions", "Open actions", show=False),
        Binding("h", "app.history", "History"),
        Binding("enter", "open_session", "Open", show=False),
        Binding("d", "delete_session", "Delete"),
        Binding("q", "app.quit", "Quit"),
    ]

    _listed = False
    """True once the history has been shown at least once (a class default: Textual may
    send ScreenResume before Mount)."""

    def compose(self) -> ComposeResult:
        # The history is listed off the UI thread once the data folder is open (after the
        # first frame); until then the screen says it is loading, and the table is not
        # there at all: even hidden, a DataTable was a third of home's first frame (its
        # styles and parts). It is put in its place, the same table, once there is a list.
        # Hidden here, not in on_mount: the first frame may come first.
        problems = Static("", id="problems")
        problems.display = False
        with Vertical(id="home"):
            yield Static("peercircle", id="title")
            yield Static(
                "Peer-group supervision, timed and fair. Press [b]n[/b] to start a session, "
                "[b]g[/b] for a group that meets again.",
                id="tagline",
            )
            yield problems
            yield Static("Past sessions", id="history-title")
            yield Static(LOADING, id="history-empty")
        yield Footer()

    def _table(self, make: bool = False) -> DataTable[str | Text] | None:
        """The history's table; None before the history was first listed, unless ``make``."""
        from textual.widgets import DataTable

        found = self.query("#history").results(DataTable)
        table = next(iter(found), None)
        if table is None and make:
            table = DataTable(id="history", cursor_type="row", zebra_stripes=True)
            # Text, not str: a str label is parsed as markup (and loads rich's emoji table).
            table.add_columns(*(Text(label) for label in ("Date", "Format", "People", "Length", "")))
            self.query_one("#home").mount(table, before="#history-empty")
        return table

    def on_screen_resume(self) -> None:
        # Back from a session or a summary: list again (the first time, folder_opened does).
        if self._listed:
            self.load_history()

    def folder_opened(self) -> None:
        """The app has opened the data folder: show the history it listed, the problems it
        found, and (once the formats are read, also off the UI thread) the format files
        that could not be read."""
        opened = self.app.folder
        if opened.list_problem:
            self.notify(opened.list_problem, severity="error", markup=False)
        self._show(opened.entries)
        self.run_worker(
            lambda: self.app.library,
            name="home-formats",
            group="home-formats",
            thread=True,
            exit_on_error=False,
        )

    def load_history(self) -> None:
        """List the history again, in a worker thread; the table keeps what it shows until
        the new list is in."""
        self.run_worker(
            self.app.store.list_sessions,
            name="home-history",
            group="home-history",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker, state = event.worker, event.state
        if worker.group == "home-formats" and state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self._show_problems(with_formats=state is WorkerState.SUCCESS)
        elif worker.group == "home-history":
            if state is WorkerState.SUCCESS:
                self._show(worker.result or [])
            elif state is WorkerState.ERROR:
                self.notify(
                    f"Past sessions could not be read: {worker.error}", severity="error", markup=False
                )
                self._show([])

    @property
    def history_listed(self) -> bool:
        """True once the history is on screen (for tests, which wait for it)."""
        return self._listed

    def _show(self, entries: list[IndexEntry]) -> None:
        keep = self._highlighted()
        table = self._table(make=True)
        assert table is not None
        table.clear()
        self._show_problems(with_formats=self.app.library_loaded)
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
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
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
            empty.update(
                f"{shown}Enter opens the highlighted session; d deletes it; h searches them all."
                f"{self._open_actions_line(entries)}"
            )
        table.display = bool(entries)
        first = not self._listed
        self._listed = True
        if entries and (first or self.focused is None):
            table.focus()

    def _open_actions_line(self, entries: list[IndexEntry]) -> str:
        """How many actions are still open, with report backs and ticks applied."""
        from peercircle.sessions.groups.tracking import open_action_total

        total = open_action_total({e.id: e.open_actions for e in entries}, self.app.groups.ticks())
        if not total:
            return ""
        return f"\nOpen actions: {total} (a lists them to tick off)."

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
            # Never waits for the folder: its keys are offered while it opens, and taken
            # away if it turns out to be in use elsewhere.
            return not self.app.known_read_only
        return True

    def _highlighted(self) -> str | None:
        table = self._table()
        if table is None or not table.row_count:
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
        from peercircle.tui.screens.confirm import ConfirmScreen

        session_id = self._highlighted()
        if session_id is None or self.app.read_only:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.store.delete(session_id)
                self.app.forget_sessions({session_id})
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

    def action_actions(self) -> None:
        from peercircle.tui.screens.actions_view import ActionsScreen

        self.app.push_screen(ActionsScreen(None))

    def action_groups(self) -> None:
        from peercircle.tui.screens.groups import GroupsScreen

        self.app.push_screen(GroupsScreen())

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
