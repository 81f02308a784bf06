"""Replacing people's names in a record: participants by initials or chosen pseudonyms,
other people (such as those who use services) by "Person 1", "Person 2", ...

A name is replaced wherever it stands as a word, in any case, with a possessive after it
("Ann's", "Ann’s", "Anns'"), and never inside another word ("Annual" stays). Longer
names are tried first, so "Ann Smith" becomes one pseudonym rather than two, and each part
of a multi-word name is replaced on its own too ("Smith" alone). A part shared by two
people is replaced by both their pseudonyms ("A./A2."): hidden, never misattributed.
Over-replacing (a participant called Will or Hope) is the safe way to be wrong here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from peercircle.sessions.records.summary import SessionSummary, TurnSummary
from peercircle.sessions.text import clean_text

TITLES = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev", "fr", "sr"),
        *("st", "mr.", "mrs.", "ms.", "mx.", "dr.", "prof.", "rev."),
    }
)
"""Parts of a name that identify nobody on their own, so are never replaced alone."""

_APOSTROPHES = "'’"
_POSSESSIVE = r"(?P<poss>['’]s|s['’]|['’])?"


HIDDEN = "[name]"
"""What a matched name becomes if its pseudonym cannot be found: never the name itself."""


def _key(name: str) -> str:
    """How a name is looked up once matched: any case, any spacing, either apostrophe."""
    return " ".join(name.replace("’", "'").split()).casefold()


def _name_pattern(name: str) -> str:
    parts: list[str] = []
    for char in name:
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif char in _APOSTROPHES:
            parts.append("['’]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def _parts(name: str) -> list[str]:
    """The words of a multi-word name that could identify someone on their own
    ("Mary-Jane Brown" gives Mary-Jane, Mary, Jane and Brown)."""
    words = [w for word in name.split() for w in (word, *word.split("-")) if w]
    words = list(dict.fromkeys(words))
    if len(words) < 2:
        return []
    return [w for w in words if len(w.strip(".")) > 1 and w.lower() not in TITLES]


@dataclass(frozen=True)
class Anonymiser:
    """Replaces each name in ``mapping`` (real name -> pseudonym), and each part of a
    multi-word name, wherever it appears as a word."""

    mapping: dict[str, str]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _spellings: dict[str, str] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        spellings: dict[str, str] = {}  # as written -> lookup key
        for name, alias in self.mapping.items():
            if name.strip():
                lookup.setdefault(_key(name), alias)
                spellings[name] = _key(name)
        owners: dict[str, list[str]] = {}
        for name, alias in self.mapping.items():
            for part in _parts(name):
                key = _key(part)
                if key not in lookup and alias not in owners.setdefault(key, []):
                    owners[key].append(alias)
                    spellings[part] = key
        for key, aliases in owners.items():
            lookup[key] = "/".join(aliases)
        # Each name as written and case-folded ("Straße" also as "strasse", which a regex's
        # own case folding would miss). Longest first: the whole name wins over its parts.
        names = sorted({form for n in spellings for form in (n, n.casefold())}, key=len, reverse=True)
        pattern = None
        if names:
            alternatives = "|".join(_name_pattern(n) for n in names)
            pattern = re.compile(rf"(?<!\w)(?P<name>{alternatives}){_POSSESSIVE}(?!\w)", re.IGNORECASE)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_spellings", spellings)
        object.__setattr__(self, "_pattern", pattern)

    def apply(self, text: str) -> str:
        """``text`` with every name replaced; a possessive ending is kept ("A.'s")."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        found = match["name"]
        alias = self._lookup.get(_key(found))
        if alias is None:  # the regex folded case where casefold() does not ("ilker" for "İlker")
            key = next(
                (k for s, k in self._spellings.items() if re.fullmatch(_name_pattern(s), found, re.I)), ""
            )
            alias = self._lookup.get(key, HIDDEN)
        poss = match["poss"] or ""
        if poss[:1] in ("s", "S"):  # "Anns'" -> "A.'s": the possessive, after the pseudonym
            poss = poss[1] + "s"
        return alias + poss

    def name(self, person: str) -> str:
        """The pseudonym of one person (a participant, or an extra name)."""
        return self.mapping.get(person) or self.apply(person)


