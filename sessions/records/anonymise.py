"""Replacing people's names in a record: participants by initials or chosen pseudonyms,
other people (such as those who use services) by "Person 1", "Person 2", ...

A name is replaced wherever it stands as a word: in any case, with or without its accents
("Siobhan" for Siobhán, whether the accent was typed composed or decomposed), next to digits
or underscores ("Ann2", "Ann_Smith"), with a possessive after it ("Ann's", "Ann’s", "Anns'"),
and never inside another word ("Annual" stays). Longer
names are tried first, so "Ann Smith" becomes one pseudonym rather than two, and each part
of a multi-word name is replaced on its own too ("Smith" alone). A part shared by two
people is replaced by both their pseudonyms ("A./A2."): hidden, never misattributed.
Over-replacing (a participant called Will or Hope) is the safe way to be wrong here.

Before an anonymised record is made, every text in it is searched again for every name it
was given (:func:`check_hidden`); one found stops the export.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from peercircle.sessions.engine.meeting import Meeting
from peercircle.sessions.engine.session import clean_names
from peercircle.sessions.records.folding import fold, folded_with_positions, original_end
from peercircle.sessions.records.summary import SessionSummary, TurnSummary
from peercircle.sessions.text import clean_text

TITLES = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev", "fr", "sr"),
        *("st", "mr.", "mrs.", "ms.", "mx.", "dr.", "prof.", "rev."),
    }
)
"""Parts of a name that identify nobody on their own, so are never replaced alone."""

_POSSESSIVE = r"(?P<poss>'s|s'|')?"
# A name ends where letters end: "Ann2", "Ann_Smith" and "2Ann" name Ann, "Annual" does not.
_NOT_AFTER_LETTER = r"(?<![^\W\d_])"
_NOT_BEFORE_LETTER = r"(?![^\W\d_])"
_SEPARATOR = re.compile(r"[\s_]+")

HIDDEN = "[name]"
"""What a matched name becomes if its pseudonym cannot be found: never the name itself."""


def _key(name: str) -> str:
    """How a name is looked up once matched: any case, accents or none, any spacing."""
    return " ".join(_SEPARATOR.split(fold(name).strip(" _"))).casefold()


def _name_pattern(name: str) -> str:
    """A regular expression for a folded name: spaces and underscores between its words
    match any run of either ("Ann Smith", "Ann  Smith", "Ann_Smith")."""
    return r"[\s_]+".join(re.escape(word) for word in _SEPARATOR.split(fold(name).strip(" _")))


def _parts(name: str) -> list[str]:
    """The words of a multi-word name that could identify someone on their own
    ("Mary-Jane Brown" gives Mary-Jane, Mary, Jane and Brown)."""
    words = [w for word in _SEPARATOR.split(name) for w in (word, *word.split("-")) if w]
    words = list(dict.fromkeys(words))
    if len(words) < 2:
        return []
    return [w for w in words if len(w.strip(".")) > 1 and w.lower() not in TITLES]


def split_names(text: str) -> tuple[str, ...]:
    """A list of names as people type it, on the command line or in the app's dialog:
    separated by commas, semicolons or new lines ("Mrs Jones, Leo" -> Mrs Jones, Leo),
    read as the group's names are read, each once."""
    return tuple(dict.fromkeys(clean_names(text)))


