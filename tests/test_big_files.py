"""A huge file never freezes the app (issue 12).

Format and deck files over a limit are refused with the file and the line, before they
are parsed; a big session file opens in a worker while the app keeps answering keys; and
SIGTERM or SIGHUP end a busy app within seconds with what was typed on disk.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library import format_file
from peercircle.sessions.library.decks import MAX_CARDS, load_decks
from peercircle.sessions.library.format_file import (
    MAX_FIELD,
    MAX_NAME,
    MAX_PHASES,
    MAX_PROMPTS,
    FormatError,
    load_library,
    parse_format,
)
from peercircle.sessions.library.markdown_file import MAX_FILE_BYTES
from peercircle.sessions.storage import store as store_module
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.store import IndexEntry, SessionStore, TooBig
from peercircle.tui.app import OPEN_IN_BACKGROUND, PeerCircleApp
from peercircle.tui.screens.help import HelpScreen
from peercircle.tui.screens.home import HomeScreen
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.screens.opening import OpeningScreen
from peercircle.tui.screens.summary import SummaryScreen
from tests.commands import cli
from tests.past_sessions import make_app, past_session
from tests.waiting import wait_for

HEAD = "# Long day\n\n- Source: our team (2026)\n- Presenter: no\n"


def phase(i: int, extra: str = "") -> str:
    return f"\n## Step {i}\n- Minutes: 1\n- Mode: go-round\n{extra}"


def format_text(phases: int) -> str:
    return HEAD + "".join(phase(i) for i in range(1, phases + 1))


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- format files ------------------------------------------------------------------------


def test_fifty_phases_parse_and_the_fifty_first_is_refused_at_its_line() -> None:
    assert len(parse_format(format_text(MAX_PHASES), "long-day.md").phases) == MAX_PHASES
    text = format_text(MAX_PHASES + 1)
    with pytest.raises(FormatError) as caught:
        parse_format(text, "long-day.md")
    line = line_of(text, f"## Step {MAX_PHASES + 1}\n")
    assert str(caught.value) == (
        f"long-day.md: line {line}: more than {MAX_PHASES} phases; a session format has at most {MAX_PHASES}"
    )


def test_ten_thousand_phases_are_one_problem_not_ten_thousand() -> None:
    # Under the size limit only because the phases are broken (no time, no mode): the
    # ones past the limit are not checked one by one.
    text = HEAD + "".join(f"## S{i}\n" for i in range(10_000))
    with pytest.raises(FormatError) as caught:
        parse_format(text, "many.md")
    problems = caught.value.problems
    assert sum("more than 50 phases" in p.message for p in problems) == 1
    assert len(problems) <= 2 * MAX_PHASES + 1


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("- Rule: " + "r" * (MAX_FIELD + 1) + "\n", f"the Rule is longer than {MAX_FIELD} characters"),
        ("- Prompt: " + "p" * (MAX_FIELD + 1) + "\n", f"the Prompt is longer than {MAX_FIELD} characters"),
        (
            "".join(f"- Prompt: ask {i}?\n" for i in range(MAX_PROMPTS + 1)),
            f"more than {MAX_PROMPTS} prompts",
        ),
    ],
)
def test_over_long_rules_and_prompts_are_refused_at_their_line(extra: str, words: str) -> None:
    text = HEAD + phase(1, extra)
    with pytest.raises(FormatError) as caught:
        parse_format(text, "wordy.md")
    last = text.rstrip("\n").count("\n") + 1  # the field that crosses the limit is the last line
    assert [(p.line, words in p.message) for p in caught.value.problems] == [(last, True)]


def test_an_over_long_phase_name_or_source_is_refused_at_its_line() -> None:
    text = format_text(1).replace("## Step 1", "## " + "n" * (MAX_NAME + 1))
    with pytest.raises(FormatError) as caught:
        parse_format(text, "named.md")
    assert [p.line for p in caught.value.problems] == [line_of(text, "## nnn")]
    assert f"longer than {MAX_NAME} characters" in caught.value.problems[0].message
    text = format_text(1).replace("our team (2026)", "s" * (MAX_FIELD + 1))
    with pytest.raises(FormatError) as caught:
        parse_format(text, "named.md")
    assert any(
        p.line == 3 and p.message.startswith(f"the Source is longer than {MAX_FIELD} characters")
        for p in caught.value.problems
    ), caught.value.problems


def big_format(path: Path, size: int = 10 << 20) -> int:
    """A format file of ``size`` bytes (valid phases, over and over); returns the line on
    which it passes the size limit."""
    block = phase(1).encode()
    body = HEAD.encode() + block * (size // len(block))
    path.write_bytes(body)
    return body[:MAX_FILE_BYTES].count(b"\n") + 1


def test_a_ten_megabyte_format_is_refused_unparsed_and_the_rest_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = big_format(tmp_path / "huge.md")
    (tmp_path / "mine.md").write_text(format_text(3), encoding="utf-8")
    real_parse = format_file.parse_format
    parsed: list[str] = []

    def parse(text: str, path: str = "<format>", *args, **kwargs):
        parsed.append(Path(path).name)
        assert len(text) <= MAX_FILE_BYTES
        return real_parse(text, path, *args, **kwargs)

    monkeypatch.setattr(format_file, "parse_format", parse)
    library = load_library(tmp_path)
    assert "huge.md" not in parsed and "mine.md" in parsed
    assert library.get("mine") is not None
    [error] = library.errors
    assert str(error) == (
        f"{tmp_path / 'huge.md'}: line {line}: the file is larger than 64 KB (it is 10.0 MB); "
        "a format file is a few KB, so this is probably not one"
    )


def test_a_fifo_in_the_formats_folder_does_not_hang_the_library(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")  # opening it for reading would wait for a writer forever
    (tmp_path / "mine.md").write_text(format_text(2), encoding="utf-8")
    library = load_library(tmp_path)
    assert library.get("mine") is not None
    [error] = library.errors
    assert error.path.endswith("pipe.md") and "not a regular file" in str(error)


def test_formats_check_and_list_refuse_a_huge_file_with_its_line(tmp_path: Path, data_dir: Path) -> None:
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    line = big_format(folder / "huge.md")
    (folder / "long.md").write_text(format_text(MAX_PHASES + 5), encoding="utf-8")
    result = cli("formats", "check", "huge.md", data_dir=data_dir)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"{folder / 'huge.md'}:{line}: the file is larger than 64 KB (it is 10.0 MB); "
        "a format file is a few KB, so this is probably not one"
    )
    listed = cli("formats", "list", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert f"INVALID {folder / 'huge.md'}: line {line}: the file is larger than 64 KB" in listed.stdout
    long_line = line_of(format_text(MAX_PHASES + 5), f"## Step {MAX_PHASES + 1}\n")
    assert f"INVALID {folder / 'long.md'}: line {long_line}: more than {MAX_PHASES} phases" in listed.stdout
    assert "0 yours, 2 invalid" in listed.stdout


# -- deck files --------------------------------------------------------------------------


def test_a_huge_deck_or_one_with_too_many_cards_is_refused_with_its_line(tmp_path: Path) -> None:
    card = b"\n## A card\nWhat it is about.\n- A question?\n"
    head = b"# Big deck\n\n- Source: us\n"
    body = head + card * ((20 << 20) // len(card))
    (tmp_path / "huge.md").write_bytes(body)
    many = "# Many\n\n- Source: us\n" + "".join(f"\n## Card {i}\n- Ask {i}?\n" for i in range(MAX_CARDS + 1))
    (tmp_path / "many.md").write_text(many, encoding="utf-8")
    decks = load_decks(tmp_path)
    errors = {Path(e.path).name: e for e in decks.errors}
    assert set(errors) == {"huge.md", "many.md"}
    huge = errors["huge.md"].problems
    assert huge[0].line == body[:MAX_FILE_BYTES].count(b"\n") + 1
    assert huge[0].message.startswith("the file is larger than 64 KB (it is 20.0 MB)")
    [problem] = errors["many.md"].problems
    assert problem.line == line_of(many, f"## Card {MAX_CARDS}\n")
    assert problem.message == f"more than {MAX_CARDS} cards; a deck has at most {MAX_CARDS}"
    assert len(decks.decks) == len(load_decks().decks)  # the built-in ones all still load


# -- big session files -------------------------------------------------------------------


def big_session(data_dir: Path, end: bool = True) -> Session:
    """A past session (12 Nov 2026, 09:00) whose file is over 2 MB, with a note to recognise.

    Big by its events (20,000 pauses and resumes), as a long-running session grows, not by
    one huge note: the live screen lays a note out whole, which is its own (slow) matter."""
    store = SessionStore(data_dir, writer=True)
    session = past_session(store, datetime(2026, 11, 12, 9, 0), shared="A note worth keeping.", end=False)
    clock = session.clock
    assert isinstance(clock, FakeClock)
    first = len(session.events)
    for _ in range(10_000):
        clock.advance(0.01)
        session.toggle_pause()
        clock.advance(0.01)
        session.toggle_pause()
    if end:
        session.end()
    store.append_events(session.meta.id, session.events[first:])
    store.write_meta(session.meta)
    store.close(session.meta.id)
    store.update_index(IndexEntry.from_session(session))
    assert store.size_of(session.meta.id) > OPEN_IN_BACKGROUND * 2
    return session


class Gate:
    """Holds every session read off the UI thread until ``release`` is set: the test
    decides when the background read ends, so what happens meanwhile is not a race."""

    def __init__(self, app: PeerCircleApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()
        self.reads = 0
        real = app.store.load

        def load(session_id: str, clock=None) -> Session:
            if threading.current_thread() is threading.main_thread():
                return real(session_id, clock=clock)
            self.reads += 1
            self.started.set()
            assert self.release.wait(30), "the test never let the read finish"
            try:
                return real(session_id, clock=clock)
            finally:
                self.finished.set()

        monkeypatch.setattr(app.store, "load", load)


def reading(app: PeerCircleApp) -> bool:
    return any(w.name == "open-session" for w in app.workers)


async def open_from_home(pilot) -> None:
    """Enter on the session the home screen lists, once home is up."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), what="home")
    await pilot.press("enter")