def initial(name: str) -> str:
    """The first letter or digit of a name, upper case ("P" when it has none)."""
    return next((c.upper() for c in name if c.isalnum()), "P")


def _initial_alias(letter: str, n: int) -> str:
    """ "B." for the first person with that initial, then "B2.", "B3." ..."""
    return f"{letter}." if n == 1 else f"{letter}{n}."


def make_anonymiser(
    people: Iterable[str],
    pseudonyms: dict[str, str] | None = None,
    extra: Iterable[str] = (),
) -> Anonymiser:
    """An anonymiser for a group.

    Each person gets their chosen pseudonym, else their initial with a full stop. Initials
    are made unique in the order the people are given: the first Ann is "A.", the next A
    is "A2.", then "A3.". ``extra`` names (other people to hide) become "Person 1",
    "Person 2", ... in the order given. A pseudonym chosen for someone not in ``people``
    applies to that name too. No two names share a pseudonym.
    """
    chosen = {" ".join(k.split()): " ".join(v.split()) for k, v in (pseudonyms or {}).items()}
    chosen = {k: v for k, v in chosen.items() if k and v}
    used = {_key(alias) for alias in chosen.values()}
    mapping: dict[str, str] = {}
    seen: set[str] = set()

    def fresh(make: Callable[[int], str]) -> str:
        number = 1
        while _key(make(number)) in used:
            number += 1
        alias = make(number)
        used.add(_key(alias))
        return alias

    for person in people:
        person = " ".join(person.split())
        if not person or _key(person) in seen:
            continue
        seen.add(_key(person))
        alias = next((v for k, v in chosen.items() if _key(k) == _key(person)), None)
        if alias is not None:
            mapping[person] = alias
            continue
        letter = initial(person)
        mapping[person] = fresh(partial(_initial_alias, letter))
    for name, alias in chosen.items():
        if _key(name) not in seen:
            seen.add(_key(name))
            mapping[name] = alias
    for name in extra:
        name = " ".join(name.split())
        if not name or _key(name) in seen:
            continue
        seen.add(_key(name))
        mapping[name] = fresh(lambda n: f"Person {n}")
    return Anonymiser(mapping)


def anonymise_summary(summary: SessionSummary, anonymiser: Anonymiser) -> SessionSummary:
    """The same summary with every name replaced: people, presenters, airtime, turns,
    step names, notes, actions, private notes, cards and the agreement."""

    def a(text: str) -> str:
        # Control characters go first: an escape sequence against a name ("\x1b[1mAnn")
        # would otherwise hide the name from the word match and leave it in the export.
        return anonymiser.apply(clean_text(text))

    def who(name: str) -> str:
        return anonymiser.name(name)

    phases = tuple(
        dataclasses.replace(
            phase,
            name=a(phase.name),
            rule=a(phase.rule),
            presenter=who(phase.presenter) if phase.presenter else phase.presenter,
            turns=tuple(TurnSummary(who(t.person), t.round, t.seconds, t.passed) for t in phase.turns),
            airtime=_rekey(phase.airtime, who),
            notes=a(phase.notes),
            actions=tuple(a(line) for line in phase.actions),
            private=a(phase.private),
            cards=tuple(a(card) for card in phase.cards),
        )
        for phase in summary.phases
    )
    return dataclasses.replace(
        summary,
        format_name=a(summary.format_name),
        people=tuple(who(p) for p in summary.people),
        presenters=tuple(who(p) for p in summary.presenters),
        phases=phases,
        skipped=tuple(a(s) for s in summary.skipped),
        airtime=_rekey(summary.airtime, who),
        joined=tuple(who(p) for p in summary.joined),
        left=tuple(who(p) for p in summary.left),
        agreement=a(summary.agreement),
    )


def _rekey(seconds: dict[str, float], who: Callable[[str], str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for person, value in seconds.items():
        alias = who(person)
        out[alias] = out.get(alias, 0.0) + value
    return out