@dataclass(frozen=True)
class Anonymiser:
    """Replaces each name in ``mapping`` (real name -> pseudonym), and each part of a
    multi-word name, wherever it appears as a word: in any case, with or without its
    accents, composed or decomposed, next to digits or underscores."""

    mapping: dict[str, str]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _spelling: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        owners: dict[str, list[str]] = {}  # folded name -> the pseudonyms it stands for
        spelling: dict[str, str] = {}  # folded name -> as it was given, for messages

        def own(name: str, alias: str) -> None:
            key = _key(name)
            if key and alias not in owners.setdefault(key, []):
                owners[key].append(alias)
                spelling.setdefault(key, name)

        for name, alias in self.mapping.items():
            own(name, alias)
        whole = set(owners)
        for name, alias in self.mapping.items():
            for part in _parts(name):
                if _key(part) not in whole:
                    own(part, alias)
        # Two people whose names fold alike ("Zoe" and "Zoë"), or a part two people share,
        # get both pseudonyms ("Z./Z2."): hidden, never put under one person's name.
        lookup = {key: "/".join(aliases) for key, aliases in owners.items()}
        pattern = None
        if lookup:
            # Longest first: the whole name wins over its parts.
            alternatives = "|".join(_name_pattern(k) for k in sorted(lookup, key=len, reverse=True))
            pattern = re.compile(
                rf"{_NOT_AFTER_LETTER}(?P<name>{alternatives}){_POSSESSIVE}{_NOT_BEFORE_LETTER}",
                re.IGNORECASE,
            )
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_spelling", spelling)

    def apply(self, text: str) -> str:
        """``text`` with every name replaced; a possessive ending is kept ("A.'s")."""
        if self._pattern is None or not text:
            return text
        folded, origin = folded_with_positions(text)
        out: list[str] = []
        done = 0
        for match in self._pattern.finditer(folded):
            start, name_end, end = _span(text, origin, match.start(), match.end("name"), match.end())
            alias = self._lookup.get(_key(match["name"]), HIDDEN)
            poss = text[name_end:end]
            if poss[:1] in ("s", "S"):  # "Anns'" -> "A.'s": the possessive, after the pseudonym
                poss = poss[1:] + poss[:1]
            out += [text[done:start], alias, poss]
            done = end
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    def name(self, person: str) -> str:
        """The pseudonym of one person (a participant, or an extra name)."""
        return self.mapping.get(person) or self.apply(person)

    def names_left(self, texts: Iterable[str]) -> list[str]:
        """The names (and parts of names) this anonymiser hides that still stand as a word
        in ``texts``, once every pseudonym is taken out: what a record must not hold."""
        aliases = sorted({a for alias in self._lookup.values() for a in (alias, *alias.split("/"))}, key=len)
        found: dict[str, None] = {}
        for text in texts:
            folded = fold(text)
            for alias in reversed(aliases):  # longest first: "Person 12" before "Person 1"
                folded = folded.replace(fold(alias), " ")
            if self._pattern is not None:
                for match in self._pattern.finditer(folded):
                    key = _key(match["name"])
                    found.setdefault(self._spelling.get(key, key), None)
        return list(found)


def _span(text: str, origin: list[int] | None, start: int, name_end: int, end: int) -> tuple[int, int, int]:
    """Positions in ``text`` of a match found in its folded form."""
    if origin is None:
        return start, name_end, end
    first = origin[start] if start < len(origin) else len(text)
    return first, original_end(text, origin, name_end), original_end(text, origin, end)


def pseudonym_problems(people: Iterable[str], chosen: dict[str, str]) -> list[str]:
    """What is wrong with the pseudonyms chosen (real name -> pseudonym), one sentence each.

    A pseudonym may not be another participant's name or a word of it, however it is
    accented ("Bén" reads as Ben): it would put their name on someone else's words. Nor
    may two people share one."""
    problems: list[str] = []
    words = {
        _key(w): person
        for person in people
        for w in (person, *(x for word in _SEPARATOR.split(person) for x in (word, *word.split("-"))))
        if w
    }
    for name, alias in chosen.items():
        owner = words.get(_key(alias))
        if owner is not None and _key(owner) != _key(name):
            problems.append(f"the pseudonym {alias!r} for {name} is the name of {owner}; choose another")
    given: dict[str, str] = {}
    for name, alias in chosen.items():
        other = given.setdefault(_key(alias), name)
        if other != name:
            problems.append(f"{other} and {name} both have the pseudonym {alias}; give each their own")
    return problems


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

    def same(name: str) -> str:
        # Two participants may be "Zoe" and "Zoë": each keeps a pseudonym of their own.
        return " ".join(name.replace("’", "'").split()).casefold()

    def fresh(make: Callable[[int], str]) -> str:
        number = 1
        while _key(make(number)) in used:
            number += 1
        alias = make(number)
        used.add(_key(alias))
        return alias

    for person in people:
        person = " ".join(person.split())
        if not person or same(person) in seen:
            continue
        seen.add(same(person))
        alias = next((v for k, v in chosen.items() if same(k) == same(person)), None)
        if alias is not None:
            mapping[person] = alias
            continue
        letter = initial(person)
        mapping[person] = fresh(functools.partial(_initial_alias, letter))
    for name, alias in chosen.items():
        if same(name) not in seen:
            seen.add(same(name))
            mapping[name] = alias
    for name in extra:
        name = " ".join(name.split())
        if not name or same(name) in seen:
            continue
        seen.add(same(name))
        mapping[name] = fresh(lambda n: f"Person {n}")
    return Anonymiser(mapping)