def messages(app: PeerCircleApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_big_session_opens_from_home_while_the_app_answers_keys(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = big_session(data_dir)
    app = make_app(data_dir, clock, tmp_path)
    gate = Gate(app, monkeypatch)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_from_home(pilot)
            await wait_for(pilot, lambda: isinstance(app.screen, OpeningScreen), what="the message")
            message = app.screen.query_one("#opening-message", Static).content
            assert str(message) == "Opening the session from 12 Nov 2026, 09:00 (2.0 MB)…"
            await wait_for(pilot, gate.started.is_set, what="the read to start")
            await pilot.press("f1")  # the read is under way, and the app answers a key
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
            gate.release.set()  # the read ends while help is on top: nothing is lost
            await wait_for(pilot, lambda: not reading(app), what="the read to end")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), what="the summary")
            assert app.screen.session.meta.id == session.meta.id
            assert app.screen.session.note_for(0).text.startswith("A note worth keeping.")
    finally:
        gate.release.set()


async def test_a_big_session_left_running_resumes_after_its_read(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = big_session(data_dir, end=False)
    app = make_app(data_dir, clock, tmp_path)
    gate = Gate(app, monkeypatch)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: "Resume it?" in str(getattr(app.screen, "question", "")))
            await pilot.press("y")
            await wait_for(pilot, gate.started.is_set, what="the read to start")
            assert isinstance(app.screen, OpeningScreen)
            assert app.autosaver is None  # nothing is recorded until the session is read
            gate.release.set()
            await wait_for(pilot, lambda: isinstance(app.screen, LiveScreen), what="the live screen")
            assert app.autosaver is not None and app.autosaver.session.meta.id == session.meta.id
            live = app.screen.session
            assert live.live and live.view().paused
            assert live.note_for(0).text.startswith("A note worth keeping.")
    finally:
        gate.release.set()


