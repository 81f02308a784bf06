"""Hostile input at the edges (issue 13): text that cannot be encoded, bytes that are not
UTF-8, and pastes holding control characters or escape sequences.

Whatever arrives, a save never fails on content and pasted text never becomes a command.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.widgets import Input, TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore
from peercircle.sessions.text import clean_text
from peercircle.tui.screens.group import GroupScreen
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.terminal_input import PasteSafeParser
from tests.conftest import GROUP
from tests.scenes import make_app, pick_format, start_live
from tests.waiting import wait_for


@pytest.fixture
def store(data_dir: Path) -> SessionStore:
    store = SessionStore(data_dir)
    store.prepare()
    return store


# -- 1. a lone surrogate never stops the saving --------------------------------------------


def test_a_lone_surrogate_in_a_note_saves_and_reads_back_replaced(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "a\ud800b")
    assert saver.flush(), saver.error
    session.write_note(1, "later notes")  # every later save went on failing
    clock.advance(60)
    session.next_phase()
    assert saver.close(), saver.error
    notes = {n.phase_index: n.text for n in store.load(session.meta.id).notes}
    assert notes == {0: "a\ufffdb", 1: "later notes"}


def test_a_session_already_holding_a_lone_surrogate_still_saves(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    # Past every entry point: a name given straight to the API, a note changed in place.
    people = ("Aisha\udcff", *GROUP[1:])
    session = Session.new(als, people, "Aisha\udcff", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    note = session.write_note(0, "fine")
    assert note is not None
    note.text = "broken \udc80 text"
    session.sink.note_changed(session, note)
    clock.advance(60)
    session.next_phase()
    assert saver.close(), saver.error
    loaded = store.load(session.meta.id)
    assert loaded.meta.people[0] == "Aisha\ufffd"
    assert loaded.notes[0].text == "broken \ufffd text"
    assert [e.id for e in store.list_sessions()] == [session.meta.id]


@pytest.fixture(scope="module")
def one_store(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    store = SessionStore(tmp_path_factory.mktemp("data"))
    store.prepare()
    return store


# Each example is a real, synced write: 200 of them cover the alphabet (surrogates, controls,
# separators) in 2 s where the profile's 1,000 took 11 s of the suite's time.
@settings(max_examples=200)
@given(text=st.text(alphabet=st.characters(blacklist_categories=())))
def test_any_note_text_saves_and_reads_back_cleaned(
    one_store: SessionStore, library: Library, text: str
) -> None:
    fmt = library.get("check-in-round")
    assert fmt is not None
    session = Session.new(fmt, GROUP, None, clock=FakeClock())
    session.write_note(0, text)
    one_store.write_batch(session.meta.id, meta=session.meta, notes=session.notes)
    read = one_store.read_notes(session.meta.id)
    one_store.close(session.meta.id)
    one_store.path_for(session.meta.id).unlink()
    assert [n.text for n in read] == ([clean_text(text)] if clean_text(text) else [])
    assert all(not 0xD800 <= ord(c) <= 0xDFFF for n in read for c in n.text)


# -- 2 and 3. the keyboard, through Textual's own input loop --------------------------------


def read_keyboard(data: bytes, tmp_path: Path) -> list[Message]:
    """What the app's terminal driver makes of ``data`` typed or pasted: its own input loop
    (decoder and parser) reading a pipe, up to a 'z' typed after ``data``."""
    driver_class = make_app(tmp_path / "data", FakeClock(), tmp_path).driver_class
    assert issubclass(driver_class, LinuxDriver)
    got: list[Message] = []
    errors: list[BaseException] = []
    done = threading.Event()

    class Recording(driver_class):  # type: ignore[valid-type,misc]
        def process_message(self, message: Message) -> None:
            got.append(message)
            if isinstance(message, events.Key) and message.character == "z":
                done.set()

    # Only what the input loop uses: the real __init__ takes over the test's signals.
    driver = Recording.__new__(Recording)
    read_end, write_end = os.pipe()
    driver.fileno, driver.exit_event, driver._debug = read_end, threading.Event(), False

    def run() -> None:
        try:
            driver.run_input_thread()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        os.write(write_end, data + b"z")
        assert done.wait(30), f"the driver never read the 'z' after {data!r}: {got}"
    finally:
        driver.exit_event.set()
        thread.join(10)
        os.close(write_end)
        os.close(read_end)
    assert not errors, errors
    return got[:-1]


def keys(messages: list[Message]) -> list[str]:
    return [m.key for m in messages if isinstance(m, events.Key)]


def test_an_invalid_utf8_byte_is_read_as_a_replacement_character(tmp_path: Path) -> None:
    # Before: UnicodeDecodeError in the input thread, and the app ended with a traceback.
    got = read_keyboard(b"a\xffb\xc3(", tmp_path)
    assert [m.character for m in got if isinstance(m, events.Key)] == ["a", "\ufffd", "b", "\ufffd", "("]


HOSTILE_PASTE = b"\x1b[200~" + b"AB\x1b[2JCD\x07E\x14F\x06G\x1b]52;c;aGk=\x07H\r\nI\tJ" + b"\x1b[201~"
"""A paste holding a screen clear, a bell (ctrl+g), ctrl+t, ctrl+f, an OSC 52 clipboard
write and a Windows line break."""


def test_a_paste_holding_control_codes_arrives_whole_as_one_paste(tmp_path: Path) -> None:
    # Before: after the ESC the rest came as keys ('^', '[', '2', 'J', ..., ctrl+g, ctrl+t,
    # ctrl+f): the People dialog opened, the clock paused and a phase skip was asked for.
    got = read_keyboard(HOSTILE_PASTE + b"x" + HOSTILE_PASTE, tmp_path)
    pastes = [m.text for m in got if isinstance(m, events.Paste)]
    assert pastes == ["ABCDEFGH\nI\tJ", "ABCDEFGH\nI\tJ"]
    assert keys(got) == ["x"]


@pytest.mark.parametrize(
    "pasted",
    [
        b"\x07\x14\x06\x1b[2J",  # the bytes of issue 13, in its order
        b"\x1b",  # a lone ESC
        b"\x1b[200~nested\x1b[201~",  # a paste inside the paste
        b"\x1b[20",  # the start of an end that never comes
    ],
)
def test_no_paste_becomes_a_key(pasted: bytes, tmp_path: Path) -> None:
    got = read_keyboard(b"\x1b[200~" + pasted + b"\x1b[201~", tmp_path)
    assert keys(got) == []
    assert all("\x1b" not in m.text and "\x07" not in m.text for m in got if isinstance(m, events.Paste))


def test_a_paste_split_between_reads_is_still_one_paste() -> None:
    text = HOSTILE_PASTE.decode()
    for cut in range(1, len(text)):
        for second in range(cut, len(text)):
            parser = PasteSafeParser()
            reads = [text[:cut], text[cut:second], text[second:], "z"]
            got = [message for read in reads if read for message in parser.feed(read)]
            assert [type(m) for m in got] == [events.Paste, events.Key], (cut, second, got)
            assert isinstance(got[0], events.Paste) and got[0].text == "ABCDEFGH\nI\tJ", (cut, second)


async def test_a_hostile_paste_in_the_notes_leaves_the_session_as_it_was(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # What the driver makes of the paste, given to the app as the driver gives it.
    messages = read_keyboard(HOSTILE_PASTE, tmp_path / "driver")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "Ann,Ben,Cat")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        notes = screen.query_one("#notes", TextArea)
        notes.focus()
        await pilot.pause()
        for message in messages:
            app.post_message(message)
        await wait_for(pilot, lambda: notes.text, what="the paste to reach the notes")
        await pilot.pause()
        assert app.screen is screen  # no People dialog, no question about the phase
        assert not screen.session.timeline.paused
        assert screen.session.view().step_index == 0
        assert notes.text == "ABCDEFGH\nI\tJ"


async def test_control_codes_pasted_into_the_names_are_dropped(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pick_format(pilot, "check-in-round")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupScreen), what="the group screen")
        names = app.screen.query_one("#names", Input)
        names.focus()
        await pilot.pause()
        app.post_message(events.Paste("Ann\x07, Ben\x1b[2J, Cat\u202e"))
        await wait_for(pilot, lambda: names.value, what="the paste to reach the names")
        assert names.value == "Ann, Ben, Cat"


_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b.")


class Terminal:
    """peercircle running in a pseudo-terminal, as a person runs it: what it draws, as
    plain text with the escape sequences taken out, and what is typed at it."""

    def __init__(self, data_dir: Path) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "PEERCIRCLE_HOME": str(data_dir), "TERM": "xterm-256color"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "peercircle"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.drawn = ""

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in _ESCAPES.sub("", self.drawn):
            left = deadline - time.monotonic()
            assert left > 0 and self.process.poll() is None, f"{text!r} never showed: {self.drawn[-2000:]!r}"
            if select.select([self.master], [], [], min(left, 0.5))[0]:
                try:
                    self.drawn += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:  # the terminal closed: the app has ended
                    continue

    def type(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> int:
        self.type(b"\x11")  # ctrl+q
        try:
            return self.process.wait(30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.master)


def test_the_app_in_a_terminal_lives_through_an_invalid_byte(tmp_path: Path) -> None:
    # Before: the byte ended the app with 'UnicodeDecodeError: 'utf-8' codec can't decode
    # byte 0xff in position 0: invalid start byte' (and exit status 0).
    terminal = Terminal(tmp_path / "data")
    try:
        terminal.wait_for("Press n to start a session")
        terminal.type(b"\xff")
        terminal.type(b"n")
        terminal.wait_for("Choose a format")  # it still answers
    finally:
        status = terminal.close()
    assert status == 0
    assert "Traceback" not in terminal.drawn and "UnicodeDecodeError" not in terminal.drawn


def test_names_and_agreement_given_to_the_api_are_cleaned_where_they_enter(
    als: Format, clock: FakeClock
) -> None:
    people = ("Ann\ud800", "Bob\x1b[2J", "Cat\u202e", "Dee")
    session = Session.new(als, people, "Ann\ud800", clock=clock, agreement="We \udc80 agree\x07")
    assert session.meta.people == ("Ann\ufffd", "Bob", "Cat", "Dee")
    assert session.meta.presenters == ("Ann\ufffd",)
    assert session.meta.agreement == "We \ufffd agree"
