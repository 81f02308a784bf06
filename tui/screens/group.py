"""Step 2 of setting up: who is here, in seating order, and who presents."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from sessions.formats import Format
from sessions.session import GroupError, Session, check_group, clean_names


class GroupScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "start", "Start session"),
    ]

    def __init__(self, fmt: Format) -> None:
        super().__init__()
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        yield Static(f"New session · 2 of 2 · {self.fmt.name}", classes="step-title")
        with Vertical(id="group"):
            yield Static(
                "Names in seating order, separated by commas (2 to 12 people). "
                f"This format suits {self.fmt.group_min}-{self.fmt.group_max}.",
                classes="hint",
            )
            yield Input(placeholder="e.g. Aisha, Ben, Ciara, Dev", id="names")
            if self.fmt.needs_presenter:
                yield Static("Presenter (the person bringing the case): Enter to start", classes="hint")
                yield OptionList(id="presenter")
            else:
                yield Static("This format has no presenter; Enter starts the session.", classes="hint")
            yield Static("", id="group-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#names", Input).focus()

    def _names(self) -> tuple[str, ...]:
        return clean_names(self.query_one("#names", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#group-error", Static).update("")
        if not self.fmt.needs_presenter:
            return
        chooser = self.query_one("#presenter", OptionList)
        previous = chooser.highlighted
        chooser.set_options(Option(name, id=name) for name in self._names())
        if chooser.option_count:
            chooser.highlighted = min(previous or 0, chooser.option_count - 1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.fmt.needs_presenter:
            if self._problem(presenter_needed=False):
                return
            self.query_one("#presenter", OptionList).focus()
        else:
            self.action_start()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def _presenter(self) -> str | None:
        if not self.fmt.needs_presenter:
            return None
        chooser = self.query_one("#presenter", OptionList)
        if chooser.highlighted is None:
            return None
        return str(chooser.get_option_at_index(chooser.highlighted).id)

    def _problem(self, presenter_needed: bool = True) -> str | None:
        names = self._names()
        presenter = self._presenter() if presenter_needed else (names[0] if names else None)
        try:
            check_group(self.fmt, names, presenter if self.fmt.needs_presenter else None)
        except GroupError as exc:
            self.query_one("#group-error", Static).update(f"⚠ {exc}")
            return str(exc)
        return None

    def action_start(self) -> None:
        if self._problem():
            return
        from tui.screens.live import LiveScreen

        session = Session.new(self.fmt, self._names(), self._presenter(), clock=self.app.clock)
        self.app.begin_session(session)
        session.start()
        # The set-up screens are done with: the live screen replaces them above home.
        self.app.pop_screen()
        self.app.switch_screen(LiveScreen(session))
