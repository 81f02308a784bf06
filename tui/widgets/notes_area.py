"""The notes editor: a TextArea that takes pasted text as text.

Text copied out of a terminal or a web page can carry colour codes and other control
characters. Pasted raw, they land in the note as unreadable "^[" marks; cleaned here,
the note holds what the person could see.
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea

from peercircle.sessions.text import clean_text


class NotesArea(TextArea):
    async def _on_paste(self, event: events.Paste) -> None:
        # Textual calls each class's handler in turn (this one first), so cleaning the
        # event is enough: TextArea's own handler then inserts the cleaned text.
        event.text = clean_text(event.text)
