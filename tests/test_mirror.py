"""``peercircle mirror``: the room's read-only view of the session live in the data folder.

A writer here is what the facilitator's app is to a session: a ``Session`` whose events
the real ``Autosaver`` writes through the real ``SessionStore`` (with its heartbeat), in the
same data folder the mirror watches. The mirror runs headless with the same fake clock, so
the countdowns it shows are exact; every wait is for what the screen shows, never a sleep.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.follow import SessionFollower
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.mirror_app import MirrorApp
from peercircle.tui.screens.mirror import MirrorScreen
from peercircle.tui.screens.mirror_state import WAITING
from tests.past_sessions import make_app, past_session
from tests.scenes import start_live
from tests.screen_text import shown_text
from tests.waiting import wait_for

GROUP = ("Aisha", "Ben", "Ciara", "Dev", "Eilidh")
PRIVATE = "Zebrafinch private worry about Ben"
ACTIONS = "Quokka action: phone the council"
SHARED = "Pelican shared thought"


@dataclass
class Writer:
    """A facilitator's app, as far as the folder is concerned: a session and its autosaver."""

    store: SessionStore
    clock: FakeClock
    library: Library
    session: Session | None = None
    saver: Autosaver | None = None
    savers: list[Autosaver] = field(default_factory=list)

    def start(self, format_id: str = "action-learning-set", people: tuple[str, ...] = GROUP) -> Session:
        fmt = self.library.get(format_id)
        assert fmt is not None
        self.session = Session.new(fmt, people, people[0] if fmt.needs_presenter else None, clock=self.clock)
        self.saver = Autosaver(self.store, self.session).start()
        self.savers.append(self.saver)
        self.session.start()
        self.saved()
        return self.session

    def saved(self) -> None:
        assert self.saver is not None and self.saver.flush()

    def do(self, command: str, *args: object) -> None:
        """A control on the facilitator's screen: the session command, then on disk."""
        assert self.session is not None
        getattr(self.session, command)(*args)
        self.saved()

    def stop(self) -> None:
        """The app goes away (its heartbeat stops), whatever the session says."""
        if self.saver is not None:
            self.saver.close()
        self.saver = None


@pytest.fixture
def writer(data_dir: Path, clock: FakeClock, library: Library) -> Iterator[Writer]:
    store = SessionStore(data_dir)
    store.prepare()
    made = Writer(store, clock, library)
    yield made
    for saver in made.savers:
        saver.close()


def mirror(data_dir: Path, clock: FakeClock, follower: SessionFollower | None = None) -> MirrorApp:
    return MirrorApp(data_dir=data_dir, clock=clock, poll_interval=0.02, follower=follower)


async def shows(pilot, *words: str) -> str:
    """Wait until every one of ``words`` is on the mirror; the text it shows then."""
    found = ""

    def all_there() -> bool:
        nonlocal found
        found = shown_text(pilot.app)
        return all(word in found for word in words)

    await wait_for(pilot, all_there, what=f"the mirror to show {words}")
    return found


async def hides(pilot, *words: str) -> str:
    found = ""

    def none_there() -> bool:
        nonlocal found
        found = shown_text(pilot.app)
        return not any(word in found for word in words)

    await wait_for(pilot, none_there, what=f"the mirror to stop showing {words}")
    return found


def folder_files(data_dir: Path) -> dict[str, bytes]:
    """Every file in the data folder but the heartbeats (the writer's clock ticks), by content."""
    return {
        str(path.relative_to(data_dir)): path.read_bytes()
        for path in sorted(data_dir.rglob("*"))
        if path.is_file() and path.suffix != ".alive"
    }


# -- what it shows -------------------------------------------------------------------------


