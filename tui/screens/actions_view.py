"""Actions between meetings: every open action of a group (or of every session), to tick off.

What was agreed is read from the meetings' own records (in a worker thread: a year of a
group, or every session with an open action, is many files); what became of it since comes
from the report backs in later meetings and the ticks in ``actions.json``. A tick here is
one more change in ``actions.json`` (``GroupStore.tick``), written at once; the list is
worked out again from what was read, so ticking never reads the records again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from peercircle.sessions.groups.tracking import (
    StatusChange,
    TrackedAction,
    meeting_date,
    recorded_actions,
    report_back_changes,
    with_statuses,
)
from peercircle.tui.base import PeerCircleScreen

STATUS_WORDS = {"open": "open", "done": "done", "carried": "carried on", "dropped": "dropped"}
"""How a status reads in the list (a carried action lives on in a later meeting)."""


def day_text(iso: str, short: bool = False) -> str:
    """'2026-08-03' -> '3 Aug 2026' ('3 Aug 26' where columns are few)."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso[:10] or "?"
    return f"{day.day} {day:%b %y}" if short else f"{day.day} {day:%b %Y}"


@dataclass
class ActionsRead:
    """What the worker read: the actions as recorded, and every change said about them since."""

    recorded: list[TrackedAction] = field(default_factory=list)
    changes: list[StatusChange] = field(default_factory=list)
    meeting_day: dict[str, str] = field(default_factory=dict)
    """Session id -> ISO date it ran (the list is newest meeting first)."""
    where: dict[str, str] = field(default_factory=dict)
    """Session id -> the group's name, or the format of a session run on its own."""
    missing: int = 0
    """Group meetings whose records are gone: their own actions cannot be listed."""
    problems: list[str] = field(default_factory=list)
    group_name: str | None = None
    group_found: bool = True


def read_actions(app, group_id: str | None) -> ActionsRead:
    """Every action of the group's meetings, or (``group_id`` None) of every group's
    meetings and every session whose record has an open action line. In a worker thread."""
    from peercircle.tui.screens.group_overview import session_reader

    groups = app.groups
    read = session_reader(app)
    out = ActionsRead()
    out.changes += groups.ticks()
    if group_id is not None:
        group = groups.get(group_id)
        if group is None:
            out.group_found = False
            out.problems += groups.problems
            return out
        out.group_name = group.name
        wanted = [(s, group.name) for s in group.meetings]
    else:
        wanted = [(s, g.name) for g in groups.groups(archived=True) for s in g.meetings]
    seen: set[str] = set()
    for session_id, name in wanted:
        seen.add(session_id)
        summary = read(session_id)
        if summary is None:
            out.missing += 1
            continue
        _add(out, summary, name)
    if group_id is None:
        for entry in app.store.list_sessions():
            if entry.open_actions <= 0 or entry.id in seen:
                continue
            summary = read(entry.id)
            if summary is not None:
                name = summary.meeting.group_name if summary.meeting else ""
                _add(out, summary, name or f"{summary.format_name} (no group)")
    out.problems += groups.problems
    return out


def _add(out: ActionsRead, summary, where: str) -> None:
    out.recorded += recorded_actions(summary)
    out.changes += report_back_changes(summary)
    out.meeting_day[summary.id] = meeting_date(summary)
    out.where[summary.id] = where


