"""Actions agreed in a session: one per line of an action note, checked for what makes
them usable (SMART): somebody who will do it, and a time by when."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from peercircle.sessions.records.folding import fold, folded_with_positions, original_end

_LIST_MARKER = re.compile(r"^\s*([-*+]|\d+[.)])\s*")


def action_lines(text: str) -> list[str]:
    """The actions in an action note: each non-empty line, without list markers."""
    lines = []
    for raw in text.splitlines():
        line = _LIST_MARKER.sub("", raw).strip()
        if line:
            lines.append(line)
    return lines


_DONE = re.compile(r"^\s*([-*+]\s*)?\[[xX]\]")


def open_action_count(text: str) -> int:
    """How many actions in an action note are still open: every line but those ticked ``[x]``."""
    return sum(1 for raw in text.splitlines() if action_lines(raw) and not _DONE.match(raw))


def smart_gaps(action: str, people: tuple[str, ...]) -> list[str]:
    """What an action still lacks: 'who' (nobody set to do it) and 'by when' (no due date).

    Read exactly as the export reads the line (``parse_action``), so the live reminder and
    the record never disagree; only without the export's fallback to the step's presenter,
    since the reminder is there to get the group to say who.
    """
    item = parse_action(action, None, people)
    gaps = []
    if not item.who:
        gaps.append("who")
    if not item.when:
        gaps.append("by when")
    return gaps


def nudge(text: str, people: tuple[str, ...]) -> str:
    """One line for the facilitator: the first action that is missing something."""
    for number, action in enumerate(action_lines(text), 1):
        gaps = smart_gaps(action, people)
        if gaps:
            return f"Action {number} has no {' and no '.join(gaps)} yet"
    return ""


# -- reading an action line into what, who and by when -------------------------------------

_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)day"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)|\d{{1,2}}:\d{{2}})"
)
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|a\s+couple\s+of|a\s+few)"
_RELATIVE = (
    rf"(?:today|tonight|tomorrow|asap|eod|eow"
    rf"|end\s+of\s+(?:the\s+|this\s+|next\s+)?(?:day|week|month|year|term|quarter|{_MONTH})"
    rf"|(?:next|this|our\s+next|the\s+next)\s+(?:{_WEEKDAY}|week|month|fortnight|session|meeting|"
    rf"supervision|set|circle|group|time|term)|{_WEEKDAY}"
    rf"|(?:in|within)\s+{_NUMBER}\s+(?:days?|weeks?|months?|fortnights?))"
)
_ANCHORED = (
    # A month alone, or a day of the month alone, is a due date only after a word that
    # makes it one: "in May" and "by the 12th" are, "Ann may call" and "the 3rd floor" not.
    rf"(?:(?:by|before|until|till|in|during|early|mid|late)\s+(?:the\s+)?{_MONTH}"
    r"|(?:by|before|until|till|on|for|no\s+later\s+than)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)"
    r"(?!\s+(?:floor|place|row|time|attempt|draft|version)))"
)
_WHEN_PHRASE = (
    rf"\b(?:(?:by|before|until|till|on|for|at|no\s+later\s+than)\s+(?:the\s+)?)?"
    rf"(?:{_DATE}|{_RELATIVE}|{_ANCHORED})\b"
    rf"(?:\s+(?:at\s+)?\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:am|pm)?\b)?"
)


@functools.cache
def when_phrase() -> re.Pattern[str]:
    """A time by when, as people write one: 'by Friday', 'next session', '3 Dec', 'asap'.

    Compiled on first use, not on import: it takes 5 ms, and `peercircle list` imports this
    module (through the store) without reading a single action."""
    return re.compile(_WHEN_PHRASE, re.IGNORECASE)


_PARTS = re.compile(r"\s*[—–]\s*|\s*;\s*|\s+-\s+")
_TICK = re.compile(r"^\[([ xX])\]\s*")
_ME = re.compile(r"(?:i|me|myself|(?:the\s+)?presenter)", re.IGNORECASE)
_SELF_START = re.compile(
    r"(?:(?P<us>we|all\s+of\s+us|everyone|everybody|the\s+(?:whole\s+)?group)|i)\b(?!\.)",
    re.IGNORECASE,
)
"""A line that starts with who does it, in the first person: "I will ...", "We all ..."."""
_US = re.compile(r"(?:we|us|all|all of us|everyone|everybody|(?:the\s+)?(?:whole\s+)?group)", re.IGNORECASE)


@dataclass(frozen=True)
class ActionItem:
    """One action line, read as what / who / by when. Empty ``who`` or ``when``: not set."""

    what: str
    who: str
    when: str
    owners: tuple[str, ...]
    """The participants it falls to: those named as who, or the step's presenter."""
    done: bool = False


@functools.lru_cache(maxsize=1024)
def name_forms(person: str, people: tuple[str, ...]) -> tuple[str, ...]:
    """Ways a person is written: their name, and each word of it nobody else shares."""
    forms = [person]
    words = list(dict.fromkeys(w for word in person.split() for w in (word, *word.split("-")) if w))
    if len(words) > 1:
        others = {
            fold(w).casefold()
            for p in people
            if p != person
            for w in (p, *p.split(), *re.split(r"[\s-]+", p))
        }
        forms += [w for w in words if w != person and len(w) > 1 and fold(w).casefold() not in others]
    return tuple(forms)


