"""The first steps of a group's meeting: who is here today, and hearing back on the
actions still open from earlier meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.engine.meeting import ReportBack
from peercircle.sessions.engine.session import clean_names
from peercircle.sessions.groups.meetings import MeetingPlan
from peercircle.tui.base import PeerCircleScreen
from peercircle.tui.screens.group import TICKED, UNTICKED


@dataclass(frozen=True)
class Attendance:
    present: tuple[str, ...]
    """Members who came, in seating order."""
    guests: tuple[str, ...]


class AttendanceList(SelectionList[str]):
    """Space ticks; Enter goes on (a SelectionList would tick with Enter too). Each row says
    'here' or 'absent' in its own text, as the presenter picker does: a tick's colour alone
    does not read on a projector."""

    BINDINGS = [Binding("enter", "screen.next", "Next", show=False)]

    def on_mount(self) -> None:
        self._label()

    def _label(self) -> None:
        chosen = set(self.selected)
        for index in range(self.option_count):
            name = self.get_option_at_index(index).value
            here = name in chosen
            self.replace_option_prompt_at_index(
                index, Content(f"{TICKED if here else UNTICKED} {name}{'' if here else ' · absent'}")
            )

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        self._label()

    def _get_left_gutter_width(self) -> int:
        return 0

    def render_line(self, y: int) -> Strip:
        return OptionList.render_line(self, y)


class AttendanceScreen(PeerCircleScreen[Attendance | None]):
    """Tick who is here (everyone is, to start with); guests by name."""

    DEFAULT_CSS = """
    #attendance { height: auto; max-height: 14; }
    #attendance-error { color: $error; padding: 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "next", "Next"),
        Binding("escape", "dismiss(None)", "Back"),
    ]

    def __init__(self, plan: MeetingPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        group = self.plan.group
        yield Static(Text(f"{group.name} · meeting {self.plan.number} · who is here?"), classes="step-title")
        yield Static("Space ticks or unticks someone; Enter goes on.", classes="hint")
        yield AttendanceList(*((Content(name), name, True) for name in group.members), id="attendance")
        yield Static(
            "Guests today (names, separated by commas; they take no turn in the rota)", classes="hint"
        )
        yield Input(placeholder="none", id="guests")
        yield Static("", id="attendance-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#attendance").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_next()

    def action_next(self) -> None:
        chosen = set(self.query_one("#attendance", SelectionList).selected)
        present = tuple(m for m in self.plan.group.members if m in chosen)
        guests = tuple(
            g
            for g in clean_names(self.query_one("#guests", Input).value)
            if g.casefold() not in {m.casefold() for m in self.plan.group.members}
        )
        if len(present) + len(guests) < 2:
            self.query_one("#attendance-error", Static).update("⚠ A meeting needs at least 2 people.")
            return
        if len(present) + len(guests) > 12:
            self.query_one("#attendance-error", Static).update("⚠ peercircle runs groups of up to 12.")
            return
        self.answer(Attendance(present, guests))


STATUS_WORDS = {"open": "not discussed", "done": "done", "carried": "carried on", "dropped": "dropped"}


def report_row(item: ReportBack) -> str:
    tick = TICKED if item.status != "open" else UNTICKED
    parts = [item.what, item.who or "who: not set", item.when or "by when: not set"]
    said = f" · “{item.line}”" if item.line else ""
    return f"{tick} {STATUS_WORDS[item.status]:<13} {' — '.join(parts)} (from {item.raised}){said}"


class ReportBackScreen(PeerCircleScreen[tuple[ReportBack, ...] | None]):
    """Each open action of earlier meetings, ticked done, carried or dropped, with a line."""

    DEFAULT_CSS = """
    #report-back { height: 1fr; }
    #report-line { display: none; }
    """

    BINDINGS = [
        Binding("d", "status('done')", "Done"),
        Binding("c", "status('carried')", "Carry on"),
        Binding("x", "status('dropped')", "Drop"),
        Binding("o", "status('open')", "Not discussed", show=False),
        Binding("l", "line", "Add a line"),
        Binding("ctrl+s", "next", "Next"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, plan: MeetingPlan, items: Sequence[ReportBack]) -> None:
        super().__init__()
        self.plan = plan
        self.items = list(items)

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"{self.plan.group.name} · report back on {len(self.items)} open action(s)"),
            classes="step-title",
        )
        yield Static(
            "On the highlighted action: d done · c carry on into this meeting · x drop · "
            "l add what was said. Enter goes on (actions not discussed stay open).",
            classes="hint",
        )
        yield OptionList(*(Option(Text(report_row(i))) for i in self.items), id="report-back")
        yield Input(placeholder="what was said, in a line (Enter keeps it)", id="report-line", max_length=200)
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#report-back", OptionList)
        options.highlighted = 0
        options.focus()

    def _index(self) -> int | None:
        return self.query_one("#report-back", OptionList).highlighted

    def _redraw(self, index: int) -> None:
        options = self.query_one("#report-back", OptionList)
        options.replace_option_prompt_at_index(index, Text(report_row(self.items[index])))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in ("status", "line") and self.query_one("#report-line").display)

    def action_status(self, status: str) -> None:
        index = self._index()
        if index is None:
            return
        self.items[index] = replace(self.items[index], status=status)
        # The cursor stays on the action just ticked: what was said about it (l) usually
        # comes next, and a cursor that moved on put that line under the next action.
        self._redraw(index)

    def action_line(self) -> None:
        index = self._index()
        if index is None:
            return
        editor = self.query_one("#report-line", Input)
        editor.value = self.items[index].line
        editor.display = True
        editor.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self._index()
        if index is not None:
            self.items[index] = replace(self.items[index], line=" ".join(event.value.split()))
            self._redraw(index)
        event.input.display = False
        self.query_one("#report-back").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_next()

    def action_back(self) -> None:
        editor = self.query_one("#report-line", Input)
        if editor.display:
            editor.display = False
            self.query_one("#report-back").focus()
            return
        self.dismiss(None)

    def action_next(self) -> None:
        self.answer(tuple(self.items))
