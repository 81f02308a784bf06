"""The notes editor: a TextArea that takes pasted text as text, and the edit the tag key
makes to one line.

Text copied out of a terminal or a web page can carry colour codes and other control
characters. Pasted raw, they land in the note as unreadable "^[" marks; cleaned here,
the note holds what the person could see.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.actions import parse as parse_action
from textual.document._wrapped_document import WrappedDocument
from textual.widgets import TextArea

from peercircle.sessions.records.export import PROCTOR
from peercircle.sessions.text import clean_text
from peercircle.tui.keymap import typing_actions

BLINK_SECONDS = 10.0
"""How long the cursor blinks after a key (or focus) before it stays lit: as GTK's editors do
(gtk-cursor-blink-timeout), since a blink is a redraw twice a second for as long as the
screen is up, and a cursor nobody is typing at needs no drawing attention to it."""

PROCTOR_TAGS = tuple(name for name, _ in PROCTOR)
"""The tags the export counts for Proctor's functions, in the order the tag key gives them."""

# A tag as the export's ``hashtags`` finds it (the same pattern), with the spaces before it,
# so that taking it out leaves no gap. Whether it is one of Proctor's is decided the same
# way too: lower case, trailing '-' and '/' dropped.
_TAG = re.compile(r"[ \t]*(?<![\w&#/\\])#([^\W\d][\w/-]*)")


def _proctor(match: re.Match[str]) -> str | None:
    tag = match.group(1).rstrip("/-").lower()
    return tag if tag in PROCTOR_TAGS else None


class CountedRows(WrappedDocument):
    """Textual's wrapped view of the notes, its height read in one step.

    Textual 8.2.8 computes ``WrappedDocument.height`` by summing the wrapped rows of every
    line, and the TextArea asks for it once for each row it draws: with 100 KB of notes
    (about 900 lines) that was some 9,000 additions for each key typed, and ten times as
    many at 1 MB, the largest single cost of a key. The view already keeps one entry per
    wrapped row (``_offset_to_line_info``, kept in step by ``wrap`` and ``wrap_range``),
    so its length is the same number. Only a read is changed: wrapping is Textual's own."""

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)


class NotesArea(TextArea):
    """The editor, with the controls that work while typing run in the order they were typed.

    A key the editor does not use bubbles up to the screen's bindings through the screen's
    own message queue, while the editor goes on with the keys queued behind it: typed in
    one burst (a fast typist, tmux, a slow SSH link), "F8, Enter, Zoe: ..." tagged Zoe's
    line, and "F3" could start the speaker's line after the words meant for it. So the
    editor runs those controls itself, between the keys before and after them."""

    typing_actions: ClassVar[dict[str, str]] = typing_actions()
    """Key -> the live screen's action, for the controls that work while typing."""

    @property
    def wrapped_document(self) -> WrappedDocument:
        return self._wrapped_view

    @wrapped_document.setter
    def wrapped_document(self, view: WrappedDocument) -> None:
        # TextArea makes a new WrappedDocument for each document it loads (in __init__ and
        # load_text); each becomes a CountedRows, which adds no state of its own.
        if type(view) is WrappedDocument:
            view.__class__ = CountedRows
        self._wrapped_view = view

    clock: Callable[[], float] = staticmethod(time.monotonic)
    """Seconds, for how long ago the cursor was last woken (a test sets its own)."""
    _blink_woken = 0.0

    def _restart_blink(self) -> None:
        # Called by TextArea on each key, on focus and after a mouse selection.
        self._blink_woken = self.clock()
        super()._restart_blink()

    def _toggle_cursor_blink_visible(self) -> None:
        if self.clock() - self._blink_woken >= BLINK_SECONDS:
            # Lit and still: the blink timer is paused (no wake-ups) until the next key.
            self._pause_blink(visible=True)
            return
        super()._toggle_cursor_blink_visible()

    async def _on_key(self, event: events.Key) -> None:
        action = self.typing_actions.get(event.key)
        if action is None or not self.has_focus:
            return  # TextArea's own handler (called after this one) takes the key
        event.prevent_default()
        event.stop()
        _, name, parameters = parse_action(action)
        # As a binding would: a control the screen has switched off for now does nothing.
        if self.screen.check_action(name, parameters):
            await self.screen.run_action(action)

    async def _on_paste(self, event: events.Paste) -> None:
        # Textual calls each class's handler in turn (this one first), so cleaning the
        # event is enough: TextArea's own handler then inserts the cleaned text.
        event.text = clean_text(event.text)


def proctor_tag(line: str) -> str | None:
    """The Proctor function ``line`` is tagged with (the first, when it has several)."""
    return next((tag for tag in map(_proctor, _TAG.finditer(clean_text(line))) if tag), None)


def cycle_proctor_tag(line: str) -> str:
    """``line`` with its Proctor tag moved on one: none, #normative, #formative,
    #restorative, none. Any of the three already on the line, typed anywhere in it, is taken
    out; the next goes at the end after one space; the rest of the line stays as it was.
    """
    line = clean_text(line)
    order = (None, *PROCTOR_TAGS)
    following = order[(order.index(proctor_tag(line)) + 1) % len(order)]
    rest = line
    while proctor_tag(rest):  # again: a tag glued on behind one taken out is a tag now
        rest = _TAG.sub(lambda m: "" if _proctor(m) else m.group(0), rest)
    if not line[:1].isspace():
        rest = rest.lstrip(" \t")  # a tag that began the line takes the space after it
    rest = rest.rstrip(" \t")
    if following is None:
        return rest
    return f"{rest} #{following}" if rest else f"#{following}"