class LineScreen(ModalScreen[str | None]):
    """The optional line said about an action as it is ticked: Enter keeps it, Esc cancels."""

    DEFAULT_CSS = """
    LineScreen { align: center middle; }
    #line-box { width: 70; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    #line-question { padding-bottom: 1; }
    #line-hint { color: $text-muted; padding-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="line-box"):
            yield Static(Content(self.question), id="line-question")
            yield Input(placeholder="A line about it (optional)", max_length=200, id="line-input")
            yield Static("Enter to save · Esc to leave it as it was", id="line-hint")

    @on(Input.Submitted, "#line-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ActionsScreen(PeerCircleScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    #actions-status { height: auto; padding: 0 2; color: $text-muted; }
    #actions-status.-problem { color: $error; text-style: bold; }
    #actions-table { height: 1fr; margin: 0 1; }
    #actions-none { height: 1fr; padding: 1 2; }
    #actions-line { height: auto; max-height: 3; padding: 0 2; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("d", "tick('done')", "Done"),
        Binding("x", "tick('dropped')", "Dropped"),
        Binding("o", "tick('open')", "Open again"),
        Binding("a", "show_closed", "Show closed"),
        Binding("v", "facilitator_view", "Facilitator view", show=False),
    ]

    def __init__(self, group_id: str | None = None) -> None:
        super().__init__()
        self.group_id = group_id
        self.read: ActionsRead | None = None
        self.show_closed = False
        self.shown: list[TrackedAction] = []
        self.wide = False
        """Room for the longer forms (set with the columns)."""

    def compose(self) -> ComposeResult:
        yield Static("Actions", id="actions-title", classes="step-title")
        yield Static("Reading the meetings' actions…", id="actions-status")
        yield DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="actions-none")
        yield Static("", id="actions-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#actions-none").display = False
        self.query_one("#actions-table").focus()
        self._columns()
        if self._walled():
            return
        self.reload()

    def _walled(self) -> bool:
        """Every group's actions stay off the wall: in projector view this list (of every
        session) is not read until the facilitator says the screen is theirs (v). A group's
        own list is for its own room, and shows."""
        if self.group_id is not None or not self.app.projector:
            return False
        self._status(
            "Projector view is on, and this list holds every group's actions and names. "
            "Press v if only you can see this screen (facilitator view), or open a group's own "
            "actions from the groups screen (g, then c).",
            problem=True,
        )
        self.query_one("#actions-table").display = False
        return True

    def action_facilitator_view(self) -> None:
        if self.group_id is None and self.app.projector:
            self.app.projector = False
            self.query_one("#actions-table").display = True
            self._status("Reading the meetings' actions…")
            self.reload()

    def on_resize(self) -> None:
        if self.read is not None:
            self._fill(self._highlighted())

    # -- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        app, group_id = self.app, self.group_id
        self.run_worker(
            lambda: read_actions(app, group_id),
            name="actions-read",
            group="actions-read",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "actions-read":
            return
        if event.state is WorkerState.ERROR:
            self._status(f"The actions could not be read: {worker.error}", problem=True)
            return
        if event.state is not WorkerState.SUCCESS or worker.result is None:
            return
        read: ActionsRead = worker.result
        for problem in read.problems:
            self.notify(problem, title="Actions", severity="warning", markup=False, timeout=12)
        self.app.groups.problems.clear()  # told once
        if not read.group_found:
            self._status("This group is not in groups.json any more. Press Esc.", problem=True)
            self.query_one("#actions-table").display = False
            return
        self.read = read
        title = f"Actions · {read.group_name}" if read.group_name else "Actions · every session"
        self.query_one("#actions-title", Static).update(Content(title + " · to tick off between meetings"))
        self._fill(None)

    # -- the list ------------------------------------------------------------------------

    def current(self) -> list[TrackedAction]:
        """Every action read, with its status now; newest meeting first, as recorded within it."""
        if self.read is None:
            return []
        read = self.read
        actions = with_statuses(read.recorded, read.changes)
        order = {a.id: i for i, a in enumerate(actions)}
        return sorted(
            actions, key=lambda a: (read.meeting_day.get(a.session_id, ""), -order[a.id]), reverse=True
        )

    def _widths(self) -> dict[str, int]:
        width = self.size.width
        self.wide = width >= 120
        widths = {"who": 16, "when": 20, "agreed": 11} if self.wide else {"who": 9, "when": 11, "agreed": 9}
        if self.group_id is None:  # a group's own list names it once, in the title
            widths["group"] = 24 if self.wide else 10
        widths["status"] = 10 if self.wide else 8
        # Each column has a cell of padding either side; the margin and scrollbar take four.
        rest = width - sum(widths.values()) - 2 * (len(widths) + 1) - 4
        # On a projector's width the words stay near their who and when, not across the wall.
        longest = max((len(a.what) for a in self.read.recorded), default=40) if self.read else 40
        what = max(16, min(rest, longest + 1))
        # What the words leave goes to who, by when and the group, up to their wide widths.
        spare = rest - what
        for key, most in (("when", 20), ("who", 16), ("group", 24)):
            if key in widths and spare > 0:
                grow = min(spare, max(0, most - widths[key]))
                widths[key] += grow
                spare -= grow
        return {"what": what, **widths}

    def _columns(self) -> None:
        table = self.query_one("#actions-table", DataTable)
        table.clear(columns=True)
        labels = {
            "what": "What",
            "who": "Who",
            "when": "By when",
            "agreed": "Agreed",
            "group": "Group",
            "status": "Status",
        }
        for key, width in self._widths().items():
            table.add_column(labels[key], key=key, width=width)

    def _fill(self, keep: str | None) -> None:
        table = self.query_one("#actions-table", DataTable)
        place = table.cursor_row
        self._columns()  # the words' column fits the longest action read
        actions = self.current()
        self.shown = [a for a in actions if self.show_closed or a.is_open]
        widths = self._widths()
        table.clear()
        read = self.read
        assert read is not None
        for action in self.shown:
            cells = {
                "what": action.what,
                "who": action.who or "–",
                "when": action.when or "–",
                "agreed": day_text(action.raised, short=not self.wide),
                "group": read.where.get(action.session_id, ""),
                "status": STATUS_WORDS.get(action.status, action.status) if self.wide else action.status,
            }
            style = "bold" if action.is_open else "dim"
            # Text, not str: DataTable reads a str as markup, and notes may hold "[".
            table.add_row(
                *(Text(_fit(cells[key], widths[key]), style=style, no_wrap=True) for key in widths),
                key=action.id,
            )
        if table.row_count:
            index = next((i for i, a in enumerate(self.shown) if a.id == keep), None)
            table.move_cursor(row=min(place if index is None else index, table.row_count - 1))
        self._describe(actions)
        self._show_line()
        self.refresh_bindings()

    def _describe(self, actions: list[TrackedAction]) -> None:
        read = self.read
        assert read is not None
        table = self.query_one("#actions-table", DataTable)
        none = self.query_one("#actions-none", Static)
        open_count = sum(a.is_open for a in actions)
        whose = f"of {read.group_name}" if read.group_name else "across every session"
        parts = [f"{open_count} open action{'s' if open_count != 1 else ''} {whose}"]
        if self.show_closed:
            parts.append(f"{len(actions) - open_count} closed shown too (a: open only)")
        if read.missing:
            parts.append(
                f"⚠ {read.missing} meeting record{'s are' if read.missing != 1 else ' is'} gone; "
                "its own actions cannot be listed"
            )
        if self.app.read_only:
            parts.append("read-only: this data folder is open in another peercircle, tick there")
        self._status(" · ".join(parts) + ".", problem=bool(read.missing))
        if not self.shown:
            none.update(
                "Nothing open: every action is done, carried on or dropped. a shows the closed ones."
                if actions
                else "No actions yet. Actions written in a session's action notes are listed here."
            )
        table.display = bool(self.shown)
        none.display = not self.shown

    def _status(self, text: str, problem: bool = False) -> None:
        status = self.query_one("#actions-status", Static)
        status.update(Content(text))
        status.set_class(problem, "-problem")

    def _highlighted(self) -> str | None:
        table = self.query_one("#actions-table", DataTable)
        if not table.row_count or not table.display:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def highlighted_action(self) -> TrackedAction | None:
        wanted = self._highlighted()
        return next((a for a in self.shown if a.id == wanted), None)

    @on(DataTable.RowHighlighted, "#actions-table")
    def _moved(self) -> None:
        self._show_line()
        self.refresh_bindings()

    def _show_line(self) -> None:
        """Under the list: the highlighted action in full, and the last thing said about it."""
        action = self.highlighted_action()
        box = self.query_one("#actions-line", Static)
        if action is None:
            box.update("")
            return
        text = f"“{action.what}”"
        if action.carried_from:
            text += f" (carried on from {day_text(action.raised)})"
        if action.changed:
            said = f": {action.line}" if action.line else ""
            text += f" · {STATUS_WORDS.get(action.status, action.status)} on {day_text(action.changed)}{said}"
        box.update(Content(text))

    # -- ticking -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tick":
            # Shown dimmed when there is nothing to tick, or it has that status already. In a
            # read-only folder the keys stay live, to say why nothing can be ticked here.
            current = self.highlighted_action()
            return None if current is None or current.status == parameters[0] else True
        return True

    def action_tick(self, status: str) -> None:
        action = self.highlighted_action()
        if action is None:
            self.notify("Nothing to tick: no action is listed.", timeout=4)
            return
        if self.app.read_only:
            self.notify(
                "This data folder is open in another peercircle: tick actions there.",
                title="Read-only",
                severity="warning",
            )
            return
        if action.status == status:
            self.notify(f"It is {STATUS_WORDS[status]} already.", timeout=4)
            return
        if action.status == "carried":
            self.notify(
                "It was carried on into a later meeting: tick it there (a shows it with the closed ones).",
                timeout=8,
            )
            return
        verb = {"done": "Done", "dropped": "Dropped", "open": "Open again"}[status]
        self.app.push_screen(
            LineScreen(f"{verb}: {action.what}" + (f" ({action.who})" if action.who else "")),
            lambda line: self._ticked(action, status, line),
        )

    def _ticked(self, action: TrackedAction, status: str, line: str | None) -> None:
        from peercircle.sessions.groups.store import GroupStoreError

        if line is None or self.read is None:
            return  # Esc: left as it was
        try:
            change = self.app.groups.tick(action.id, status, line)
        except GroupStoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False, timeout=12)
            return
        self.read.changes.append(change)
        self._fill(self._next_after(action.id) if status != "open" and not self.show_closed else action.id)
        self.notify(f"{STATUS_WORDS[status].capitalize()}: {action.what}", timeout=4, markup=False)

    def _next_after(self, action_id: str) -> str | None:
        """The row to highlight once ``action_id`` leaves the open list: the one below it."""
        ids = [a.id for a in self.shown]
        if action_id not in ids:
            return None
        at = ids.index(action_id)
        rest = ids[at + 1 :] or ids[:at][-1:]
        return rest[0] if rest else None

    def action_show_closed(self) -> None:
        self.show_closed = not self.show_closed
        if self.read is not None:
            self._fill(self._highlighted())

    @on(DataTable.RowSelected, "#actions-table")
    def _selected(self) -> None:
        """Enter: the meeting the action was agreed (or carried) at, read-only."""
        action = self.highlighted_action()
        if action is not None:
            self.app.open_past_session(action.session_id)

    def action_back(self) -> None:
        self.answer(None)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Tick the highlighted action done", "Actions · key d", lambda: self.action_tick("done")
        )
        yield SystemCommand(
            "Drop the highlighted action (no longer wanted)",
            "Actions · key x",
            lambda: self.action_tick("dropped"),
        )
        yield SystemCommand(
            "Open the highlighted action again", "Actions · key o", lambda: self.action_tick("open")
        )
        yield SystemCommand(
            "Show closed actions too (or open only)", "Actions · key a", self.action_show_closed
        )
        yield SystemCommand("Back", "Actions · key escape", self.action_back)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis, so a cut never looks complete."""
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"
