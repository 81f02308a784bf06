"""Step 2 of setting up: who is here, in seating order, who presents, and the turn order.

The screen answers with a checked ``GroupChoice`` (None: Back); the app decides what comes next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.engine.session import GroupError, check_group, clean_names
from peercircle.sessions.library.formats import Format
from peercircle.tui.base import PeerCircleScreen


@dataclass(frozen=True)
class GroupChoice:
    """Who is here (seating order), who presents (in presenting order), and the turn-order seed."""

    people: tuple[str, ...]
    presenters: tuple[str, ...]
    seed: int | None
    roles: dict[str, str] = field(default_factory=dict)
    """For a group's meeting: who takes each rotating role (lower-case role to name)."""


TICKED = "☑"
UNTICKED = "☐"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    if number % 100 in (11, 12, 13):
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def presenter_prompt(name: str, place: int | None) -> str:
    """One row of the picker: '☑ Ben · presents 1st' when ticked, '☐ Ciara' when not."""
    return f"{TICKED} {name} · presents {ordinal(place)}" if place else f"{UNTICKED} {name}"


class PresenterPicker(SelectionList[str]):
    """Space ticks presenters in running order; Enter starts (ticking the highlighted one
    when none is ticked, so one presenter is just 'highlight and Enter').

    Textual draws the same 'X' button before every row, ticked or not, and tells them apart
    by its colour alone: on a washed-out projector, or a terminal without colour, every row
    looks ticked. So the button is left out and each row says its state in its own text
    (a ballot box, and the presenting place), which reads in any theme.
    """

    BINDINGS = [Binding("enter", "start", "Start", show=False)]

    def set_names(self, names: Sequence[str]) -> None:
        """Offer ``names``, keeping the ticks (and their order) of names still there."""
        ticked = [name for name in self.selected if name in names]
        self.clear_options()
        self.add_options((Content(name), name) for name in names)
        for name in ticked:
            self.select(name)
        self._label()
        if names:
            self.highlighted = 0

    def _label(self) -> None:
        order = {name: place for place, name in enumerate(self.selected, 1)}
        for index in range(self.option_count):
            name = self.get_option_at_index(index).value
            # Content, not a markup string: a name is shown as typed, brackets and all.
            self.replace_option_prompt_at_index(index, Content(presenter_prompt(name, order.get(name))))

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        # Every row, not just the toggled one: unticking someone moves up those after them.
        self._label()

    def _get_left_gutter_width(self) -> int:
        return 0  # no button (see the class docstring), so the rows keep their full width

    def render_line(self, y: int) -> Strip:
        # The option list's own row, without the colour-only button SelectionList adds.
        return OptionList.render_line(self, y)

    def action_start(self) -> None:
        if not self.selected and self.highlighted is not None:
            self.select(self.get_option_at_index(self.highlighted).value)
        screen = self.screen
        if isinstance(screen, GroupScreen):
            screen.action_start()