async def test_a_big_session_opened_from_home_and_resumed_is_read_once(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = big_session(data_dir, end=False)
    app = make_app(data_dir, clock, tmp_path)
    gate = Gate(app, monkeypatch)
    gate.release.set()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Resume it?" in str(getattr(app.screen, "question", "")))
        await pilot.press("n")  # not now: open it from the list instead
        await open_from_home(pilot)
        await wait_for(pilot, lambda: "just look at it" in str(getattr(app.screen, "question", "")))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, LiveScreen), what="the live screen")
        assert app.autosaver is not None and app.autosaver.session.meta.id == session.meta.id
        assert gate.reads == 1


async def test_ctrl_q_quits_at_once_while_a_big_session_is_read(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_session(data_dir)
    app = make_app(data_dir, clock, tmp_path)
    gate = Gate(app, monkeypatch)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_from_home(pilot)
            await wait_for(pilot, gate.started.is_set, what="the read to start")
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: not app.is_running, what="the app to end")
        assert not gate.finished.is_set()  # it ended with the read still waiting
    finally:
        gate.release.set()


async def test_esc_stops_waiting_and_the_read_is_dropped(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big_session(data_dir)
    app = make_app(data_dir, clock, tmp_path)
    gate = Gate(app, monkeypatch)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_from_home(pilot)
            await wait_for(pilot, gate.started.is_set, what="the read to start")
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home again")
            gate.release.set()
            await wait_for(pilot, gate.finished.is_set, what="the read to end")
            await wait_for(pilot, lambda: not reading(app), what="the worker to go")
            assert isinstance(app.screen, HomeScreen)
    finally:
        gate.release.set()


async def test_a_damaged_big_session_is_reported_as_before_and_moved_aside(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    session = big_session(data_dir)
    path = SessionStore(data_dir, writer=False).path_for(session.meta.id)
    # Damaged in the middle: a file cut short is found as the history is listed, at start
    # (tests/test_damaged_files.py), before anyone can open it.
    whole, before = path.read_bytes(), path.stat()
    path.write_bytes(whole[: len(whole) // 2] + b"\x00" + whole[len(whole) // 2 + 1 :])
    # As a failing disk damages it: size and time unchanged, so the listing trusts its line
    # (a file changed since is read again as it is listed, and its damage found then).
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot)
        await wait_for(pilot, lambda: any("is damaged" in m for m in messages(app)), what="the error")
        [message] = messages(app)
        assert message.startswith(f"session file {path.name} is damaged (JSONDecodeError: ")
        assert isinstance(app.screen, HomeScreen)
        assert not path.exists()  # quarantined, as a small damaged file is
        await wait_for(pilot, lambda: app.screen.query_one("#history", DataTable).row_count == 0)
        assert "could not be read" in str(app.screen.query_one("#problems", Static).content)


def test_an_absurdly_big_session_is_refused_unread_and_left_alone(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = big_session(data_dir)
    store = SessionStore(data_dir, writer=True)
    monkeypatch.setattr(store_module, "MAX_SESSION_BYTES", 1 << 20)
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("the file was read"))
    with pytest.raises(TooBig) as caught:
        store.load(session.meta.id)
    assert str(caught.value) == (
        f"session file {session.meta.id}.json is 2.0 MB, too big to open (peercircle opens up to "
        f"1.0 MB; a whole session with notes is under 1 MB). It is left as it is in {store.sessions_dir}."
    )
    assert store.path_for(session.meta.id).exists() and store.quarantined == []


async def test_an_absurdly_big_session_is_refused_in_the_app_with_its_size(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = big_session(data_dir, end=False)
    monkeypatch.setattr(store_module, "MAX_SESSION_BYTES", 1 << 20)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Resume it?" in str(getattr(app.screen, "question", "")))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("too big" in m for m in messages(app)), what="the refusal")
        assert isinstance(app.screen, HomeScreen) and app.autosaver is None
        assert app.store.path_for(session.meta.id).exists()


# -- SIGTERM and SIGHUP ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
F11, F12 = b"\x1b[23~", b"\x1b[24~"


@dataclass
class Terminal:
    """``python -m tests.busy_app`` in a pseudo-terminal of its own, as a user runs the app."""

    proc: subprocess.Popen[bytes]
    master: int
    status: int
    output: bytearray = field(default_factory=bytearray)
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @classmethod
    def start(cls, data_dir: Path) -> Terminal:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        status_read, status_write = os.pipe()
        env = {**os.environ, "PEERCIRCLE_HOME": str(data_dir), "TERM": "xterm-256color"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.busy_app", str(status_write)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            pass_fds=(status_write,),
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        os.close(status_write)
        terminal = cls(proc, master, status_read)
        # The app blocks once the terminal's buffer is full: read everything it draws.
        terminal.reader = threading.Thread(target=terminal._read, daemon=True)
        terminal.reader.start()
        return terminal

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the app has ended and the terminal is closed
                return
            if not chunk:
                return
            self.output += chunk

    def said(self, timeout: float = 30) -> str:
        """The app's next status line (see tests/busy_app.py)."""
        deadline = time.monotonic() + timeout
        buffer = b""
        while b"\n" not in buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.status], [], [], max(0, left))
            assert ready, f"the app said nothing for {timeout} s; it drew: {bytes(self.output[-2000:])!r}"
            chunk = os.read(self.status, 1)
            assert chunk, f"the app ended (exit {self.proc.poll()}): {bytes(self.output[-2000:])!r}"
            buffer += chunk
        return buffer.decode().rstrip("\n")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.reader is not None:
            self.reader.join(10)
        os.close(self.master)
        os.close(self.status)


@pytest.mark.parametrize(
    ("sig", "busy"),
    [(signal.SIGTERM, True), (signal.SIGHUP, True), (signal.SIGTERM, False)],
    ids=["sigterm-busy", "sighup-busy", "sigterm-idle"],
)
def test_a_signal_ends_the_app_within_seconds_with_the_notes_on_disk(
    data_dir: Path, sig: signal.Signals, busy: bool
) -> None:
    store = SessionStore(data_dir, writer=True)
    session = past_session(store, datetime(2026, 11, 12, 9, 0), end=False)
    terminal = Terminal.start(data_dir)
    try:
        assert terminal.said() == "ready"
        terminal.type(b"typed before the signal")
        # The editor hands its text to the session a message or two after the keys: ask
        # until the session has it (each answer comes after the keys before it).
        deadline = time.monotonic() + 30
        while (answer := (terminal.type(F11), terminal.said())[1]) != "notes typed before the signal":
            assert time.monotonic() < deadline, answer
        if busy:
            terminal.type(F12)  # the UI thread is busy for a minute from here
            assert terminal.said() == "busy typed before the signal"
        sent = time.monotonic()
        terminal.proc.send_signal(sig)
        code = terminal.proc.wait(timeout=15)
        took = time.monotonic() - sent
        assert terminal.reader is not None
        terminal.reader.join(10)
        attrs = termios.tcgetattr(terminal.master)
    finally:
        terminal.close()
    output = bytes(terminal.output)
    assert code == 0, output[-2000:]
    assert took < 4, f"{took:.1f} s to end"
    assert b"Traceback" not in output and b"Error" not in output, output[-2000:]
    # The terminal is handed back: out of the alternate screen, cursor shown, mouse off,
    # and the line discipline as it was (echo and line editing on).
    last_enter = output.rfind(b"\x1b[?1049h")
    assert output.rfind(b"\x1b[?1049l") > last_enter >= 0
    assert output.rfind(b"\x1b[?25h") > last_enter and output.rfind(b"\x1b[?1000l") > last_enter
    assert attrs[3] & termios.ECHO and attrs[3] & termios.ICANON
    notes = SessionStore(data_dir, writer=False).load(session.meta.id).notes
    assert [n.text for n in notes] == ["typed before the signal"]
    lock = FolderLock(data_dir)  # released, and not as by a crash
    assert lock.acquire() is None and lock.took_over_from is None
    lock.release()


# -- reading a big file without holding the interpreter lock -------------------------------


def test_a_big_file_parsed_in_steps_reads_as_json_loads_does(data_dir: Path) -> None:
    import gc
    import json

    session = big_session(data_dir)
    store = SessionStore(data_dir, writer=False)
    text = store.path_for(session.meta.id).read_text(encoding="utf-8")
    assert len(text) >= store_module.PARSE_IN_STEPS_FROM
    assert store_module._parse(text) == json.loads(text)
    spaced = text.replace('{"', '{ \n "').replace('": ', '"\t:  ')  # any JSON whitespace
    assert store_module._parse(spaced) == json.loads(text)
    for damaged in (text[:-10], text + " x", "\ufeff" + text, text.replace('"seq"', "seq", 1)):
        with pytest.raises(ValueError) as steps:
            store_module._parse(damaged)
        with pytest.raises(ValueError) as whole:
            json.loads(damaged)
        assert str(steps.value) == str(whole.value)  # the same words in the damage report
    assert gc.isenabled()
    assert store.load(session.meta.id).note_for(0).text == "A note worth keeping."
    assert gc.isenabled()  # paused while the big file was read, and back on
