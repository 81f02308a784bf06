"""Finding a past session again: the history list, filtered from one search box.

A query is words plus optional filters, in any order::

    housing "duty team" person:Ann format:balint from:2026-11-01 to:2026-11-30

Every word must appear somewhere in the session: its shared or action notes (never the
facilitator's private notes), its format's name or a person's name. Matching ignores case
and accents and accepts the start of a word, so results narrow as the facilitator types.

The index answers everything but the note text. Note text is read from the session files
once and kept, keyed by each file's modification time and size, so a search repeated
while typing costs a ``stat`` per session and a substring test. Only the notes table of a
file is decoded (see ``_read_note_text``), and the history screen starts reading every
file the moment it opens (``warm``), oldest first, while a search reads newest first: the
two meet in the middle, and no file is read twice.
"""

from __future__ import annotations

import calendar
import functools
import json
import os
import re
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from peercircle.sessions.storage.store import IndexEntry, SessionStore

PRIVATE = "private"


@dataclass(frozen=True)
class HistoryRow:
    """One past session as the history lists it."""

    id: str
    date: date
    created: str
    """When it began (ISO), for the time of day."""
    format_name: str
    people: tuple[str, ...]
    group_size: int
    length_seconds: float
    open_actions: int
    ended: bool
    format_id: str = ""

    @classmethod
    def from_entry(cls, entry: IndexEntry) -> HistoryRow:
        return cls(
            id=entry.id,
            date=_day(entry.created),
            created=entry.created,
            format_name=entry.format_name,
            people=entry.people,
            group_size=entry.group_size,
            length_seconds=entry.length_seconds,
            open_actions=entry.open_actions,
            ended=entry.ended,
            format_id=entry.format_id,
        )


# -- the query -------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...] = ()
    person: str = ""
    format: str = ""
    since: date | None = None
    until: date | None = None
    problems: tuple[str, ...] = ()
    """Parts of the query that were not understood, said so the user can fix them."""

    @property
    def empty(self) -> bool:
        return not (self.words or self.person or self.format or self.since or self.until)


_KEYS = {
    "person": "person",
    "who": "person",
    "format": "format",
    "from": "since",
    "since": "since",
    "to": "until",
    "until": "until",
}
_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"?|(\S+))')


def parse_query(text: str) -> Query:
    """Split the search box into words and ``key:value`` filters.

    Values may be quoted (``person:"Ann Lee"``, ``"duty team"``). Dates are
    ``YYYY-MM-DD``; ``YYYY-MM`` and ``YYYY`` mean the whole month or year. A ``key:`` this
    does not know is just a word (notes can contain colons).
    """
    words: list[str] = []
    found: dict[str, object] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(text):
        key, quoted, bare = match.group(1), match.group(2), match.group(3)
        value = (quoted if quoted is not None else bare or "").strip()
        field = _KEYS.get(key.casefold()) if key else None
        if key and field is None:
            value = f"{key}:{value}"  # not a filter: search for it as typed
        if field is None:
            if value.endswith(":") and value[:-1].casefold() in _KEYS:
                continue  # "person:" on its way to being typed
            if value:
                words.append(value)
            continue
        if not value:
            continue  # "person:" on its way to being typed
        if field in ("since", "until"):
            day = _parse_day(value, end=field == "until")
            if day is None:
                problems.append(f"{key}:{value} is not a date; write it as 2026-11-30")
                continue
            found[field] = day
        else:
            found[field] = value
    return Query(
        words=tuple(words),
        person=str(found.get("person", "")),
        format=str(found.get("format", "")),
        since=found.get("since"),  # type: ignore[arg-type]
        until=found.get("until"),  # type: ignore[arg-type]
        problems=tuple(problems),
    )


def _parse_day(text: str, end: bool) -> date | None:
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        if len(parts) == 1 and len(text) == 4:
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
    except ValueError:
        return None
    return None


# -- searching -------------------------------------------------------------------------


def search(
    store: SessionStore,
    text: str = "",
    person: str = "",
    format: str = "",
    since: date | None = None,
    until: date | None = None,
) -> list[HistoryRow]:
    """Past sessions matching every word of ``text`` and every filter given, newest first.

    ``person`` matches the start of any word of a group member's name; ``format`` any part
    of the format's name or id; ``since`` and ``until`` are inclusive days.
    """
    return search_query(
        store, Query(words=tuple(_words(text)), person=person, format=format, since=since, until=until)
    )