@functools.lru_cache(maxsize=1024)
def _names(form: str) -> re.Pattern[str]:
    """A name as a word, in folded text: "Sean" finds Seán however the accent was typed."""
    return re.compile(rf"(?<!\w){re.escape(fold(form))}(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class _Roster:
    """A group's names made ready to look for, once per group rather than once per line."""

    forms: tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...]], ...]
    """Each person, with each way they are written (:func:`name_forms`) and its pattern."""
    anyone: re.Pattern[str] | None
    """Any of those patterns: a text none of them is found in names nobody. A search of
    all of them at once finds a match exactly when one of them would on its own."""


@functools.lru_cache(maxsize=256)
def _roster(people: tuple[str, ...]) -> _Roster:
    forms = tuple((p, tuple((f, _names(f)) for f in name_forms(p, people))) for p in people)
    patterns = [pattern.pattern for _, named in forms for _, pattern in named]
    anyone = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None
    return _Roster(forms, anyone)


def people_named(text: str, people: tuple[str, ...]) -> tuple[str, ...]:
    """The participants named in ``text`` as a word, in the order of ``people``."""
    if len(text) <= 40:  # the who of an action ("Ben", "Aisha and Dev") is written again and again
        return _people_named_short(text, people)
    return _people_named(text, people)


@functools.lru_cache(maxsize=4096)
def _people_named_short(text: str, people: tuple[str, ...]) -> tuple[str, ...]:
    return _people_named(text, people)


def _people_named(text: str, people: tuple[str, ...]) -> tuple[str, ...]:
    roster = _roster(people)
    plain = fold(text)
    if roster.anyone is None or not roster.anyone.search(plain):
        return ()
    return tuple(p for p, named in roster.forms if any(pattern.search(plain) for _, pattern in named))


def starts_with_person(text: str, people: tuple[str, ...]) -> tuple[str | None, str, bool]:
    """(person, text, labelled): the participant ``text`` starts with, the text without a
    "Name:" label in front (a name that begins a sentence stays), and whether there was one.

    When several names fit, a "Name:" label wins, then the longest name ("Ann Smith:" is not
    Ann's), then the name as spelled (two people called Zoe and Zoë each keep their lines)."""
    best: tuple[tuple[bool, int, bool], str, int, int] | None = None
    # Folded once for every name (as match_at_start would fold it for each).
    folded, origin = folded_with_positions(text)
    for person, named in _roster(people).forms:
        for form, pattern in named:
            match = pattern.match(folded)
            if match is None:
                continue
            end = original_end(text, origin, match.end())
            label = re.match(r"\s*:\s*", text[end:])
            rank = (label is not None, end, text[:end].casefold() == form.casefold())
            if best is None or rank > best[0]:
                best = (rank, person, end, end + label.end() if label else 0)
    if best is None:
        return None, text, False
    _, person, _, label_end = best
    return person, text[label_end:] if label_end else text, bool(label_end)


def _starts_with_person(text: str, people: tuple[str, ...]) -> tuple[str | None, str]:
    person, rest, _ = starts_with_person(text, people)
    return person, rest


def _when_in(what: str) -> tuple[str, str]:
    """(what, when): a time found in free text; taken off the end when it ends the line."""
    found = list(when_phrase().finditer(what))
    if not found:
        return what, ""
    # The last time written, joined with any written just before it ("at 10:30 tomorrow").
    start, end = found[-1].span()
    for earlier in reversed(found[:-1]):
        if what[earlier.end() : start].strip():
            break
        start = earlier.start()
    when = what[start:end].strip()
    if not what[end:].strip(" .,;:!"):
        rest = what[:start].rstrip(" ,;:-–—")
        if rest:
            return rest, when
    return what, when


def due_date(text: str) -> str:
    """The due date written in an action line ("by Friday", "next week", "on 12 Dec",
    "tomorrow", "end of month"), or "" when there is none. "next" with no time after it,
    "read up on" and "may" the verb are not due dates."""
    return _when_in(" ".join(text.split()))[1]


def parse_action(line: str, presenter: str | None, people: tuple[str, ...]) -> ActionItem:
    """Read "what — who — by when" (also with ';' or ' - ' between the parts).

    Without a who, the action falls to a participant the line starts with ("Ben to call
    the GP"), else to the step's presenter. Without a separate by-when, a time written in
    the line ("... by Friday") is used.
    """
    line = " ".join(line.split())
    done = False
    tick = _TICK.match(line)
    if tick:
        done, line = tick.group(1) != " ", line[tick.end() :]
    parts = [p for p in _PARTS.split(line) if p.strip()]
    if not parts:
        return ActionItem("", "", "", (), done)
    what, who, when = parts[0], "", ""
    if len(parts) == 2:
        second = parts[1]
        if when_phrase().search(second) and not people_named(second, people):
            when = second
        else:
            who = second
    elif len(parts) >= 3:
        who, when = parts[1], " — ".join(parts[2:])
        if when_phrase().search(who) and not people_named(who, people) and not when_phrase().search(when):
            who, when = when, who  # "what; Friday; Ben"
    if not when:
        what, when = _when_in(what)
    owners: tuple[str, ...]
    if who:
        if _ME.fullmatch(who) and presenter:
            who, owners = presenter, (presenter,)
        elif _US.fullmatch(who):
            who, owners = "everyone", people
        else:
            owners = people_named(who, people)
    else:
        starter, what = _starts_with_person(what, people)
        self_start = _SELF_START.match(what)
        if starter:
            who, owners = starter, (starter,)
        elif self_start and self_start.group("us"):
            who, owners = "everyone", people  # "We all read chapter 3": the whole group
        elif self_start and not presenter:
            who, owners = self_start.group(0), ()  # "I will ...": someone said who, unnamed
        else:
            who, owners = (presenter, (presenter,)) if presenter else ("", ())
    return ActionItem(what, who, when, owners, done)
