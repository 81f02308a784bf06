"""The keyboard loop sleeps while nobody types, and still answers at once.

Textual's input loop wakes ten times a second (``select`` with a 0.1 s timeout) to let a
lone Escape go and to notice the app ending; with nobody at the keyboard for ninety minutes
that was a fifth of the live screen's CPU. The driver's selector now waits ``QUIET_WAIT``
once keys have stopped for a while; a key, and the app ending, wake it at once.
"""

from __future__ import annotations

import os
import selectors
import threading
import time
from collections.abc import Iterator

import pytest

from peercircle.tui import terminal_input
from peercircle.tui.terminal_input import QuietSelector, WakingEvent

LONG = 5.0
"""A quiet wait far longer than any of these tests should take."""


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    """A pipe standing in for the terminal: (what the loop reads, what a person types)."""
    read_fd, write_fd = os.pipe()
    yield read_fd, write_fd
    os.close(read_fd)
    os.close(write_fd)


@pytest.fixture
def wake() -> Iterator[tuple[int, int]]:
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    yield read_fd, write_fd
    os.close(read_fd)
    os.close(write_fd)


def quiet_selector(
    terminal: tuple[int, int], wake: tuple[int, int], ending: threading.Event
) -> QuietSelector:
    selector = QuietSelector(wake[0], ending)
    selector.register(terminal[0], selectors.EVENT_READ)
    return selector


def later(seconds: float, action: object) -> None:
    threading.Timer(seconds, action).start()  # type: ignore[arg-type]


def test_once_keys_stop_the_loop_waits_longer_than_textuals_tenth(
    terminal: tuple[int, int], wake: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal_input, "QUIET_WAIT", 0.5)
    monkeypatch.setattr(terminal_input, "quiet_after", lambda: 0.0)  # quiet from the start
    selector = quiet_selector(terminal, wake, threading.Event())
    started = time.monotonic()
    assert selector.select(0.01) == []
    assert time.monotonic() - started >= 0.45


def test_a_key_wakes_the_quiet_loop_at_once(
    terminal: tuple[int, int], wake: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal_input, "QUIET_WAIT", LONG)
    monkeypatch.setattr(terminal_input, "quiet_after", lambda: 0.0)
    selector = quiet_selector(terminal, wake, threading.Event())
    later(0.1, lambda: os.write(terminal[1], b"q"))
    started = time.monotonic()
    ready = selector.select(0.1)
    assert time.monotonic() - started < LONG / 2
    assert [key.fd for key, _ in ready] == [terminal[0]]


def test_after_a_key_the_loop_keeps_textuals_beat(
    terminal: tuple[int, int], wake: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An Escape waits ESCDELAY (0.1 s) to be told from the start of a sequence: the loop
    # must come round again on time to let it go.
    monkeypatch.setattr(terminal_input, "QUIET_WAIT", LONG)
    monkeypatch.setattr(terminal_input, "quiet_after", lambda: 2.0)
    selector = quiet_selector(terminal, wake, threading.Event())
    os.write(terminal[1], b"\x1b")
    assert selector.select(0.1)  # the Escape
    os.read(terminal[0], 16)
    started = time.monotonic()
    assert selector.select(0.05) == []
    assert time.monotonic() - started < LONG / 2


def test_the_app_ending_wakes_the_quiet_loop_and_is_not_taken_for_a_key(
    terminal: tuple[int, int], wake: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loop reads the terminal for every event select gives it: a wake-up reported as
    # one would block it on a read with nothing typed.
    monkeypatch.setattr(terminal_input, "QUIET_WAIT", LONG)
    monkeypatch.setattr(terminal_input, "quiet_after", lambda: 0.0)
    ending = WakingEvent()
    ending.watch(wake[1])
    selector = quiet_selector(terminal, wake, ending)
    later(0.1, ending.set)
    started = time.monotonic()
    assert selector.select(0.1) == []
    # Ending: Textual's own short wait, for the loop's last look at the terminal.
    assert selector.select(0.01) == []
    assert time.monotonic() - started < LONG / 2
    ending.watch(None)
    ending.set()  # the loop has gone: nothing is written anywhere