def search_query(store: SessionStore, query: Query | str) -> list[HistoryRow]:
    """The history for a parsed query (or the text of the search box)."""
    if isinstance(query, str):
        query = parse_query(query)
    entries = store.list_sessions()  # newest first
    person = fold(query.person)
    fmt = fold(query.format)
    rows = []
    for entry in entries:
        day = _day(entry.created)
        if query.since and day < query.since:
            continue
        if query.until and day > query.until:
            continue
        if fmt and fmt not in fold(entry.format_name) and fmt not in fold(entry.format_id):
            continue
        if person and not any(_starts_a_word(person, fold(p)) for p in entry.people):
            continue
        rows.append(entry)
    words = [fold(w) for w in query.words]
    words = [w for w in words if w]
    if words:
        texts = _NoteTexts.of(store)
        folder = os.fspath(store.sessions_dir)
        rows = [e for e in rows if _has_all(words, _facts(e), texts, store, folder, e.id)]
        texts.forget_all_but({e.id for e in entries})
    return [HistoryRow.from_entry(e) for e in rows]


def warm(store: SessionStore, stop: Callable[[], bool] = lambda: False) -> None:
    """Read every session's note text now (in a worker thread, as the history opens), so
    the first word typed is answered as fast as the rest. Oldest first: a search reads the
    newest first, so when one starts meanwhile the two share the work instead of doing it
    twice. ``stop`` is asked between files (the history was closed: leave the rest)."""
    texts = _NoteTexts.of(store)
    folder = os.fspath(store.sessions_dir)
    entries = store.list_sessions()
    for entry in reversed(entries):
        if stop():
            return
        texts.get(store, folder, entry.id)
        # Hand the interpreter lock over between files: a thread that keeps it waits out the
        # switch interval (5 ms) each time the UI thread asks for it, so the UI ran at half
        # speed while this went on.
        time.sleep(0)
    texts.forget_all_but({e.id for e in entries})


def matching_line(store: SessionStore, session_id: str, query: Query | str, width: int = 100) -> str:
    """The first line of a session's notes where a word of the query appears, cut to
    ``width`` around it; '' when the words matched only names or the format."""
    if isinstance(query, str):
        query = parse_query(query)
    words = [w for w in (fold(w) for w in query.words) if w]
    if not words:
        return ""
    try:
        notes = [n for n in store.read_notes(session_id) if n.kind != PRIVATE]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ""
    for note in notes:
        for line in note.text.splitlines():
            folded = fold(line)
            for word in words:
                at = folded.find(word)
                if at >= 0:
                    return _cut(" ".join(line.split()), at, width)
    return ""


def fold(text: str) -> str:
    """Text as searching compares it: case and accents ignored.

    Folding is a character at a time (case folding is, and the marks that decomposing could
    reorder are all dropped), so the ASCII of a note (nearly all of it) is lowered in one
    call and only each run of other characters is folded in Python, each character once
    per process. The answer is the one folding the whole text at once gives
    (tests/test_fast_start.py); that took most of the time of a first search."""
    if text.isascii():
        return text.lower()
    # bytes.lower() changes A-Z only; every byte of a multi-byte character is 0x80 or more.
    lowered = text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")
    return _NON_ASCII.sub(_fold_run, lowered)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match[str]) -> str:
    return "".join(map(_fold_char, match.group()))


@functools.lru_cache(maxsize=1 << 16)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    found = re.finditer(r'"([^"]*)"?|\S+', text)
    return [m.group(1) if m.group(1) is not None else m.group(0) for m in found]


def _day(created: str) -> date:
    try:
        return date.fromisoformat(created[:10])
    except ValueError:
        return date.min


def _starts_a_word(prefix: str, name: str) -> bool:
    return name.startswith(prefix) or any(w.startswith(prefix) for w in re.split(r"[\s\-'’.]+", name))


@functools.lru_cache(maxsize=4096)
def _facts(entry: IndexEntry) -> str:
    return fold("\n".join((entry.format_name, entry.format_id, *entry.people)))


