"""Groups that meet again and again: list them, make and edit one, archive it, and start
a meeting of one (home's g)."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.groups.group import CADENCES, Group, GroupProblem
from peercircle.sessions.groups.store import GroupStoreError
from peercircle.tui.base import PeerCircleScreen


def met_on(session_id: str) -> str:
    """The date a meeting ran, from its id ('20261005-1000-7961' -> '2026-10-05')."""
    digits = session_id[:8]
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}" if digits.isdigit() else ""


class GroupsScreen(PeerCircleScreen[None]):
    DEFAULT_CSS = """
    #groups-table { height: 1fr; }
    #groups-empty { color: $text-muted; padding: 1 1; }
    """

    BINDINGS = [
        Binding("enter", "start", "Start a meeting"),
        Binding("a", "add", "New group"),
        Binding("e", "edit", "Edit"),
        Binding("o", "overview", "Over time"),
        Binding("c", "actions", "Actions"),
        Binding("x", "archive", "Archive/restore", show=False),
        Binding("t", "toggle_archived", "Show archived", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_archived = False

    def compose(self) -> ComposeResult:
        yield Static("Groups · Enter starts a meeting of the highlighted group", classes="step-title")
        yield Static("", id="groups-problems", classes="hint")
        table: DataTable[str | Text] = DataTable(id="groups-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(Text(t) for t in ("Group", "Members", "Meets", "Meetings", "Last met", "Agreement"))
        )
        yield table
        yield Static("", id="groups-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.fill()
        problems = self.app.groups.problems
        self.query_one("#groups-problems", Static).update(Text("\n".join(f"⚠ {p}" for p in problems)))
        self.query_one("#groups-problems").display = bool(problems)

    def on_screen_resume(self) -> None:
        self.fill()

    def on_resize(self) -> None:
        if self.is_mounted:
            self.fill()

    def fill(self, keep: str | None = None) -> None:
        table = self.query_one("#groups-table", DataTable)
        keep = keep or self.highlighted_id()
        table.clear()
        today = self.app.clock.now().date()
        groups = self.app.groups.groups(archived=self.show_archived)
        rows = []
        for group in groups:
            last = met_on(group.meetings[-1]) if group.meetings else "not yet"
            if group.review_due(today):
                agreement = "review due"
            elif group.agreed_on:
                agreement = f"review {group.review_on}"
            else:
                agreement = "not agreed yet"
            name = group.name + (" (archived)" if group.archived else "")
            rows.append((group, name, last, agreement))
        # The members column gives way so the agreement's review date stays on screen (at
        # 100 columns it was cut to "review 2027-"); the group screen (o) names everyone.
        others = max((len(r[1]) for r in rows), default=5) + 8 + 8 + 10 + 10 + 17
        room = max(12, self.size.width - others - 2 * 6 - 2)
        for group, name, last, agreement in rows:
            members = f"{len(group.members)}: " + ", ".join(group.members)
            if len(members) > room:
                members = members[: room - 1].rstrip(", ") + "…"
            table.add_row(
                Text(name),
                Text(members),
                Text(group.cadence),
                str(len(group.meetings)),
                last,
                agreement,
                key=group.id,
            )
        if keep and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self.query_one("#groups-empty", Static).update(
            "No groups yet: a makes one (its members in seating order, its usual format)."
            if not groups
            else "a new · e edit · o the group over time · c its actions · x archive · t show archived"
        )
        table.display = bool(groups)
        if groups:
            table.focus()

    def highlighted_id(self) -> str | None:
        table = self.query_one("#groups-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _group(self) -> Group | None:
        group_id = self.highlighted_id()
        return self.app.groups.get(group_id) if group_id else None

    def _writable(self) -> bool:
        if self.app.read_only:
            self.notify(
                "This data folder is in use by another peercircle; change groups there.", severity="warning"
            )
            return False
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        group = self._group()
        if group is None:
            self.action_add()
            return
        if group.archived:
            self.notify("This group is archived: x restores it first.", severity="warning")
            return
        if self._writable():
            self.app.start_meeting(group.id)

    def action_add(self) -> None:
        if self._writable():
            self.app.push_screen(GroupEditScreen(None), self._saved)

    def action_edit(self) -> None:
        group = self._group()
        if group is not None and self._writable():
            self.app.push_screen(GroupEditScreen(group), self._saved)

    def _saved(self, group: Group | None) -> None:
        if group is not None:
            self.fill(keep=group.id)

    def action_overview(self) -> None:
        group = self._group()
        if group is None:
            return
        from peercircle.tui.screens.group_overview import GroupOverviewScreen

        self.app.push_screen(GroupOverviewScreen(group.id))

    def action_actions(self) -> None:
        from peercircle.tui.screens.actions_view import ActionsScreen

        group = self._group()
        self.app.push_screen(ActionsScreen(group.id if group else None))

    def action_archive(self) -> None:
        group = self._group()
        if group is None or not self._writable():
            return
        try:
            self.app.groups.save(replace(group, archived=not group.archived))
        except GroupStoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(
            f"{group.name} {'restored' if group.archived else 'archived: t shows archived groups'}.",
            markup=False,
        )
        self.fill()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.fill()


class GroupEditScreen(PeerCircleScreen[Group | None]):
    """Make a group or change one: name, members in seating order, usual format, how often
    it meets, and the roles it passes round. ctrl+s keeps it."""

    DEFAULT_CSS = """
    #group-edit { height: 1fr; padding: 0 1; }
    #edit-format { height: 8; }
    #edit-error { color: $error; padding: 1 1 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Keep"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, group: Group | None) -> None:
        super().__init__()
        self.group = group

    def compose(self) -> ComposeResult:
        title = f"Edit group · {self.group.name}" if self.group else "New group"
        yield Static(Text(f"{title} · ctrl+s keeps it"), classes="step-title")
        group = self.group
        with VerticalScroll(id="group-edit"):
            yield Static("Name of the group", classes="hint")
            yield Input(group.name if group else "", placeholder="e.g. NQSW set North", id="edit-name")
            yield Static("Members in seating order, separated by commas (up to 12)", classes="hint")
            yield Input(
                ", ".join(group.members) if group else "", placeholder="Aisha, Ben, Ciara", id="edit-members"
            )
            yield Static("Usual format (preselected when a meeting starts)", classes="hint")
            yield OptionList(id="edit-format")
            yield Static(f"How often it meets: {', '.join(CADENCES)}", classes="hint")
            yield Input(group.cadence if group else "monthly", id="edit-cadence")
            yield Static(
                "Roles the group passes round, separated by commas (e.g. facilitator, timekeeper); "
                "the rota suggests who takes each",
                classes="hint",
            )
            yield Input(", ".join(group.rotate_roles) if group else "", id="edit-roles")
            yield Static("", id="edit-error")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#edit-format", OptionList)
        formats = sorted(self.app.library.formats, key=lambda f: f.name.casefold())
        options.add_options(Option(Text(f.name), id=f.id) for f in formats)
        ids = [f.id for f in formats]
        wanted = self.group.format_id if self.group else "action-learning-set"
        if wanted in ids:
            options.highlighted = ids.index(wanted)
        self.query_one("#edit-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def action_save(self) -> None:
        name = self.query_one("#edit-name", Input).value
        members = self.query_one("#edit-members", Input).value
        cadence = " ".join(self.query_one("#edit-cadence", Input).value.split())[:40] or "monthly"
        roles = tuple(
            r
            for r in (
                " ".join(p.split()).lower()[:30]
                for p in self.query_one("#edit-roles", Input).value.split(",")
            )
            if r and r != "presenter"
        )[:6]
        option = self.query_one("#edit-format", OptionList).highlighted_option
        format_id = option.id if option and option.id else ""
        store = self.app.groups
        try:
            if self.group is None:
                saved = store.create(
                    name,
                    members,
                    format_id=format_id,
                    cadence=cadence,
                    rotate_roles=roles,
                    now=self.app.clock.now(),
                )
            else:
                saved = store.edit(
                    self.group, name, members, format_id=format_id, cadence=cadence, rotate_roles=roles
                )
        except GroupProblem as exc:
            self.query_one("#edit-error", Static).update(Text(f"⚠ {exc}"))
            return
        except GroupStoreError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.answer(saved)
