"""The app driven through Textual's Pilot, as a facilitator would drive it."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from textual.widgets import DataTable, Input, Static, TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.confirm import ConfirmScreen
from peercircle.tui.screens.home import HomeScreen
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.screens.summary import SummaryScreen
from peercircle.tui.widgets.big_text import BigText
from peercircle.tui.widgets.roster import Roster
from tests.scenes import make_app, pick_format, start_live
from tests.waiting import wait_for, wait_for_command

# Every simulated key costs a redraw and Pilot's idle-waiting (tens of ms on a quiet machine,
# seconds on a busy one), so names and long notes are put into their boxes directly where
# typing is not what is under test; typing itself is tested with short words.
NAMES = "Aisha,Ben,Ciara,Dev,Eilidh,Fraser"


def fill(app: PeerCircleApp, selector: str, text: str) -> None:
    """Put ``text`` in an Input as if typed: the value, and the cursor after it."""
    box = app.screen.query_one(selector, Input)
    box.value = text
    box.cursor_position = len(text)


async def write_notes(pilot, text: str) -> None:
    """Type ``text`` into the focused notes editor in one edit (the app sees one change)."""
    notes = pilot.app.screen.query_one("#notes", TextArea)
    assert notes.has_focus
    notes.insert(text)
    await pilot.pause()


async def start_session_through_set_up(
    pilot, fmt: str = "action-learning-set", names: str = NAMES, presenter_downs: int | None = 0
) -> None:
    """Home -> format -> names -> presenter (None: the format has no presenter) -> agreement."""
    await pilot.press("n")
    await pilot.pause()
    await pick_format(pilot, fmt)
    await pilot.press("enter")
    await pilot.pause()
    fill(pilot.app, "#names", names)  # typing names is tested in test_bad_group_input...
    await pilot.press("enter")
    if presenter_downs is not None:
        for _ in range(presenter_downs):
            await pilot.press("down")
        await pilot.press("enter")
    await pilot.pause()
    assert pilot.app.screen.__class__.__name__ == "AgreementScreen"
    await pilot.press("enter")
    await pilot.pause()


async def start_session(
    pilot, fmt: str = "action-learning-set", names: str = NAMES, presenter_downs: int | None = 0
) -> None:
    """The live screen of a new session, without the set-up screens (they are not what these
    tests are about: the whole-session test and test_set_up_flow.py go through them)."""
    await start_live(pilot, fmt, names, presenter=presenter_downs or 0)
    if presenter_downs is None:
        assert not pilot.app.screen.session.meta.presenters


def recording(
    data_dir: Path, clock: FakeClock, format_id: str, people: tuple[str, ...], presenter: str | None
):
    """A session started and being saved, as a previous run of the app left it."""
    from peercircle.sessions.engine.session import Session
    from peercircle.sessions.library.format_file import load_library
    from peercircle.sessions.storage.autosave import Autosaver
    from peercircle.sessions.storage.store import SessionStore

    store = SessionStore(data_dir, writer=True)
    store.prepare()
    session = Session.new(load_library().get(format_id), people, presenter, clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    return store, session, saver


def text_of(app: PeerCircleApp, selector: str) -> str:
    """The words a widget shows: a Static's text, a BigText's or a roster's plain lines."""
    widget = app.screen.query_one(selector)
    if isinstance(widget, BigText):
        return widget.text
    if isinstance(widget, Roster):
        return widget.plain
    assert isinstance(widget, Static)
    return str(widget.content)


