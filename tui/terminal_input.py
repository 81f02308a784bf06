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

And the loop wakes ten times a second whether or not a key comes (``select`` with a 0.1 s
timeout, to let a lone Escape go after ``ESCDELAY`` and to notice the app ending): on a
laptop that projects the countdown for ninety minutes, with nobody at the keyboard, those
wake-ups were a fifth of the app's CPU.

``SafeInputDriver`` runs the driver's own input loop with a decoder that turns a bad byte
into U+FFFD, and a parser that takes every paste whole: what lies between the paste's
start and end is cleaned (no escape sequences, no control characters but newline and tab)
before the parser sees it, so a paste always arrives as one Paste event and never as keys.
Its selector keeps the loop's 0.1 s beat for a while after each key (an Escape waiting to
be told from a sequence is let go on time), then waits for the next key, waking once in
``QUIET_WAIT`` seconds; the app ending wakes it at once, through a pipe it also watches.
The driver's loop is not copied: its module's three names are replaced while it runs.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import selectors
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace
from typing import Any

from textual import constants
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


QUIET_WAIT = 1.0
"""Seconds the input loop waits for a key once the keyboard has been quiet for a while
(Textual's loop: 0.1). A key, a paste or the app ending wakes it at once."""


def quiet_after() -> float:
    """Seconds after the last byte read during which the loop keeps its 0.1 s beat: well
    past the time an Escape waits to be told from the start of a sequence (ESCDELAY)."""
    return max(1.0, 2 * constants.ESCAPE_DELAY)


class WakingEvent(threading.Event):
    """The driver's ``exit_event``: setting it also wakes the input loop's selector."""

    def __init__(self) -> None:
        super().__init__()
        self._wake_lock = threading.Lock()
        self._wake_fd: int | None = None

    def watch(self, fd: int | None) -> None:
        """Wake the selector watching the read end of the pipe ``fd`` writes to (None: no
        loop is running; its pipe is closed after this)."""
        with self._wake_lock:
            self._wake_fd = fd

    def set(self) -> None:
        super().set()
        with self._wake_lock:
            if self._wake_fd is not None:
                with contextlib.suppress(OSError):  # full: the loop is awake already
                    os.write(self._wake_fd, b"x")


class QuietSelector(selectors.SelectSelector):
    """The input loop's selector: Textual's timeout while keys are coming or the loop is
    ending, ``QUIET_WAIT`` once keys have stopped, and awake at once when ``wake_fd`` (the
    read end of a pipe) can be read. The pipe never shows in what ``select`` returns: the
    loop reads the terminal for every event it is given."""

    def __init__(self, wake_fd: int, ending: threading.Event) -> None:
        super().__init__()
        self._wake_fd = wake_fd
        self._ending = ending
        self._last_read = time.monotonic()
        super().register(wake_fd, selectors.EVENT_READ)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        quiet = time.monotonic() - self._last_read > quiet_after()
        if timeout is not None and quiet and not self._ending.is_set():
            timeout = max(timeout, QUIET_WAIT)
        ready = []
        for key, events in super().select(timeout):
            if key.fd == self._wake_fd:
                with contextlib.suppress(OSError):
                    os.read(self._wake_fd, 512)
            else:
                ready.append((key, events))
        if ready:
            self._last_read = time.monotonic()
        return ready


@contextmanager
def _safe_input_pieces(wake_fd: int, ending: threading.Event) -> Iterator[None]:
    """The driver's module with the decoder, parser and selector above, for as long as it
    reads."""
    quiet_selectors = SimpleNamespace(
        SelectSelector=partial(QuietSelector, wake_fd, ending),
        EVENT_READ=selectors.EVENT_READ,
        SelectorKey=selectors.SelectorKey,
    )
    names = {
        "getincrementaldecoder": replacing_decoder,
        "XTermParser": PasteSafeParser,
        "selectors": quiet_selectors,
    }
    # Fails loudly at start, not silently, should a new Textual rename any of them.
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exit_event = WakingEvent()

    def run_input_thread(self) -> None:
        read_fd, write_fd = os.pipe()
        os.set_blocking(read_fd, False)
        os.set_blocking(write_fd, False)
        exit_event = self.exit_event
        waking = exit_event if isinstance(exit_event, WakingEvent) else None
        if waking is not None:
            waking.watch(write_fd)
        try:
            with _safe_input_pieces(read_fd, exit_event):
                super().run_input_thread()
        finally:
            if waking is not None:
                waking.watch(None)
            os.close(write_fd)
            os.close(read_fd)
