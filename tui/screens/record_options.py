"""Small questions the summary asks before a record leaves the app: which pseudonyms and
other names to hide (``NamesScreen``), and whose learning record to show (``PersonScreen``)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.records.anonymise import pseudonym_problems, split_names

WHOLE_SESSION = "\x00whole"
"""The PersonScreen answer meaning "the whole session, not one person's record"."""


@dataclass(frozen=True)
class NameChoices:
    pseudonyms: dict[str, str]
    """Real name -> pseudonym, as the facilitator chose them."""
    extra: tuple[str, ...]
    """Other names to hide (people who use services, places, ...)."""


def parse_pseudonyms(text: str, people: tuple[str, ...]) -> tuple[dict[str, str], list[str]]:
    """'Ann=Ash, Bob=B.' -> ({'Ann': 'Ash', 'Bob': 'B.'}, problems).

    Names are matched to the group in any case; a name outside the group is kept (it is
    hidden too). A pseudonym may not be a group member's real name, nor be used twice.
    """
    by_key = {p.casefold(): p for p in people}
    chosen: dict[str, str] = {}
    problems: list[str] = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        if not part.strip():
            continue
        name, sep, alias = part.partition("=")
        name, alias = " ".join(name.split()), " ".join(alias.split())
        if not sep or not name or not alias:
            problems.append(f"“{part.strip()}” needs the form Name=Pseudonym")
            continue
        name = by_key.get(name.casefold(), name)
        if pseudonym_problems(people, {name: alias}):
            problems.append(f"{alias} is someone's real name; choose another pseudonym for {name}")
            continue
        chosen[name] = alias
    problems += pseudonym_problems(people, chosen)
    return chosen, problems


class NamesScreen(ModalScreen[NameChoices | None]):
    """Edit the pseudonyms and the other names to hide; Enter applies, Esc leaves them."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, people: tuple[str, ...], mapping: dict[str, str], extra: tuple[str, ...]) -> None:
        super().__init__()
        self.people = people
        self.mapping = mapping
        self.extra = extra

    def compose(self) -> ComposeResult:
        current = ", ".join(f"{p}={self.mapping[p]}" for p in self.people if p in self.mapping)
        with Vertical(id="names"):
            yield Static("Pseudonyms and other names to hide", id="names-title")
            yield Static(
                "Pseudonyms, as Name=Pseudonym separated by commas (a name left out gets its initial):",
                classes="hint",
            )
            yield Input(current, placeholder="Ann=Ash, Bob=B.", id="pseudonyms")
            yield Static(
                "Other names to hide, such as people who use services (they become Person 1, 2, ...):",
                classes="hint",
            )
            yield Input(", ".join(self.extra), placeholder="Mrs Jones, Leo", id="extra-names")
            yield Static("", id="names-error")
            yield Static(
                "Enter applies and turns anonymising on · Esc leaves things as they were", classes="hint"
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#names-error").display = False
        self.query_one("#pseudonyms", Input).focus()

    @on(Input.Submitted)
    def _apply(self, event: Input.Submitted) -> None:
        if event.input.id == "pseudonyms":
            self.query_one("#extra-names", Input).focus()
            return
        pseudonyms, problems = parse_pseudonyms(self.query_one("#pseudonyms", Input).value, self.people)
        error = self.query_one("#names-error", Static)
        if problems:
            error.update(Text("⚠ " + "; ".join(problems) + "."))
            error.display = True
            self.query_one("#pseudonyms", Input).focus()
            return
        self.dismiss(NameChoices(pseudonyms, split_names(self.query_one("#extra-names", Input).value)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PersonScreen(ModalScreen[str | None]):
    """Whose learning record to show; the first line goes back to the whole session."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, people: tuple[str, ...], shown_as: dict[str, str], current: str | None) -> None:
        super().__init__()
        self.people = people
        self.shown_as = shown_as
        """How each person is named on screen (their pseudonym while anonymising)."""
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="person-pick"):
            yield Static("Learning record for one person · Enter chooses · Esc cancels", id="person-title")
            options = [Option("The whole session (everyone's notes)", id=WHOLE_SESSION)]
            options += [Option(Content(self.shown_as.get(p, p)), id=p) for p in self.people]
            yield OptionList(*options, id="person-list")
            yield Static(
                "A learning record holds that person's own actions and learning, and nobody else's "
                "contributions: for their continuous professional development record.",
                classes="hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#person-list", OptionList)
        ids = [WHOLE_SESSION, *self.people]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