async def test_shows_phase_rule_speaker_next_and_the_countdown(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    writer.start()
    app = mirror(data_dir, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        text = await shows(pilot, "Present the issue", "Phase 1 of 7", "05:00", "Aisha")
        assert "The presenter speaks without interruption" in text  # the rule
        assert "Presenting · everyone else listens" in text
        for name in GROUP:
            assert name in text  # the roster
        clock.advance(65)  # its own clock: nothing is written, the countdown runs on
        await shows(pilot, "03:55")
        writer.do("next_phase")
        text = await shows(pilot, "Clarifying questions", "Next: Ciara, Dev")
        assert "Questions to understand only" in text
        assert "10:00" in text


async def test_follows_next_speaker_next_phase_and_pause(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    writer.start()
    app = mirror(data_dir, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await shows(pilot, "Present the issue")
        writer.do("next_phase")
        await shows(pilot, "Clarifying questions", "Next: Ciara, Dev")
        assert app.follower.session is not None and app.follower.session.view().speaker == "Ben"
        writer.do("next_speaker")
        await shows(pilot, "Next: Dev, Eilidh")
        assert app.follower.session.view().speaker == "Ciara"
        clock.advance(30)
        writer.do("pause")
        text = await shows(pilot, "PAUSED", "09:30")
        clock.advance(120)  # paused: the mirror's clock stands still with the writer's
        screen = app.screen
        assert isinstance(screen, MirrorScreen)
        screen.refresh_view()
        await pilot.pause()
        assert "09:30" in shown_text(app)
        assert "Ciara" in text


async def test_never_shows_private_notes_actions_or_hints(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    session = writer.start()
    session.write_note(0, PRIVATE, "private")
    session.write_note(0, ACTIONS, "action")  # no who or by when: the live screen nudges
    session.write_note(0, SHARED, "shared")
    writer.do("set_mirror_notes", True)
    app = mirror(data_dir, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        text = await shows(pilot, SHARED, "Present the issue")
        assert "Zebrafinch" not in text
        assert "Quokka" not in text
        assert "has no" not in text  # the action nudge ("Action 1 has no who ... yet")
        assert "FACILITATOR" not in text
        assert "saved" not in text


async def test_never_shows_another_sessions_data(data_dir: Path, clock: FakeClock, writer: Writer) -> None:
    from datetime import UTC, datetime

    past_session(
        writer.store,
        datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        people=("Yusuf", "Xanthe", "Wilma"),
        shared="Ostrich earlier session note",
        private="Ostrich private",
    )
    unended = past_session(
        writer.store,
        datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        people=("Vera", "Ulrich", "Tomasz"),
        shared="Ostrich left running",
        end=False,  # a session a crash left behind, with no heartbeat: not live
    )
    session = writer.start()
    session.write_note(0, SHARED, "shared")
    writer.do("set_mirror_notes", True)
    app = mirror(data_dir, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        text = await shows(pilot, SHARED, "Aisha")
        for word in ("Ostrich", "Yusuf", "Xanthe", "Wilma", "Vera", "Ulrich", "Tomasz", "Balint"):
            assert word not in text
        assert app.follower.session is not None
        assert app.follower.session.meta.id not in (unended.meta.id,)


async def test_shared_notes_only_while_the_facilitator_shows_them(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    session = writer.start()
    session.write_note(0, SHARED, "shared")
    writer.saved()
    app = mirror(data_dir, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        text = await shows(pilot, "Present the issue")
        assert "Pelican" not in text
        writer.do("set_mirror_notes", True)
        await shows(pilot, SHARED, "Shared notes · Present the issue")
        session.write_note(0, SHARED + " and a second line", "shared")
        writer.saved()
        await shows(pilot, "and a second line")
        writer.do("next_phase")  # the next phase's notes: none yet
        await shows(pilot, "no shared notes in this phase yet")
        writer.do("set_mirror_notes", False)
        await hides(pilot, "Shared notes", "Pelican")


async def test_prompt_card_goes_up_and_comes_down(data_dir: Path, clock: FakeClock, writer: Writer) -> None:
    writer.start()
    app = mirror(data_dir, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await shows(pilot, "What would you like from the set")  # the phase's own prompts
        writer.do("show_card", "heron", "Heron's six categories of intervention", "Catalytic")
        # The card's words from the deck, as the facilitator's screen shows them.
        text = await shows(pilot, "Catalytic", "Helping the person reflect", "What else comes to mind?")
        assert "What would you like from the set" not in text  # the card stands in for them
        writer.do("hide_card")
        await hides(pilot, "Catalytic")


# -- following the folder ------------------------------------------------------------------


async def test_waits_when_nothing_is_live_then_follows_a_start_and_an_end(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    elsewhere = data_dir.parent / "never-made"
    async with mirror(elsewhere, clock).run_test(size=(100, 30)) as pilot:
        await shows(pilot, WAITING)
    assert not elsewhere.exists()  # a mirror makes no folder and no file
    app = mirror(data_dir, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, WAITING)
        writer.start("check-in-round", ("Ann", "Bob", "Cat"))
        await shows(pilot, "Check-in", "Ann", "Next: Bob, Cat")
        writer.do("end")
        await shows(pilot, WAITING)
        writer.stop()
        writer.start("check-out-round", ("Ann", "Bob", "Cat"))
        await shows(pilot, "Check-out", "Ann")


async def test_a_writer_that_goes_away_sends_it_back_to_waiting(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    # A clean quit mid-session lets go of the lock (its owner file is emptied): at once.
    lock = FolderLock(data_dir)
    assert lock.acquire() is None
    writer.start()
    app = mirror(data_dir, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, "Present the issue")
        writer.stop()
        lock.release()
        await shows(pilot, WAITING)
    # A crash leaves the lock's owner file as it was: the heartbeat going stale says so.
    later = [0]
    follower = SessionFollower(data_dir, clock, wall_ns=lambda: time.time_ns() + later[0])
    assert lock.acquire() is None
    writer.start()
    app = mirror(data_dir, clock, follower)
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, "Present the issue")
        assert writer.saver is not None
        writer.saver._stop_heartbeat.set()  # the process is gone: no more beats
        writer.saver._heartbeat.join()
        later[0] = 60 * 10**9
        await shows(pilot, WAITING)
    lock.release()


async def test_does_not_take_the_lock_and_changes_nothing_whatever_is_pressed(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    app = mirror(data_dir, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, WAITING)
        # A facilitator's app starting while the mirror runs takes the folder's lock.
        lock = FolderLock(data_dir)
        assert lock.acquire() is None
        try:
            session = writer.start()
            session.write_note(0, SHARED, "shared")
            writer.saved()
            await shows(pilot, "Present the issue")
            before = folder_files(data_dir)
            keys = ["n", "f", "y", "space", "s", "e", "enter", "c", "k", "v", "u", "1", "2", "escape"]
            await pilot.press(*keys, "ctrl+p", "ctrl+f", "ctrl+n", "ctrl+t", "f2", "f10", "tab", "escape")
            await pilot.press(*"typing words into the mirror")
            await pilot.pause()
            assert folder_files(data_dir) == before
            assert isinstance(app.screen, MirrorScreen)  # no dialog, no palette: nothing opened
            assert session.view().step_index == 0 and not session.view().paused
        finally:
            lock.release()


def test_the_follower_reads_the_file_again_only_when_it_changed(
    data_dir: Path, clock: FakeClock, writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    follower = SessionFollower(data_dir, clock)
    assert not follower.poll() and follower.session is None  # nothing live: nothing read
    session = writer.start()
    reads: list[str] = []
    read_parts = follower.store.read_parts
    monkeypatch.setattr(follower.store, "read_parts", lambda sid: reads.append(sid) or read_parts(sid))
    assert follower.poll() and reads == [session.meta.id]
    for _ in range(20):
        assert not follower.poll()  # a few stats, no read
    assert len(reads) == 1
    shown = follower.session
    writer.do("next_phase")
    assert follower.poll() and len(reads) == 2
    assert follower.session is shown  # the same session, its new event folded in
    assert shown is not None and shown.view().phase.name == "Clarifying questions"
    assert shown.clock is clock and shown.live  # its time runs on the follower's clock


# -- damage ------------------------------------------------------------------------------


async def test_a_damaged_file_keeps_the_last_good_state_and_says_so(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    session = writer.start()
    follower = SessionFollower(data_dir, clock, problem_after_ns=0)
    app = mirror(data_dir, clock, follower)
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, "Present the issue")
        path = writer.store.path_for(session.meta.id)
        whole = path.read_bytes()
        path.write_bytes(whole[: len(whole) // 2])  # cut short, as by a failing disk
        text = await shows(pilot, "Showing what the session file said last", "cannot be read")
        assert "Present the issue" in text
        path.write_bytes(b"\x00\xff not json at all")
        await pilot.pause()
        path.write_bytes(whole)  # mended (from a backup, say), and the session goes on
        writer.do("next_phase")
        text = await hides(pilot, "cannot be read")
        assert "Clarifying questions" in text


async def test_bad_event_data_keeps_the_state_shown_as_it_was(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    import json

    session = writer.start()
    writer.do("next_phase")
    follower = SessionFollower(data_dir, clock, problem_after_ns=0)
    app = mirror(data_dir, clock, follower)
    async with app.run_test(size=(100, 30)) as pilot:
        await shows(pilot, "Clarifying questions", "Next: Ciara, Dev")
        path = writer.store.path_for(session.meta.id)
        doc = json.loads(path.read_text(encoding="utf-8"))
        seq = len(doc["events"]) + 1
        # A good event, then one no clock could have written: the pair is damage, whole.
        good = {"seq": seq, "kind": "next_speaker", "mono_ns": clock.mono_ns, "wall": "x", "data": {}}
        bad = {"seq": seq + 1, "kind": "extend", "mono_ns": clock.mono_ns, "wall": "x"}
        bad["data"] = {"target": "phase", "seconds": 1e300}
        doc["events"][str(seq)], doc["events"][str(seq + 1)] = good, bad
        path.write_text(json.dumps(doc), encoding="utf-8")
        text = await shows(pilot, "Showing what the session file said last")
        assert "Next: Ciara, Dev" in text  # Ben still asks: the good event went with the bad
        assert follower.session is not None and len(follower.session.events) == seq - 1


async def test_an_unreadable_or_newer_session_file_never_ends_in_a_traceback(
    data_dir: Path, clock: FakeClock, writer: Writer
) -> None:
    session = writer.start()
    path = writer.store.path_for(session.meta.id)
    good = path.read_text(encoding="utf-8")
    newer = good.replace('"schema":4', '"schema":99')
    assert newer != good
    path.write_text(newer, encoding="utf-8")
    follower = SessionFollower(data_dir, clock, problem_after_ns=0)
    app = mirror(data_dir, clock, follower)
    async with app.run_test(size=(100, 30)) as pilot:
        shown = await shows(pilot, WAITING, "newer peercircle")
        assert "Present the issue" not in shown
        path.write_text(good, encoding="utf-8")  # its own version again: followed from here
        writer.do("next_phase")
        await shows(pilot, "Clarifying questions")
        path.write_bytes(b"")
        await shows(pilot, "cannot be read", "Clarifying questions")
    assert path.is_file()  # left where it is: a reader never moves a file aside
    assert not (data_dir / "quarantine").exists()


# -- the facilitator's side ----------------------------------------------------------------


async def test_the_live_screen_key_records_the_choice_in_the_session(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "Ann,Bob,Cat", projected=True)
        await pilot.press("escape", "s")
        await pilot.pause()
        session = app.screen.session  # type: ignore[attr-defined]
        assert session.timeline.mirror_notes
        assert app.autosaver is not None and app.autosaver.flush()
        stored = SessionStore(data_dir, writer=False).load(session.meta.id)
        assert stored.timeline.mirror_notes
        await pilot.press("s")
        await pilot.pause()
        assert not session.timeline.mirror_notes


def test_a_taken_down_card_is_recorded_and_read_back(als_session: Session) -> None:
    als_session.show_card("heron", "Heron's six categories", "Catalytic")
    assert als_session.timeline.card_shown == ("heron", "Heron's six categories", "Catalytic")
    assert als_session.hide_card() is not None
    assert als_session.timeline.card_shown is None
    assert als_session.hide_card() is None  # nothing up: nothing recorded
    again = Session(als_session.meta, als_session.events, clock=als_session.clock)
    assert again.timeline.card_shown is None
    assert [c[2] for c in again.timeline.cards] == ["Catalytic"]  # the record keeps the card used


# -- the command -------------------------------------------------------------------------


def test_the_mirror_command_has_help(tmp_path: Path) -> None:
    env = {**os.environ, "PEERCIRCLE_HOME": str(tmp_path / "home-data"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "peercircle", "mirror", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: peercircle mirror" in done.stdout
    assert "read-only" in done.stdout
    assert done.stderr == ""
    assert not (tmp_path / "home-data").exists()  # asking for help makes no folder


# -- what it looks like ------------------------------------------------------------------


def _room_scene(data_dir: Path, clock: FakeClock, library: Library) -> Session:
    """A session in its second phase, Ben asking, 95 s in, shared notes on the mirror.
    Written in the test's own thread (no autosave thread, a beat by hand), so every run
    draws the same picture."""
    store = SessionStore(data_dir)
    store.prepare()
    fmt = library.get("action-learning-set")
    assert fmt is not None
    session = Session.new(fmt, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start(background=False)
    session.start()
    clock.advance(240)
    session.next_phase()
    clock.advance(95)
    session.write_note(1, "Ben: who holds the case now?\nCiara: what did the family ask for?", "shared")
    session.write_note(1, PRIVATE, "private")
    session.set_mirror_notes(True)
    assert saver.save_now()
    store.write_alive(session.meta.id, clock.monotonic_ns(), clock.now().isoformat(timespec="seconds"))
    saver.close()
    return session


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
def test_picture_of_a_session_on_the_mirror(
    snap_compare, data_dir: Path, clock: FakeClock, library: Library, size: tuple[int, int]
) -> None:
    _room_scene(data_dir, clock, library)
    # A beat written once, by hand: never stale for this test, however slow the machine.
    follower = SessionFollower(data_dir, clock, stale_ns=10**18)

    async def run_before(pilot) -> None:
        text = await shows(pilot, "Clarifying questions", "Ben", "08:25")
        assert "Phase 2 of 7" in text
        assert "Next: Ciara, Dev" in text
        for name in GROUP:
            assert name in text
        assert "Questions to understand only" in text  # the rule
        if size == (200, 60):
            assert "who holds the case now?" in text  # the shared notes, shown on request
        assert "Zebrafinch" not in text

    assert snap_compare(mirror(data_dir, clock, follower), run_before=run_before, terminal_size=size)


def test_picture_of_the_mirror_waiting(snap_compare, data_dir: Path, clock: FakeClock) -> None:
    async def run_before(pilot) -> None:
        await shows(pilot, WAITING)

    assert snap_compare(mirror(data_dir, clock), run_before=run_before, terminal_size=(80, 24))
