"""Decks of prompt cards: the supervision models as short cards a group can put on screen.

A deck is a Markdown file, in the same spirit as a format file:

    # Heron's six categories of intervention   <- the deck's name
    What the deck is for, in a sentence or two.
    - Source: John Heron (1975)
    - Use: question rounds                     <- where in a session it helps

    ## Catalytic                                <- one '##' per card
    What the card is about.
    - A prompt question                         <- as many as fit on a card

Built-in decks ship in ``content/decks``; a facilitator's own go in ``<data>/decks``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from markdown_it import MarkdownIt

from peercircle.sessions.library.markdown_file import (
    FormatError,
    FormatProblem,
    read_limited,
    slug,
    unescape,
)

DECK_KEYS = {"source", "use", "id"}
MAX_CARDS = 50
"""The built-in decks have at most 12 cards; each card is a line in the deck chooser, so a
file with thousands is refused at the first card too many instead of laid out."""

_parser = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Card:
    title: str
    body: str
    prompts: tuple[str, ...]

    def as_text(self) -> str:
        """The card as plain lines, for a narrow panel or a note."""
        lines = [self.body] if self.body else []
        lines += [f"• {p}" for p in self.prompts]
        return "\n".join(lines)


@dataclass(frozen=True)
class Deck:
    id: str
    name: str
    purpose: str
    source: str
    use: str
    cards: tuple[Card, ...]
    origin: str = "built-in"

    def card(self, title: str) -> Card | None:
        wanted = title.casefold().strip()
        return next((c for c in self.cards if c.title.casefold() == wanted), None)

    def index_of(self, title: str) -> int:
        card = self.card(title)
        return self.cards.index(card) if card else 0


def parse_deck(text: str, path: str = "<deck>", origin: str = "user") -> Deck:
    """Parse one deck file; raise FormatError listing every problem found."""
    problems: list[FormatProblem] = []
    tokens = _parser.parse(text)
    name = ""
    fields: dict[str, str] = {}
    purpose: list[str] = []
    cards: list[dict] = []
    list_depth = 0
    for i, tok in enumerate(tokens):
        line = (tok.map[0] + 1) if tok.map else 0
        if tok.type == "heading_open":
            title = unescape(tokens[i + 1].content.strip())
            if tok.tag == "h1":
                if name:
                    problems.append(FormatProblem(line, "only one '#' heading; use '##' for each card"))
                name = title
            elif tok.tag == "h2":
                if len(cards) == MAX_CARDS:
                    # The rest of the file is not read card by card.
                    problems.append(
                        FormatProblem(line, f"more than {MAX_CARDS} cards; a deck has at most {MAX_CARDS}")
                    )
                    break
                if any(c["title"].casefold() == title.casefold() for c in cards):
                    problems.append(FormatProblem(line, f"card '{title}' is named twice"))
                cards.append({"title": title, "line": line, "body": [], "prompts": []})
            else:
                problems.append(FormatProblem(line, "use '#' for the deck name and '##' for each card"))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            content = " ".join(tok.content.split())
            if not name:
                problems.append(FormatProblem(line, "start the file with '# Deck name'"))
            elif not cards:
                key, sep, value = content.partition(":")
                if list_depth and sep and key.strip().lower() in DECK_KEYS:
                    fields[key.strip().lower()] = value.strip()
                elif list_depth:
                    problems.append(FormatProblem(line, f"use '- Source:' or '- Use:' here, not {content!r}"))
                else:
                    purpose.append(unescape(content))
            elif list_depth:
                cards[-1]["prompts"].append(content)
            else:
                cards[-1]["body"].append(unescape(content))
    if not name:
        problems.append(FormatProblem(1, "the file must start with '# Deck name'"))
    if name and not cards:
        problems.append(FormatProblem(1, "no cards; add at least one '## Card title'"))
    for card in cards:
        if not card["body"] and not card["prompts"]:
            problems.append(FormatProblem(card["line"], f"card '{card['title']}' is empty"))
    if problems:
        raise FormatError(path, sorted(problems, key=lambda p: p.line))
    deck_id = slug(fields.get("id") or (Path(path).stem if path != "<deck>" else name))
    return Deck(
        id=deck_id,
        name=name,
        purpose="\n\n".join(purpose),
        source=fields.get("source", ""),
        use=fields.get("use", ""),
        cards=tuple(Card(c["title"], "\n".join(c["body"]), tuple(c["prompts"])) for c in cards),
        origin=origin,
    )


@dataclass(frozen=True)
class DeckLibrary:
    decks: tuple[Deck, ...]
    errors: tuple[FormatError, ...] = ()

    def get(self, deck_id: str) -> Deck | None:
        wanted = slug(deck_id)
        return next((d for d in self.decks if d.id == wanted), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.decks)

    def card_titles(self) -> dict[str, list[str]]:
        """Deck id -> its card titles: what a format's Deck and Card lines are checked against."""
        return {d.id: [c.title for c in d.cards] for d in self.decks}


@cache
def builtin_decks() -> tuple[tuple[Deck, ...], tuple[FormatError, ...]]:
    """The decks shipped in the package, read once per process: they cannot change while it
    runs, and parsing them again for every new app (every test) cost a tenth of a second."""
    decks: list[Deck] = []
    errors: list[FormatError] = []
    builtin = resources.files("peercircle.content").joinpath("decks")
    entries = sorted((e for e in builtin.iterdir() if e.name.endswith(".md")), key=lambda e: e.name)
    for entry in entries:
        try:
            decks.append(parse_deck(entry.read_text(encoding="utf-8-sig"), entry.name, "built-in"))
        except FormatError as exc:
            errors.append(exc)
    return tuple(decks), tuple(errors)


def load_decks(user_dir: Path | None = None) -> DeckLibrary:
    """Built-in decks plus a facilitator's own; a broken file is reported, never fatal."""
    shipped, shipped_errors = builtin_decks()
    decks: list[Deck] = list(shipped)
    errors: list[FormatError] = list(shipped_errors)
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.md")):
            try:
                deck = parse_deck(read_limited(path, "deck"), str(path), "user")
            except FormatError as exc:
                errors.append(exc)
                continue
            except (OSError, UnicodeDecodeError) as exc:
                errors.append(FormatError(str(path), [FormatProblem(1, f"cannot be read: {exc}")]))
                continue
            if any(d.id == deck.id for d in decks):
                errors.append(
                    FormatError(str(path), [FormatProblem(1, f"the deck id '{deck.id}' is already used")])
                )
                continue
            decks.append(deck)
    return DeckLibrary(tuple(decks), tuple(errors))
