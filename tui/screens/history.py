"""Every past session, searchable from one box: open, save again, copy or delete one.

Typing filters the list: the search runs in a worker thread a moment after the last key,
so typing never waits for it. What a query can say is in ``sessions/history.py``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.markup import escape
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from peercircle.sessions.engine.timefmt import minutes_text
from peercircle.sessions.records.history import (
    HistoryRow,
    Query,
    matching_line,
    parse_query,
    search_query,
    warm,
)
from peercircle.sessions.storage.store import StoreError
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.clipboard import copy_text
from peercircle.tui.records import save_record
from peercircle.tui.screens.confirm import ConfirmScreen

SEARCH_DELAY = 0.15
"""Seconds a key waits for the next before its search runs, when the last search started
less than this long ago (otherwise it searches at once)."""
MAX_ROWS = 500
"""Rows put in the table; a longer result asks for a narrower search."""
FIRST_ROWS = 60
"""Rows put in the table at once (more than a projector's screenful); the rest follow."""
MORE_ROWS = 60
"""Rows added per frame after the first ones."""
EXAMPLE = "housing person:Ann format:balint from:2026-11-01 to:2026-11-30"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters (an ANSI escape pasted into a note) never reach the terminal."""


class HistoryScreen(PeerCircleScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    /* Search box, one status line, the list (or what to do when it is empty). */
    #history-search { margin: 0 1; }
    #history-status { height: 1; padding: 0 2; color: $text-muted; }
    #history-status.-problem { color: $error; text-style: bold; }
    #history-table { height: 1fr; margin: 0 1; }
    #history-none { height: 1fr; padding: 1 2; }
    #history-match { height: auto; max-height: 2; padding: 0 2; color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Open", show=False),
        Binding("x", "save", "Save again"),
        Binding("c", "copy", "Copy"),
        Binding("d", "delete", "Delete"),
        Binding("slash", "search", "Search"),
        Binding("ctrl+o", "actions", "Open actions"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
    ]

    _open_counts: dict[str, int] = {}  # noqa: RUF012 - replaced whole, never changed in place
    """Open actions per session, with report backs and ticks applied (see ``run_search``)."""

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.rows: list[HistoryRow] = []
        self.query_text = query
        self.total: int | None = None
        """How many sessions there are in all (None until the first listing)."""
        self._timer: Timer | None = None
        self._searched_at = float("-inf")
        """When the last search started (``time.monotonic()``)."""
        self._generation = 0
        self._shown_text: str | None = None
        """The query whose results the table shows."""
        self._open_when_found = False
        self._fill_generation = 0
        """Bumped by every fill: rows still to add for an older one are dropped."""
        self._left = False
        """Another screen has been shown over this one since it last searched."""

    def compose(self) -> ComposeResult:
        yield Static(
            "History · type to search · Enter opens · Tab to the list for x, c, d", classes="step-title"
        )
        yield Input(
            self.initial_query,
            placeholder=f"Search notes, names and formats, e.g. {EXAMPLE}",
            id="history-search",
        )
        yield Static("", id="history-status")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-none")
        yield Static("", id="history-match")
        yield Footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#history-none").display = False
        self.query_one("#history-search", Input).focus()
        self.run_search(self.query_text)
        # Read every session's note text from now on, for the first word typed (searches
        # share the work: see sessions/records/history.py). Before, this waited half a second
        # after the list was shown, and a word typed at once waited on the whole of it.
        store = self.app.store
        self.run_worker(
            lambda: warm(store, stop=lambda: not self.is_attached),
            name="history-warm",
            thread=True,
            exit_on_error=False,
        )

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Only when coming back (from a summary: something may have changed). The resume
        # that follows the first showing ran a second search whenever the first had
        # already finished, now and then, which made the next key's search race it.
        if self._left and self.total is not None:
            self._left = False
            self.run_search(self.query_text)

    def on_resize(self) -> None:
        keep = self._highlighted()
        self._columns()
        self._fill(keep)

    # -- searching -----------------------------------------------------------------------

    @on(Input.Changed, "#history-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        # The first key of a burst searches at once; keys that follow within SEARCH_DELAY of
        # a search wait for the typing to pause, so a fast typist starts a few searches a
        # second, not one a key. Before, every search waited SEARCH_DELAY after its key:
        # half the time a facilitator waited for a first word's results.
        if time.monotonic() - self._searched_at >= SEARCH_DELAY:
            self.run_search(self.query_text)
        else:
            self._timer = self.set_timer(SEARCH_DELAY, lambda: self.run_search(self.query_text))

    def run_search(self, text: str) -> None:
        """Search in a worker thread; only the newest search's answer is shown."""
        self._searched_at = time.monotonic()
        self._generation += 1
        generation = self._generation
        store = self.app.store
        query = parse_query(text)

        groups = self.app.groups

        def find() -> tuple[int, str, Query, list[HistoryRow], int]:
            from peercircle.sessions.groups.tracking import open_by_session

            rows = search_query(store, query)
            entries = store.list_sessions()
            total = len(entries) if not query.empty else len(rows)
            # Open as the records have them, less what report backs and ticks closed since,
            # plus actions carried into a meeting (open again there).
            self._open_counts = open_by_session({e.id: e.open_actions for e in entries}, groups.ticks())
            return generation, text, query, rows, total

        self.run_worker(
            find,
            name="history-search",
            group="history-search",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "history-search":
            return
        if event.state is WorkerState.ERROR:
            self._status(f"The history could not be read: {worker.error}", problem=True)
            return
        if event.state is not WorkerState.SUCCESS or worker.result is None:
            return
        generation, text, query, rows, total = worker.result
        if generation != self._generation:
            return  # an older search finished after a newer one started
        same_query = text == self._shown_text
        self.rows, self.total = rows, total
        self._shown_text = text
        # A refresh keeps the place in the list; a new query starts at its best (newest) match.
        self._fill(keep=self._highlighted() if same_query else None, same_query=same_query)
        self._describe(query)
        if self._open_when_found:
            self._open_when_found = False
            self.action_open()

    def _describe(self, query: Query) -> None:
        table = self.query_one("#history-table", DataTable)
        none = self.query_one("#history-none", Static)
        found, total = len(self.rows), self.total or 0
        if total == 0:
            none.update(
                "No past sessions yet.\n\nPress Esc, then n on the home screen to run one: it is listed "
                "here from the moment it starts."
            )
        elif not found:
            none.update(
                Content(
                    f"No session matches “{self.query_text.strip()}”.\n\n"
                    "Try fewer or shorter words (the start of a word is enough), or Esc to clear the "
                    "search. Searched: shared notes and actions (never private notes), names and formats."
                )
            )
        table.display = bool(found)
        none.display = not found
        problems = " · ".join(query.problems)
        if problems:
            self._status(f"⚠ {problems}", problem=True)
        elif query.empty:
            self._status(f"{total} past session{'s' if total != 1 else ''}, newest first." if total else "")
        else:
            self._status(f"{found} of {total} session{'s' if total != 1 else ''} match.")
        if found > MAX_ROWS and not problems:
            self._status(
                f"{found} sessions match; the {MAX_ROWS} newest are listed. Narrow it with words or "
                "dates (from:2026-01-01 to:2026-03-31)."
            )
        self._show_match()

    def _status(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#history-status", Static)
        status.update(Content(text))  # plain: it can quote what was typed
        status.set_class(problem, "-problem")

    # -- the table -----------------------------------------------------------------------

    def _columns(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.clear(columns=True)
        format_width, group_width = self._widths()
        table.add_column("Date", key="date", width=self._date_width())
        table.add_column("Format", key="format", width=format_width)
        table.add_column("Group", key="group", width=group_width)
        table.add_column("Length", key="length", width=10)
        table.add_column("Open actions", key="actions", width=12)

    def _date_width(self) -> int:
        return 16 if self.size.width >= 100 else 10  # the time of day only where there is room

    def _widths(self) -> tuple[int, int]:
        """Format and group columns share what the fixed ones leave (each column has a cell of
        padding either side, and the scrollbar takes two)."""
        rest = max(30, self.size.width - self._date_width() - 10 - 12 - 10 - 6)
        group_width = max(9, rest - 34)
        return rest - group_width, group_width

    def _group_text(self, row: HistoryRow, width: int | None = None) -> str:
        if self.app.projector:  # names stay off the wall
            return f"{row.group_size} people"
        width = self._widths()[1] if width is None else width
        names = ", ".join(row.people)
        text = f"{row.group_size}: {names}"
        if len(text) <= width:
            return text
        return f"{row.group_size} people" if width < 20 else _fit(text, width)

    def _fill(self, keep: str | None = None, same_query: bool = True) -> None:
        """Put the rows in the table: a screenful and the highlighted row at once, the rest
        after the frame that shows them, a part per frame. A DataTable row costs about
        0.3 ms to add, so 500 at once kept the first results (and every key) waiting."""
        table = self.query_one("#history-table", DataTable)
        self._fill_generation += 1
        place = table.cursor_row if same_query else 0
        table.clear()
        rows = self.rows[:MAX_ROWS]
        index = next((i for i, r in enumerate(rows) if r.id == keep), None)
        target = min(place if index is None else index, len(rows) - 1)
        first = max(FIRST_ROWS, target + 1)
        self._add_rows(rows[:first])
        if table.row_count:
            table.move_cursor(row=target)
        if len(rows) > first:
            self.call_after_refresh(self._fill_more, self._fill_generation, first)

    def _fill_more(self, generation: int, start: int) -> None:
        if generation != self._fill_generation or not self.is_attached:
            return  # a newer list (another search, a resize) took its place
        rows = self.rows[:MAX_ROWS]
        self._add_rows(rows[start : start + MORE_ROWS])
        if len(rows) > start + MORE_ROWS:
            self.call_after_refresh(self._fill_more, generation, start + MORE_ROWS)

    def _add_rows(self, rows: list[HistoryRow]) -> None:
        table = self.query_one("#history-table", DataTable)
        date_width = self._date_width()
        format_width, group_width = self._widths()
        for row in rows:
            format_name = row.format_name if row.ended else f"{row.format_name} (not ended)"
            cells = (
                row.created[:date_width].replace("T", " "),
                _fit(format_name, format_width),
                self._group_text(row, group_width),
                minutes_text(row.length_seconds),
                _count(self._open_counts.get(row.id, row.open_actions)),
            )
            # Text, not str: DataTable reads a str as markup, and names may hold "[".
            table.add_row(*(Text(cell, no_wrap=True) for cell in cells), key=row.id)

    def _highlighted(self) -> str | None:
        table = self.query_one("#history-table", DataTable)
        if not table.row_count or not table.display:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _row(self) -> HistoryRow | None:
        session_id = self._highlighted()
        return next((r for r in self.rows if r.id == session_id), None)

    @on(DataTable.RowHighlighted, "#history-table")
    def _highlight_moved(self) -> None:
        self._show_match()

    def _show_match(self) -> None:
        """Under the list: where the highlighted session matched the words searched for."""
        match = self.query_one("#history-match", Static)
        row = self._row()
        line = ""
        if row is not None and not self.app.projector:
            width = max(20, self.size.width - 10)
            line = _CONTROL.sub(" ", matching_line(self.app.store, row.id, self.query_text, width=width))
        match.update(Content(f"“{line}”") if line else "")
        match.display = bool(line)

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete" and self.app.read_only:
            return False
        typing = isinstance(self.focused, Input)
        if action == "search":
            return not typing
        if action in ("save", "copy", "delete"):
            # Single keys go into the search box while it has the focus (Textual then leaves
            # them out of the footer); with nothing listed they are shown, dimmed.
            return None if typing or self._highlighted() is None else True
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_move(self, rows: int) -> None:
        table = self.query_one("#history-table", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + rows)))

    def action_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_back(self) -> None:
        search = self.query_one("#history-search", Input)
        if search.value:
            search.value = ""  # Esc first clears the search, then leaves
            search.focus()
            return
        self.app.pop_screen()

    @on(Input.Submitted, "#history-search")
    def _submitted(self) -> None:
        self.action_open()

    @on(DataTable.RowSelected, "#history-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_past_session(str(event.row_key.value))

    def action_open(self) -> None:
        if self.query_text != self._shown_text:
            # Enter pressed before the list caught up with the typing: open the first match
            # of what was typed, not a row of the old list.
            self._open_when_found = True
            if self._timer is not None:
                self._timer.stop()
            self.run_search(self.query_text)
            return
        session_id = self._highlighted()
        if session_id is None:
            self.notify("Nothing to open: no session is listed.", timeout=4)
            return
        self.app.open_past_session(session_id)

    def _summary(self, session_id: str):
        from peercircle.sessions.records.summary import summarise

        try:
            session = self.app.store.load(session_id, clock=self.app.clock)
        except StoreError as exc:
            self.notify(str(exc), title="Cannot read the session", severity="error", markup=False)
            self.run_search(self.query_text)
            return None
        return summarise(session)

    def action_save(self) -> None:
        from peercircle.sessions.records.export import export_filename, render_markdown

        row = self._row()
        summary = self._summary(row.id) if row else None
        if summary is not None:
            save_record(self.app, export_filename(summary), render_markdown(summary), what="Saved again")

    def action_copy(self) -> None:
        from peercircle.sessions.records.export import render_markdown

        row = self._row()
        summary = self._summary(row.id) if row else None
        if summary is not None:
            copy_text(self.app, render_markdown(summary), what="the record")

    def action_actions(self) -> None:
        """Every open action, of every session and group, to tick off between meetings."""
        from peercircle.tui.screens.actions_view import ActionsScreen

        self.app.push_screen(ActionsScreen(None))

    def action_delete(self) -> None:
        row = self._row()
        if row is None:
            return
        saver = self.app.autosaver
        if saver is not None and saver.session.meta.id == row.id:
            self.notify("That session is being recorded; end it before deleting it.", severity="warning")
            return
        when = f"{row.date:%d %b %Y}"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.store.delete(row.id)
                self.app.forget_sessions({row.id})
            except OSError as exc:
                self.notify(
                    f"Could not delete {row.id}: {exc.strerror or exc}", title="Not deleted", severity="error"
                )
                return
            self.notify(
                f"Deleted the {row.format_name} session of {when}: its file is gone.", timeout=6, markup=False
            )
            self.run_search(self.query_text)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the {escape(row.format_name)} session of {when} ({row.group_size} people) and "
                "all its notes for good? This cannot be undone.",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Search the history", "History · key /", self.action_search)
        yield SystemCommand("Open the highlighted session", "History · key enter", self.action_open)
        yield SystemCommand(
            "Save the highlighted session to a file again", "History · key x", self.action_save
        )
        yield SystemCommand("Copy the highlighted session", "History · key c", self.action_copy)
        if not self.app.read_only:
            yield SystemCommand("Delete the highlighted session", "History · key d", self.action_delete)
        yield SystemCommand("Back to the home screen", "History · key escape", self.app.pop_screen)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis, so a cut never looks complete."""
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


def _count(number: int) -> str:
    return str(number) if number else "–"