def _has_all(
    words: list[str], facts: str, texts: _NoteTexts, store: SessionStore, folder: str, session_id: str
) -> bool:
    missing = [w for w in words if w not in facts]
    if not missing:
        return True
    notes = texts.get(store, folder, session_id)
    return all(w in notes for w in missing)


def _cut(line: str, at: int, width: int) -> str:
    if len(line) <= width:
        return line
    start = max(0, min(at - width // 3, len(line) - width))
    if start:
        space = line.find(" ", start, at)
        start = space + 1 if space >= 0 else start  # begin at a whole word
    cut = line[start : start + width].strip()
    return ("…" if start else "") + cut + ("…" if start + width < len(line) else "")


_NOTES_KEY = '"notes":'
"""The notes table's key as the store writes it (compact JSON). Inside a string a quote is
always escaped, so ``"notes":`` after ``{`` or ``,`` can only be a key named "notes"; a
session file has one, at the top (no other part of a session has a field of that name).
Found with ``str.find``: a regular expression took as long as decoding the table."""
_DECODER = json.JSONDecoder()
_WHOLE_FILE_FROM = 1 << 20
"""Characters: a file this long is read by the store, which parses it in steps (so a huge
file read here never freezes the UI thread)."""


def _read_note_text(store: SessionStore, path: str, session_id: str) -> str:
    """The searchable text of a session's notes, folded: shared and action notes, never
    private ones.

    Only the notes table is decoded, found by its key: the session's details and events
    (a third of a file and more) are skipped, and no ``Note`` is built. Anything unexpected
    (no notes key, two, a note of another shape) is read by the store after all, so what is
    found is what ``SessionStore.read_notes`` would give (tests/test_fast_start.py)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read(_WHOLE_FILE_FROM + 1)
    if len(text) <= _WHOLE_FILE_FROM:
        at = text.find(_NOTES_KEY)
        if at > 0 and at == text.rfind(_NOTES_KEY) and text[at - 1] in "{,":
            table, _ = _DECODER.raw_decode(text, at + len(_NOTES_KEY))
            if isinstance(table, dict) and all(_note_shaped(note) for note in table.values()):
                return fold(
                    "\n".join(
                        note.get("text", "")
                        for note in table.values()
                        if note.get("kind", "shared") != PRIVATE
                    )
                )
        elif at < 0 and text.lstrip().startswith("{") and '"notes"' not in text:
            return ""  # a session with no notes table (nothing was written yet)
    notes = store.read_notes(session_id)
    return fold("\n".join(n.text for n in notes if n.kind != PRIVATE))


def _note_shaped(note: object) -> bool:
    """A stored note as ``Note.from_dict`` reads it without fail (anything else: the store)."""
    return (
        isinstance(note, dict)
        and isinstance(note.get("id"), str)
        and type(note.get("phase_index")) is int
        and isinstance(note.get("text", ""), str)
        and isinstance(note.get("kind", "shared"), str)
    )


class _NoteTexts:
    """The searchable note text of each session of one store, read once per file version."""

    _per_store: weakref.WeakKeyDictionary[SessionStore, _NoteTexts] = weakref.WeakKeyDictionary()
    _guard = threading.Lock()

    def __init__(self) -> None:
        self._texts: dict[str, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()  # searches run in worker threads

    @classmethod
    def of(cls, store: SessionStore) -> _NoteTexts:
        with cls._guard:
            texts = cls._per_store.get(store)
            if texts is None:
                texts = cls._per_store[store] = cls()
            return texts

    def get(self, store: SessionStore, folder: str, session_id: str) -> str:
        try:
            stat = os.stat(f"{folder}{os.sep}{session_id}.json")
        except OSError:
            return ""
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._texts.get(session_id)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            text = _read_note_text(store, f"{folder}{os.sep}{session_id}.json", session_id)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return ""  # a damaged file: the history list (and load) report it
        with self._lock:
            self._texts[session_id] = (stamp, text)
        return text

    def forget_all_but(self, ids: Iterable[str]) -> None:
        keep = set(ids)
        with self._lock:
            for gone in [i for i in self._texts if i not in keep]:
                del self._texts[gone]
