"""Who is in the room: give someone the floor, add a late arrival, or note someone leaving.

Opened from the live screen with ``g`` (or ``ctrl+g`` while typing), so these controls
work without leaving the notes for good.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.engine.session import Session, tidy_name
from peercircle.sessions.engine.timefmt import clock_text


class PeopleScreen(ModalScreen[None]):
    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    PeopleScreen { align: center middle; }
    #people {
        width: 70;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    #people-title { text-style: bold; padding-bottom: 1; }
    #people-list { height: auto; max-height: 14; }
    #people-note { color: $text-muted; padding-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("enter", "speak", "Speaks now", show=True),
        Binding("l", "leave", "Leaves"),
        Binding("a", "add", "Late arrival"),
        Binding("q", "quietest", "Quietest first"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(id="people"):
            yield Static("People · Enter: speaks now · l: leaves · a: late arrival", id="people-title")
            yield OptionList(id="people-list")
            yield Input(placeholder="Name of the late arrival, then Enter", id="late-name")
            yield Static("", id="people-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#late-name").display = False
        self._fill()
        self.query_one("#people-list", OptionList).focus()

    def _fill(self) -> None:
        view = self.session.view()
        options = self.query_one("#people-list", OptionList)
        highlighted = options.highlighted
        rows = []
        for number, person in enumerate(view.members, 1):
            role = " (presenter)" if person == view.presenter else ""
            speaking = "  ◀ speaking" if person == view.speaker else ""
            # Content, not a str: a name is never markup ('[/x]Cy' raised MarkupError here).
            line = f"{number:>2}  {person}{role}  ·  {clock_text(view.airtime.get(person, 0))}{speaking}"
            rows.append(Option(Content(line), id=person))
        options.set_options(rows)
        if rows:
            options.highlighted = min(highlighted or 0, len(rows) - 1)
        order = "quietest first" if view.quietest_first else "seating order"
        left = f" · left: {', '.join(view.left)}" if view.left else ""
        self.query_one("#people-note", Static).update(Content(f"Next up: {order} (q to change){left}"))

    def _chosen(self) -> str | None:
        options = self.query_one("#people-list", OptionList)
        if options.highlighted is None:
            return None
        return str(options.get_option_at_index(options.highlighted).id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("speak", "leave", "quietest"):
            return not self.query_one("#late-name").display
        return True

    def action_speak(self) -> None:
        person = self._chosen()
        refusal = self.session.floor_refusal(person)
        if refusal is not None:
            # Open still, to choose someone else: the phase's mode says why not this one.
            self.notify(refusal, severity="warning", timeout=3, markup=False)
            return
        if person and self.session.jump_to(person) is None:
            self.notify(f"{person} cannot take the floor in this phase.", severity="warning", markup=False)
            return
        self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_speak()

    def action_leave(self) -> None:
        person = self._chosen()
        if person and self.session.remove_person(person) is None:
            self.notify("The presenter stays for the whole cycle.", severity="warning")
            return
        self.notify(f"{person} has left; their airtime is kept.", timeout=3, markup=False)
        self._fill()

    def action_add(self) -> None:
        name_input = self.query_one("#late-name", Input)
        name_input.display = True
        name_input.focus()
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = tidy_name(event.value)  # as it will be saved: no pasted control characters
        if not name:
            return
        if self.session.add_person(name) is None:
            # Names are never markup ("[/]Zed joins" raised MarkupError).
            self.notify(f"{name} is already in the group.", severity="warning", markup=False)
            return
        timeline = self.session.timeline
        if name == timeline.current:
            joined = f"{name} joins and has the floor now: the round had ended."
        elif name in timeline.queue:
            joined = f"{name} joins and has a turn in this round."
        elif timeline.takes_turns:
            joined = f"{name} joins from the next round."
        else:
            joined = f"{name} joins the group."
        self.notify(joined, timeout=3, markup=False)
        self.dismiss(None)

    def action_quietest(self) -> None:
        self.session.set_quietest_first(not self.session.timeline.quietest_first)
        self._fill()

    def action_close(self) -> None:
        self.dismiss(None)
