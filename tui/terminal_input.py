"""Reading the keyboard: bytes that are not UTF-8 and pastes holding control codes.

Textual's Linux driver (8.2.8, ``textual/drivers/linux_driver.py``) reads the terminal in
its input thread, decodes the bytes with a strict incremental UTF-8 decoder and hands the
text to its ``XTermParser``. Two things went wrong there:

- One invalid byte (``tmux send-keys -H ff``, a terminal set to Latin-1, a glitch on a
  serial line) raised UnicodeDecodeError in the input thread, and the app ended with a
  traceback, taking the running session off screen.
- Inside a bracketed paste (ESC [200~ ... ESC [201~) the parser keeps ordinary characters
  as pasted text, but an ESC starts it reading an escape sequence with no end, and once
  that passes 32 characters, or meets the next ESC, what it holds is sent on as keystrokes:
  a BEL (ctrl+g) opened the People dialog, ctrl+T paused the clock and ctrl+F asked to
  move on to the next phase. The rest of the paste arrived as a shorter Paste event.

``SafeInputDriver`` runs the driver's own input loop with a decoder that turns a bad byte
into U+FFFD, and a parser that takes every paste whole: what lies between the paste's
start and end is cleaned (no escape sequences, no control characters but newline and tab)
before the parser sees it, so a paste always arrives as one Paste event and never as keys.
The driver's loop is not copied: its module's two names are replaced while it runs.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial

from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from peercircle.sessions.text import clean_text


def replacing_decoder(encoding: str) -> partial[codecs.IncrementalDecoder]:
    """What the driver calls as ``getincrementaldecoder(encoding)``: the same decoder,
    but a byte that cannot be decoded becomes U+FFFD instead of an exception."""
    return partial(codecs.getincrementaldecoder(encoding), errors="replace")


class PasteSafeParser(XTermParser):
    """Textual's parser, fed every bracketed paste as one cleaned piece of text."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting = False
        self._pasted = ""
        """What has arrived of the paste in progress, not yet passed on to the parser."""
        self._seen = ""
        """The last characters passed on outside a paste: a paste's start sequence can
        arrive split between two reads."""

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of input
            return super().feed(data)
        passed_on = "".join(self._pass_on(data))
        # Nothing to pass on (a paste still arriving) is not "" for the parser: that is the end.
        return super().feed(passed_on) if passed_on else ()

    def _pass_on(self, data: str) -> Iterator[str]:
        """``data`` as the parser is to see it: outside a paste as it came; a paste held
        back until its end arrives, and then passed on cleaned, in one piece."""
        while data:
            if not self._pasting:
                window = self._seen + data
                found = window.find(BRACKETED_PASTE_START)
                if found < 0:
                    self._seen = window[-(len(BRACKETED_PASTE_START) - 1) :]
                    yield data
                    return
                end = found + len(BRACKETED_PASTE_START) - len(self._seen)
                yield data[:end]  # the start sequence: the parser begins its paste
                data = data[end:]
                self._pasting, self._pasted, self._seen = True, "", ""
                continue
            # Only the new part, and the few characters before it that could begin the
            # end sequence, are searched: a long paste arrives in many reads.
            start = max(0, len(self._pasted) - len(BRACKETED_PASTE_END) + 1)
            held = self._pasted + data
            found = held.find(BRACKETED_PASTE_END, start)
            if found < 0:
                self._pasted = held
                return
            self._pasting, self._pasted = False, ""
            # clean_text leaves no ESC behind, so nothing pasted can end the paste early
            # or be read as a key; the end sequence then ends the parser's paste.
            yield clean_text(held[:found]) + BRACKETED_PASTE_END
            data = held[found + len(BRACKETED_PASTE_END) :]


@contextmanager
def _safe_input_pieces() -> Iterator[None]:
    """The driver's module with the decoder and parser above, for as long as it reads."""
    names = {"getincrementaldecoder": replacing_decoder, "XTermParser": PasteSafeParser}
    # Fails loudly at start, not silently, should a new Textual rename either of them.
    before = {name: getattr(linux_driver, name) for name in names}
    for name, value in names.items():
        setattr(linux_driver, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(linux_driver, name, value)


class SafeInputDriver(LinuxDriver):
    """Textual's Linux and macOS driver, reading the keyboard as described above."""

    def run_input_thread(self) -> None:
        with _safe_input_pieces():
            super().run_input_thread()