class GroupScreen(PeerCircleScreen[GroupChoice | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("ctrl+s", "start", "Start session"),
    ]

    def __init__(
        self,
        fmt: Format,
        names: Sequence[str] = (),
        suggested: Sequence[str] = (),
        roles: dict[str, str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.fmt = fmt
        self.names = tuple(names)
        """For a group's meeting: who is here, filled in."""
        self.suggested = tuple(suggested)
        """The rota's suggestion for presenter(s), highlighted (the facilitator may choose another)."""
        self.roles = dict(roles or {})
        self.title_text = title

    @property
    def cycles(self) -> bool:
        return self.fmt.needs_presenter and self.fmt.cycle_per_presenter

    def compose(self) -> ComposeResult:
        title = self.title_text or f"New session · 2 of 3 · {self.fmt.name}"
        yield Static(Content(title), classes="step-title")
        with VerticalScroll(id="group"):
            yield Static(
                "Names in seating order, separated by commas (2 to 12 people). "
                f"This format suits {self.fmt.group_min}-{self.fmt.group_max}.",
                classes="hint",
            )
            yield Input(", ".join(self.names), placeholder="e.g. Aisha, Ben, Ciara, Dev", id="names")
            if self.suggested and self.fmt.needs_presenter:
                yield Static(
                    Content(
                        f"The rota suggests {' then '.join(self.suggested)} to present "
                        "(next in turn); choose someone else if the group agrees."
                    ),
                    id="rota-hint",
                    classes="hint",
                )
            if self.roles:
                yield Static(
                    "Rotating roles (role: name; ...), as the rota suggests; change them if need be",
                    classes="hint",
                )
                yield Input("; ".join(f"{role}: {name}" for role, name in self.roles.items()), id="roles")
            if self.cycles:
                yield Static(
                    "Presenters: Space ticks each, in the order they will present; "
                    "Enter starts (one presenter: just highlight and Enter).",
                    classes="hint",
                )
                yield PresenterPicker(id="presenters")
                yield Static("Presenting order: none ticked yet", id="presenting-order", classes="hint")
            elif self.fmt.needs_presenter:
                yield Static("Presenter (the person bringing the case): Enter to start", classes="hint")
                yield OptionList(id="presenter")
            else:
                yield Static("This format has no presenter; Enter starts the session.", classes="hint")
            yield Static(
                "Turn order: leave empty for seating order, or type a number to shuffle "
                "(the same number gives the same order).",
                classes="hint",
            )
            yield Input(placeholder="seating order", id="seed", type="integer", max_length=9)
            yield Static("", id="group-error")
        yield Footer()

    def on_mount(self) -> None:
        if not self.names:
            self.query_one("#names", Input).focus()
            return
        # A group's meeting: the names are in; offer the presenter, the suggestion highlighted.
        if self.fmt.needs_presenter:
            self._offer(self.names)
        if self.cycles:
            picker = self.query_one("#presenters", PresenterPicker)
            for name in self.suggested:
                picker.select(name)
            picker.focus()
        elif self.fmt.needs_presenter:
            single = self.query_one("#presenter", OptionList)
            ids = [single.get_option_at_index(i).id for i in range(single.option_count)]
            if self.suggested and self.suggested[0] in ids:
                single.highlighted = ids.index(self.suggested[0])
            single.focus()
        else:
            self.query_one("#seed", Input).focus()

    def _roles(self) -> dict[str, str]:
        found = self.query("#roles").results(Input)
        field_ = next(iter(found), None)
        if field_ is None:
            return {}
        roles: dict[str, str] = {}
        for part in field_.value.split(";"):
            role, _, name = part.partition(":")
            role, name = " ".join(role.split()).lower(), " ".join(name.split())
            if role and name:
                roles[role[:30]] = name[:40]
        return roles

    def _names(self) -> tuple[str, ...]:
        return clean_names(self.query_one("#names", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#group-error", Static).update("")
        if event.input.id != "names" or not self.fmt.needs_presenter:
            return
        self._offer(self._names())

    def _offer(self, names: tuple[str, ...]) -> None:
        if self.cycles:
            self.query_one("#presenters", PresenterPicker).set_names(names)
            return
        single = self.query_one("#presenter", OptionList)
        previous = single.highlighted
        single.set_options(Option(Content(name), id=name) for name in names)  # as typed, not markup
        if single.option_count:
            single.highlighted = min(previous or 0, single.option_count - 1)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        # Said in words as well: a tick's colour alone does not read on a projector.
        order = self._presenters()
        text = ", ".join(f"{i}. {name}" for i, name in enumerate(order, 1)) or "none ticked yet"
        self.query_one("#presenting-order", Static).update(f"Presenting order: {text}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "seed" or not self.fmt.needs_presenter:
            self.action_start()
            return
        if self._problem(check_presenters=False):
            return
        self.query_one("#presenters" if self.cycles else "#presenter").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "presenter":
            self.action_start()

    def _presenters(self) -> tuple[str, ...]:
        if not self.fmt.needs_presenter:
            return ()
        if self.cycles:
            return tuple(self.query_one("#presenters", SelectionList).selected)
        single = self.query_one("#presenter", OptionList)
        if single.highlighted is None:
            return ()
        return (str(single.get_option_at_index(single.highlighted).id),)

    def _seed(self) -> int | None:
        text = self.query_one("#seed", Input).value.strip()
        return int(text) if text.lstrip("-").isdigit() else None

    def _problem(self, check_presenters: bool = True) -> str | None:
        names = self._names()
        presenters = self._presenters() if check_presenters else names[:1]
        try:
            check_group(self.fmt, names, presenters)
        except GroupError as exc:
            error = self.query_one("#group-error", Static)
            error.update(f"⚠ {exc}")
            # On a small screen the message sits below the fold: bring it into view.
            self.call_after_refresh(error.scroll_visible, animate=False)
            return str(exc)
        return None

    def action_start(self) -> None:
        if self._problem():
            return
        self.answer(GroupChoice(self._names(), self._presenters(), self._seed(), self._roles()))