async def test_a_whole_session_from_format_to_markdown(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session_through_set_up(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        fmt = screen.session.meta.format
        assert text_of(app, "#phase-name") == "Present the issue"
        assert text_of(app, "#speaker") == "Aisha"
        assert text_of(app, "#countdown") == "05:00"
        for index, phase in enumerate(fmt.phases):
            assert text_of(app, "#phase-name") == phase.name
            await pilot.press(*f"n{index}")
            clock.advance(phase.minutes * 60 + 20)  # each phase runs 20 s over
            await pilot.press("ctrl+f")  # works while typing
            await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # the last phase asks before ending
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("x")
        await pilot.pause()
        (exported,) = (tmp_path / "exports").glob("*.md")
        markdown = exported.read_text()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == markdown
    tokens = MarkdownIt("gfm-like").parse(markdown)
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    phases = [f"{i}. {p.name}" for i, p in enumerate(fmt.phases, 1)]
    assert h2 == ["Participants", "Timing", *phases, "Actions", "Airtime", "Proctor's functions"]
    for index in range(len(fmt.phases)):
        assert f"\n\nn{index}" in markdown
    assert "| 1 | Present the issue | 05:00 | | 05:20 | +00:20 |" in markdown  # no changes made


async def test_controls_with_single_keys_and_while_typing(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        session = app.screen.session
        assert isinstance(app.screen.focused, TextArea)
        await pilot.press("ctrl+t")
        assert session.view().paused
        await pilot.press("ctrl+t", "ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # presenting is protected time
        await pilot.press("y")
        await pilot.pause()
        assert not session.view().paused and text_of(app, "#speaker") == "Ben"
        await pilot.press("ctrl+n")
        assert text_of(app, "#speaker") == "Ciara"
        await pilot.press("ctrl+o")
        assert text_of(app, "#speaker") == "Dev"
        assert any(s.person == "Ciara" and s.passed for s in session.timeline.segments)
        # Typed letters go into the notes, not to the controls.
        await pilot.press("n", "p", "space", "f")
        assert app.screen.query_one("#notes", TextArea).text == "np f"
        assert text_of(app, "#speaker") == "Dev"
        # Escape leaves the editor; now single keys work.
        await pilot.press("escape")
        assert app.screen.focused is None
        await pilot.press("space")
        assert session.view().paused
        await pilot.press("space", "n")
        assert text_of(app, "#speaker") == "Eilidh"
        await pilot.press("p")
        assert text_of(app, "#speaker") == "Fraser"
        await pilot.press("f")
        assert session.view().phase_index == 2
        await pilot.press("i")
        assert isinstance(app.screen.focused, TextArea)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen) and not session.ended
        await pilot.press("escape", "e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert session.ended and isinstance(app.screen, SummaryScreen)


async def test_overtime_shows_words_and_rings_once(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    bells = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        screen = app.screen
        clock.advance(250)
        screen.refresh_view()
        assert text_of(app, "#clock-state") == "1 MIN LEFT"
        assert screen.has_class("-warning")
        clock.advance(83)
        screen.refresh_view()
        await pilot.pause()
        assert text_of(app, "#countdown") == "+00:33"
        assert text_of(app, "#clock-state") == "OVERTIME"
        assert screen.has_class("-overtime")
        clock.advance(10)
        screen.refresh_view()
        assert bells == [1]


async def test_notes_are_on_disk_and_history_opens_read_only(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(
            pilot, fmt="check-in-round", names="Ann,Bob,Cat", presenter_downs=None
        )  # Check-in
        await pilot.press(*"tired")
        session_id = app.screen.session.meta.id
        await pilot.press("ctrl+q")  # quit mid-session: saved first
    stored = app.store.load(session_id)
    assert stored.note_for(0).text == "tired"
    assert not stored.ended

    again = make_app(data_dir, clock, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        # The offer comes once the folder is open, on its own thread: one pause was not
        # always enough on a loaded machine (the home screen was still showing).
        await wait_for(pilot, lambda: isinstance(again.screen, ConfirmScreen), what="the offer to resume")
        await pilot.press("n")  # not now
        await wait_for(pilot, lambda: isinstance(again.screen, HomeScreen), what="home")
        table = again.screen.query_one("#history", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, what="the session listed")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(again.screen, ConfirmScreen), what="resume, or look")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(again.screen, SummaryScreen), what="the summary")
        assert again.screen.read_only
        assert "tired" in again.screen.markdown
        await pilot.press("escape")
        assert isinstance(again.screen, HomeScreen)


async def test_bad_group_input_is_explained_and_nothing_starts(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "enter")
        await pilot.pause()
        await pilot.press(*"Ann, ann", "enter")
        await pilot.pause()
        assert "appears twice" in text_of(app, "#group-error")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not (data_dir / "sessions").exists() or not list((data_dir / "sessions").iterdir())


async def into_questions(pilot) -> None:
    """ALS with six people, moved on to the members' clarifying questions."""
    await start_session(pilot)
    await pilot.press("escape", "f")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


async def test_previous_speaker_and_undo(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await into_questions(pilot)
        session = app.screen.session
        await pilot.press("n", "n")
        assert text_of(app, "#speaker") == "Dev"
        await pilot.press("b")
        assert text_of(app, "#speaker") == "Ciara"
        await pilot.press("i", "ctrl+b")  # and while typing
        assert text_of(app, "#speaker") == "Ben"
        await pilot.press("ctrl+r")  # undo the last 'back'
        assert text_of(app, "#speaker") == "Ciara"
        await pilot.press("escape", "u", "u", "u")  # back through 'back', 'next', 'next'
        assert text_of(app, "#speaker") == "Ben"
        assert session.view().step_index == 1


async def test_extend_and_trim_phase_and_turn(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(
            pilot, fmt="check-in-round", names="Ann,Bob,Cat", presenter_downs=None
        )  # Check-in
        session = app.screen.session
        assert session.view().planned == 180
        await pilot.press("ctrl+up", "ctrl+up", "ctrl+down")
        assert session.view().planned == 240
        await pilot.press("escape", "plus", "minus", "minus")
        assert session.view().planned == 180
        assert text_of(app, "#turn-countdown") == "01:00"
        await pilot.press("right_square_bracket")
        assert session.view().turn_planned == 120
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert session.view().turn_planned == 0
        await pilot.press("i", "ctrl+shift+up")
        assert session.view().turn_planned == 60


async def test_numbers_give_the_floor(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await into_questions(pilot)
        await pilot.press("4")
        assert text_of(app, "#speaker") == "Dev"
        assert "▸4 Dev◂" in text_of(app, "#roster")
        await pilot.press("1")  # the presenter does not take a question turn
        assert text_of(app, "#speaker") == "Dev"


async def test_people_screen_late_arrival_leaving_and_floor(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.tui.screens.people import PeopleScreen

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await into_questions(pilot)
        session = app.screen.session
        await pilot.press("i", "ctrl+g")  # works while typing
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("a", *"Gus", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert "Gus" in session.view().members
        await pilot.press("escape", "g")
        await pilot.pause()
        await pilot.press("down", "l")  # Ben leaves (row 1 is Aisha, the presenter)
        await pilot.pause()
        assert "Ben" in session.view().left
        await pilot.press("down", "enter")  # Dev (the list now skips Ben) speaks now
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert text_of(app, "#speaker") == "Dev"
        await pilot.press("g", "q")
        await pilot.pause()
        assert session.view().quietest_first
        await pilot.press("escape")


async def test_toggles_quietest_auto_advance_and_mute(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    bells = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        session = app.screen.session
        await pilot.press("escape", "q")
        assert session.view().quietest_first
        await pilot.press("m")
        assert app.bell_muted and "bell off" in text_of(app, "#clock-planned")
        await pilot.press("A")
        assert session.view().auto_advance
        clock.advance(301)
        app.screen.tick()
        await pilot.pause()
        assert session.view().step_index == 1  # moved on at zero
        assert bells == []  # muted, but the screen flashed
        clock.advance(600)  # phase 2 is over too, but the facilitator is typing
        await pilot.press("i", *"typing")
        app.screen.tick()
        assert session.view().step_index == 1  # typing just now: no auto-advance
        clock.advance(6)
        app.screen.tick()
        assert session.view().step_index == 2


async def test_protected_time_can_be_held(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # hold the time
        await pilot.pause()
        assert app.screen.session.view().step_index == 0


async def test_every_live_control_is_in_the_command_palette(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.tui.keymap import LIVE_CONTROLS

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {control.title for control in LIVE_CONTROLS} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Pause or resume")
        await wait_for_command(pilot, "Pause or resume")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.view().paused


async def test_troika_cycles_presenters_chosen_in_order(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pick_format(pilot, "troika-consulting")
        await pilot.press("enter")
        await pilot.pause()
        fill(app, "#names", "Ann,Bob,Cat")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "space", "up", "space", "down", "down", "space", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the group agreement
        await pilot.pause()
        session = app.screen.session
        assert session.meta.presenters == ("Bob", "Ann", "Cat")
        assert text_of(app, "#phase-place") == "Phase 1 of 4 · Bob presents (1 of 3)"


async def test_a_shuffle_seed_sets_and_shows_the_order(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pick_format(pilot, "balint-group")  # one presenter
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(
            *"Ann,Bob,Cat,Dee,Eve,Fay", "tab", "tab", *"4821", "enter"
        )  # Enter in the seed box starts
        await pilot.pause()
        await pilot.press("enter")  # the group agreement
        await pilot.pause()
        session = app.screen.session
        assert session.meta.seed == 4821
        assert session.meta.rotation != session.meta.people
        assert "seed 4821" in text_of(app, "#clock-planned")
        roster = app.screen.query_one(Roster)
        assert [entry.name for entry in roster.entries] == list(session.meta.rotation)
        assert [entry.number for entry in roster.entries] == list(range(1, len(session.meta.rotation) + 1))


async def test_crash_resume_brings_the_live_screen_back_paused(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    store, session, saver = recording(
        data_dir, clock, "action-learning-set", ("Aisha", "Ben", "Ciara", "Dev"), "Aisha"
    )
    clock.advance(300)
    session.next_phase()
    session.next_speaker()
    session.write_note(1, "Ciara asked about the referral date")
    clock.advance(130)
    saver.close()  # the process is killed here; its last heartbeat:
    store.write_alive(session.meta.id, clock.monotonic_ns(), clock.now().isoformat())
    clock.advance(240)  # the facilitator reopens peercircle four minutes later

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the offer to resume")
        assert "Action Learning Set" in str(app.screen.question)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert text_of(app, "#phase-name") == "Clarifying questions"
        assert text_of(app, "#speaker") == "Ciara"
        assert text_of(app, "#clock-state") == "PAUSED"
        assert text_of(app, "#countdown") == "07:50"
        assert app.screen.query_one("#notes", TextArea).text == "Ciara asked about the referral date"
        await pilot.press("ctrl+t")  # the facilitator is settled: go
        clock.advance(10)
        app.screen.refresh_view()
        assert text_of(app, "#countdown") == "07:40"


async def test_a_resumed_session_comes_back_in_projector_view(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """Nobody is asked who sees the screen after a crash (the room may well be watching the
    restart), so the session comes back in the view that keeps private notes off it."""
    store, session, saver = recording(data_dir, clock, "check-in-round", ("Ann", "Bob"), None)
    session.write_note(0, "worried about Bob", "private")
    saver.close()

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the offer to resume")
        await pilot.press("y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert app.projector and "PROJECTED" in text_of(app, "#view-tag")
        for _ in range(3):
            await pilot.press("f2")
            assert screen.note_kind != "private"
        assert "worried" not in screen.query_one("#notes", TextArea).text
        await pilot.press("f9")  # the facilitator, alone with the screen, can still get to them
        for _ in range(3):  # round the kinds until private comes up
            if screen.note_kind == "private":
                break
            await pilot.press("f2")
        assert screen.note_kind == "private"
        assert screen.query_one("#notes", TextArea).text == "worried about Bob"


async def test_a_second_app_on_the_folder_is_read_only(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.sessions.storage.lock import FolderLock

    data_dir.mkdir(parents=True)
    holder = FolderLock(data_dir)
    assert holder.acquire() is None
    try:
        app = make_app(data_dir, clock, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.read_only
            assert "in use by another peercircle" in text_of(app, "#problems")
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)  # no new session here
    finally:
        holder.release()


async def test_delete_from_history_asks_then_removes_the_file(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="check-in-round", names="Ann,Bob", presenter_downs=None)
        session_id = app.screen.session.meta.id
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("escape", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.store.path_for(session_id).exists()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.store.path_for(session_id).exists()
        assert app.screen.query_one("#history", DataTable).row_count == 0


async def test_terminal_close_saves_what_was_typed(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="check-in-round", names="Ann,Bob", presenter_downs=None)
        await pilot.press(*"last")
        session_id = app.screen.session.meta.id
        app.save_and_exit()  # what SIGHUP and SIGTERM call
        await pilot.pause()
    assert app.store.load(session_id).note_for(0).text == "last"


async def test_resume_reads_the_old_heartbeat_before_writing_a_new_one(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    """Found by hand in the crash drill: the new process's first heartbeat overwrote the
    dead one's before it was read, so the time since the kill counted as running time."""
    store, session, saver = recording(data_dir, clock, "check-in-round", ("Ann", "Bob"), None)
    saver.close()
    store.write_alive(session.meta.id, clock.monotonic_ns(), clock.now().isoformat())
    clock.advance(300)

    app = make_app(data_dir, clock, tmp_path)
    calls: list[str] = []
    real_read, real_write = app.store.read_alive, app.store.write_alive
    monkeypatch.setattr(app.store, "read_alive", lambda sid: (calls.append("read"), real_read(sid))[1])
    monkeypatch.setattr(app.store, "write_alive", lambda *a: (calls.append("write"), real_write(*a))[1])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")  # not now: resume from the history instead, so the call is ours
        await pilot.pause()
        assert app.resume_session(session.meta.id)
        await pilot.pause()
        assert calls[0] == "read"
        assert app.screen.session.view().remaining == pytest.approx(120)


async def test_returning_to_a_phase_keeps_typing_at_the_end_of_its_notes(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """Found by hand after a resume: the cursor sat at the start of the loaded notes."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="solution-circle", names="Ann,Bob,Cat,Dee,Eve")  # Solution Circle
        await pilot.press(*"one")
        clock.advance(301)
        await pilot.press("ctrl+f")  # time is up, so no protection question
        await pilot.press("ctrl+r")  # undo: back to the problem
        await pilot.press(*" two")
        assert app.screen.query_one("#notes", TextArea).text == "one two"


async def test_help_lists_every_key_and_works_while_typing(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.tui.keymap import GROUPS
    from peercircle.tui.screens.help import HelpScreen

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await start_session(pilot)
        await pilot.press("f1")  # the notes have focus: F1 still opens help
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("Markdown").source
        for group, controls in GROUPS.items():
            assert f"## {group}" in text
            assert all(control.title in text for control in controls)
        await pilot.press("escape")
        assert isinstance(app.screen, LiveScreen)


async def test_too_small_says_so_and_recovers(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    from peercircle.tui.screens.too_small import TooSmallScreen

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "50×15" in str(app.screen.query_one("#too-small", Static).content)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)


async def test_auto_advance_waits_while_the_protection_question_is_open(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """Found in review: the timer moved on under the dialog, then 'Move on' skipped a phase."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        session = app.screen.session
        live = app.screen
        await pilot.press("escape", "A")
        clock.advance(280)  # 20 s of protected presenting time left
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        clock.advance(30)
        live.tick()  # time is up while the question is open
        assert session.view().step_index == 0
        await pilot.press("y")
        await pilot.pause()
        assert session.view().step_index == 1


async def test_quitting_with_notes_not_yet_on_disk_asks_first(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    import errno

    import peercircle.sessions.storage.autosave as autosave

    monkeypatch.setattr(autosave, "RETRY_DELAY", 0.05)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="check-in-round", names="Ann,Bob", presenter_downs=None)
        real = app.store.write_batch
        full = {"on": True}

        def write_batch(*args, **kwargs):
            if full["on"]:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(*args, **kwargs)

        monkeypatch.setattr(app.store, "write_batch", write_batch)
        await pilot.press(*"keep me")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # not quitting silently
        assert "not saved" in str(app.screen.question)
        await pilot.press("n")  # stay
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        full["on"] = False  # space is freed
        await pilot.press("ctrl+q")
        await pilot.pause()
    from peercircle.sessions.storage.store import SessionStore

    reader = SessionStore(data_dir, writer=False)
    (entry,) = reader.list_sessions()
    assert reader.load(entry.id).note_for(0).text == "keep me"


async def test_note_kinds_and_projector_mode_keep_private_notes_off_the_wall(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot)
        session = app.screen.session
        notes = app.screen.query_one("#notes", TextArea)
        await write_notes(pilot, "shared words")
        await pilot.press("f2")
        assert text_of(app, "#notes-label").startswith("Actions")
        await write_notes(pilot, "call the GP")
        app.screen.refresh_view()
        assert "Action 1 has no who and no by when" in text_of(app, "#notes-hint")
        await pilot.press("f2")
        assert text_of(app, "#notes-label").startswith("Private notes")
        await write_notes(pilot, "worried about Ben")
        assert session.note_for(0, "private").text == "worried about Ben"
        await pilot.press("f9")  # projector on: the private note leaves the screen
        assert app.projector and "PROJECTED" in text_of(app, "#view-tag")
        assert notes.text == "shared words"
        assert "worried" not in notes.text and app.screen.note_kind == "shared"
        await pilot.press("f2", "f2")  # cycling skips private while projecting
        assert app.screen.note_kind == "shared"
        await pilot.press("escape", "g")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)  # no people list on the projector
        await pilot.press("v")
        assert not app.projector
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "worried about Ben" not in app.screen.markdown
        assert "- [ ] call the GP" in app.screen.markdown


async def test_the_remaining_keys(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    """k, enter, ctrl+s and ctrl+shift+down on the live screen; h on the summary; q on home."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="check-in-round", names="Ann,Bob", presenter_downs=None)  # Check-in
        screen = app.screen
        await pilot.press("ctrl+s")  # nothing to save by hand: it says so
        assert any("saved as you type" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+shift+down")
        assert screen.session.view().turn_planned == 0
        await pilot.press("escape", "k")
        assert screen.note_kind == "action"
        await pilot.press("enter")
        assert isinstance(screen.focused, TextArea)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
