"""Choose a prompt card to put on screen: decks on the left, their cards and a preview on the right.

The deck the phase suggests (and its suggested card) is highlighted when the picker opens,
so the usual case is one key to open and Enter to show.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from peercircle.sessions.library.decks import Card, Deck

HIDE = "hide"


def card_text(deck: Deck, card: Card, with_title: bool = True) -> Text:
    """A card as rich Text (never parsed as markup: titles and prompts may hold brackets)."""
    lines: list[tuple[str, str]] = []
    if with_title:
        lines += [(card.title, "bold"), (deck.name, "dim")]
    if card.body:
        lines.append((card.body, ""))
    lines += [(f"• {prompt}", "") for prompt in card.prompts]
    return Text("\n").join(Text(line, style=style) for line, style in lines)


class DeckScreen(ModalScreen[tuple[str, int] | str | None]):
    """Dismisses with (deck id, card index), ``HIDE`` to take the card down, or None."""

    # Its own styles, read when the screen is first used (see tui/peercircle.tcss).
    DEFAULT_CSS = """
    DeckScreen { align: center middle; }
    #deck-box {
        width: 96%;
        max-width: 120;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    #deck-title { text-style: bold; height: 1; }
    #deck-panes { height: 1fr; }
    #decks { width: 40%; height: 1fr; }
    #deck-right { width: 1fr; height: 1fr; padding-left: 1; }
    #cards { height: auto; max-height: 9; }
    #card-preview { height: 1fr; padding-top: 1; }
    #deck-hint { color: $text-muted; height: auto; }
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("h", "hide", "Hide card"),
        Binding("left", "focus_decks", "Decks", show=False),
        Binding("right", "focus_cards", "Cards", show=False),
    ]

    def __init__(self, decks: tuple[Deck, ...], suggested: str = "", card: str = "", showing: bool = False):
        super().__init__()
        # The suggested deck comes first, so it is also the first thing a new facilitator sees.
        self.decks = sorted(decks, key=lambda d: d.id != suggested)
        self.suggested = suggested
        self.suggested_card = card
        self.showing = showing
        self._filled = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="deck-box"):
            yield Static("Prompt cards · Enter puts a card on screen", id="deck-title")
            with Horizontal(id="deck-panes"):
                yield OptionList(
                    *(
                        Option(Text(f"{d.name} ★" if d.id == self.suggested else d.name), id=d.id)
                        for d in self.decks
                    ),
                    id="decks",
                )
                with Vertical(id="deck-right"):
                    yield OptionList(id="cards")
                    yield Static("", id="card-preview")
            hints = ["★ suggested for this phase"] if self.suggested else []
            hints.append("←/→ decks or cards")
            if self.showing:
                hints.append("h hides the card on screen")
            hints.append("Esc closes")
            yield Static(" · ".join(hints), id="deck-hint")

    def on_mount(self) -> None:
        decks = self.query_one("#decks", OptionList)
        if self.decks:
            decks.highlighted = 0
            self._fill_cards(self.decks[0])
            cards = self.query_one("#cards", OptionList)
            if self.decks[0].id == self.suggested and self.suggested_card:
                cards.highlighted = self.decks[0].index_of(self.suggested_card)
            cards.focus()

    def _deck(self) -> Deck | None:
        index = self.query_one("#decks", OptionList).highlighted
        return self.decks[index] if index is not None and index < len(self.decks) else None

    def _fill_cards(self, deck: Deck) -> None:
        if self._filled == deck.id:
            return
        self._filled = deck.id
        cards = self.query_one("#cards", OptionList)
        cards.clear_options()
        cards.add_options([Option(Text(c.title), id=str(i)) for i, c in enumerate(deck.cards)])
        cards.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        deck = self._deck()
        index = self.query_one("#cards", OptionList).highlighted
        preview = self.query_one("#card-preview", Static)
        if deck is None or index is None or index >= len(deck.cards):
            preview.update("")
            return
        preview.update(card_text(deck, deck.cards[index]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "decks":
            deck = self._deck()
            if deck:
                self._fill_cards(deck)
        else:
            self._preview()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        deck = self._deck()
        if deck is None:
            return
        if event.option_list.id == "decks":
            self.query_one("#cards", OptionList).focus()
            return
        self.dismiss((deck.id, int(str(event.option.id))))

    def action_hide(self) -> None:
        if self.showing:
            self.dismiss(HIDE)

    def action_focus_decks(self) -> None:
        self.query_one("#decks", OptionList).focus()

    def action_focus_cards(self) -> None:
        self.query_one("#cards", OptionList).focus()