def hides(anonymiser: Anonymiser, name: str) -> bool:
    """Whether ``name`` (as a whole) is one the anonymiser was given to hide."""
    return _key(name) in anonymiser._lookup


def widened(anonymiser: Anonymiser, people: Iterable[str]) -> Anonymiser:
    """``anonymiser`` also hiding each of ``people`` it was not given, by a fresh initial.

    A meeting's record names people who were not in the room (absent members): an
    anonymiser made from the session's roster alone would leave them as they are."""
    missing = [
        p for p in dict.fromkeys(" ".join(n.split()) for n in people) if p and not hides(anonymiser, p)
    ]
    if not missing:
        return anonymiser
    mapping = dict(anonymiser.mapping)
    used = {_key(a) for alias in mapping.values() for a in (alias, *alias.split("/"))}
    for person in missing:
        number = 1
        while _key(_initial_alias(initial(person), number)) in used:
            number += 1
        mapping[person] = _initial_alias(initial(person), number)
        used.add(_key(mapping[person]))
    return Anonymiser(mapping)


def record_people(summary: SessionSummary) -> tuple[str, ...]:
    """Everyone a record names as a person: the roster, then, for a group's meeting, the
    members who were absent (and the guests, who are in the roster already)."""
    people = list(summary.roster)
    if summary.meeting is not None:
        people += [*summary.meeting.members, *summary.meeting.absent, *summary.meeting.guests]
    return tuple(dict.fromkeys(people))


def anonymise_summary(summary: SessionSummary, anonymiser: Anonymiser) -> SessionSummary:
    """The same summary with every name replaced: people, presenters, airtime, turns,
    step names, notes, actions, private notes, cards, the agreement and, for a group's
    meeting, its members, absences, guests, roles and report back."""

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
        format_id="",  # a user's format id can hold a name ("ann-smiths-circle")
        meeting=None if summary.meeting is None else anonymise_meeting(summary.meeting, anonymiser),
    )


def anonymise_meeting(meeting: Meeting, anonymiser: Anonymiser) -> Meeting:
    """What a session records of its group with every name replaced: the group's name and
    id (either can hold a name: "Ann's circle"), members, absences, guests, who took each
    role, and each earlier action heard back on."""

    def a(text: str) -> str:
        return anonymiser.apply(clean_text(text))

    def who(name: str) -> str:
        return anonymiser.name(name)

    return dataclasses.replace(
        meeting,
        group_id=a(meeting.group_id),
        group_name=a(meeting.group_name),
        members=tuple(who(p) for p in meeting.members),
        absent=tuple(who(p) for p in meeting.absent),
        guests=tuple(who(p) for p in meeting.guests),
        roles={a(role): who(person) for role, person in meeting.roles.items()},
        report_back=tuple(
            dataclasses.replace(
                item, what=a(item.what), who=a(item.who), when=a(item.when), line=a(item.line)
            )
            for item in meeting.report_back
        ),
    )


class NamesLeftError(ValueError):
    """An anonymised record would still hold a name it was asked to hide."""

    def __init__(self, names: list[str]) -> None:
        shown = ", ".join(repr(n) for n in names[:5]) + (" ..." if len(names) > 5 else "")
        super().__init__(
            f"the anonymised record would still hold {shown}, so it was not made; "
            "please report this (the record without anonymising is unaffected)"
        )
        self.names = names


_NOT_TEXT = frozenset({"id", "started_wall", "ended_wall", "action_id"})
"""Fields made by the app, never typed: a session id's random letters are nobody's name
(an action's id is its session's id and a number)."""


def summary_texts(value: object) -> Iterator[str]:
    """Every piece of text a summary holds, nested ones and dictionary keys included."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in _NOT_TEXT:
                yield from summary_texts(getattr(value, f.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from summary_texts(key)
            yield from summary_texts(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from summary_texts(item)


def check_hidden(anonymiser: Anonymiser, texts: Iterable[str]) -> None:
    """Raises :class:`NamesLeftError` if any of ``texts`` still names someone hidden."""
    left = anonymiser.names_left(texts)
    if left:
        raise NamesLeftError(left)


def _rekey(seconds: dict[str, float], who: Callable[[str], str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for person, value in seconds.items():
        alias = who(person)
        out[alias] = out.get(alias, 0.0) + value
    return out
