"""The live screen's clock wakes when what it shows changes, and only then.

A projecting laptop runs the live screen for ninety minutes. It used to redraw four times a
second whatever the clock said; now it wakes at the next moment its picture changes by
itself (a countdown's next second, the expected end's next minute), reckoned on the
session's clock. These tests walk a fake clock from wake to wake and check that nothing
shown changes between two wakes, that each second of the countdown is shown at its
boundary, and how many wakes a minute takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from textual.widget import Widget

from peercircle.sessions.engine.clock import NS_PER_SECOND, FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.engine.timefmt import countdown_text
from peercircle.sessions.library.format_file import Library
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.screens.live_state import (
    LONGEST_WAIT_NS,
    LiveState,
    live_state,
    next_change_ns,
    until_next_second,
)
from peercircle.tui.widgets.big_text import BigText
from tests.scenes import make_app, start_live


@dataclass
class SteadyClock(FakeClock):
    """A fake clock whose wall time is always its start plus the monotonic time run, to
    the microsecond (FakeClock drops the part of each step under a microsecond, so a walk
    in nanosecond steps would leave its wall clock behind)."""

    start_ns: int = field(init=False)

    def __post_init__(self) -> None:
        # Started off the whole minute (as a real session is), so the expected end does not
        # sit on a minute's edge, where a microsecond's rounding would flip it to and fro.
        self.wall += timedelta(seconds=7, microseconds=123_457)
        self.start_ns, self.start_wall = self.mono_ns, self.wall

    def now(self) -> datetime:
        return self.start_wall + timedelta(microseconds=(self.mono_ns - self.start_ns) // 1_000)


def shown(session: Session) -> LiveState:
    """Everything the panels draw, at the clock's present reading."""
    return live_state(
        session.view(),
        projector=False,
        bell_muted=False,
        typing=False,
        note_kind="shared",
        notes_hint="",
        save_status="saved",
        card=None,
    )


def seconds_of(countdown: str) -> int:
    """'04:59' -> 299 (the tests only meet countdowns under an hour)."""
    minutes, seconds = countdown.lstrip("+").split(":")
    return int(minutes) * 60 + int(seconds)


def steady_session(
    library: Library, fmt_id: str = "action-learning-set", presenter: str | None = "Aisha"
) -> tuple[Session, SteadyClock]:
    clock = SteadyClock()
    fmt = library.get(fmt_id)
    assert fmt is not None
    session = Session.new(fmt, ("Aisha", "Ben", "Ciara", "Dev"), presenter, clock=clock)
    session.start()
    return session, clock


def walk(session: Session, clock: FakeClock, seconds: float) -> list[LiveState]:
    """Move the clock from wake to wake for ``seconds``; at each wake, what is shown. In
    between, the picture is checked at three more instants, the last a microsecond before
    the wake: it must not have changed, or the screen would show it late. (The countdown's
    rounding has a nanosecond's slack at each boundary, and the screen wakes 2 ms after
    one anyway, so a microsecond is a fair 'before'.)"""
    end = clock.mono_ns + round(seconds * NS_PER_SECOND)
    wakes = []
    while True:
        before = shown(session)
        wait = next_change_ns(session.view(), last_typed_ns=None, now_ns=clock.mono_ns)
        assert 0 < wait <= LONGEST_WAIT_NS
        if clock.mono_ns + wait > end:
            return wakes
        before_wake = max(0, wait - 1_000)
        for step in (before_wake // 3, before_wake // 3, before_wake - 2 * (before_wake // 3)):
            clock.advance_ns(step)
            assert shown(session) == before, f"the picture changed {end - clock.mono_ns} ns before the end"
        clock.advance_ns(wait - before_wake)
        wakes.append(shown(session))


def test_a_running_countdown_wakes_once_a_second_at_each_boundary(library: Library) -> None:
    session, clock = steady_session(library)
    clock.advance(0.3)  # off the whole second, as a real start is
    first = seconds_of(countdown_text(session.view().remaining))
    wakes = walk(session, clock, 60)
    # One wake per second of the countdown (four a second before), each showing the next.
    assert len(wakes) == 60
    assert [seconds_of(w.countdown) for w in wakes] == [first - n for n in range(1, 61)]


def test_a_turn_clock_off_the_phases_beat_gets_its_own_wakes(library: Library) -> None:
    session, clock = steady_session(library, "check-in-round", None)
    clock.advance(10.6)
    session.next_speaker()  # Ben's minute starts 0.6 s into a second of the phase's clock
    wakes = walk(session, clock, 30)
    # Both clocks show each of their seconds when it comes: two wakes a second, not four.
    assert len(wakes) <= 60
    turns = sorted({seconds_of(w.turn) for w in wakes if w.turn is not None}, reverse=True)
    assert len(turns) >= 30 and turns == list(range(turns[0], turns[-1] - 1, -1))
    phase = sorted({seconds_of(w.countdown) for w in wakes}, reverse=True)
    assert len(phase) >= 30 and phase == list(range(phase[0], phase[-1] - 1, -1))


def test_overtime_counts_up_each_second_and_the_end_moves_on(library: Library) -> None:
    session, clock = steady_session(library)
    clock.advance(session.view().remaining - 2.5)
    wakes = walk(session, clock, 75)
    countdowns = [w.countdown for w in wakes]
    # 00:00 at zero itself, then overtime counting up (the engine's countdown_text).
    assert countdowns[:6] == ["00:02", "00:01", "00:00", "+00:00", "+00:01", "+00:02"]
    assert len(set(countdowns)) == 76  # every second of the 75, each shown when it comes
    assert len({w.budget for w in wakes}) >= 2  # "ends 11:40" moves on with the wall clock
    # A few more wakes where the end's minute (or the drift's) turns over, never a poll.
    assert len(wakes) <= 76 + 10


def test_a_paused_session_wakes_once_a_second_and_shows_the_end_moving(library: Library) -> None:
    session, clock = steady_session(library)
    clock.advance(12.25)
    session.toggle_pause()
    wakes = walk(session, clock, 150)
    # The countdown stands still; the expected end moves on with the wall clock, and is
    # never shown late (walk checks that between wakes).
    assert len({w.countdown for w in wakes}) == 1
    assert len({w.budget for w in wakes}) >= 2
    # Once a second (for the save status, which is not on the clock), and a few times more
    # where the end's minute turns over.
    assert len(wakes) <= 150 + 20


def test_the_next_second_of_a_countdown() -> None:
    ns = NS_PER_SECOND
    assert until_next_second(5 * ns + 300_000_000) == 300_000_000  # 00:06 until 5 s left
    assert until_next_second(5 * ns) == ns  # 00:05 shown for the whole second
    assert until_next_second(1) == 1
    assert until_next_second(0) == 1  # 00:00 at zero; overtime just after
    assert until_next_second(-300_000_000) == 700_000_000


async def test_the_screen_schedules_its_next_refresh_not_a_repeating_poll(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # The app's own settings, as a session runs them (not the tests' hour-long interval).
    app = PeerCircleApp(data_dir=data_dir, clock=clock, export_dir=tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        # Textual wraps a timer's callback as partial(call_next, callback).
        ticking = [
            timer
            for timer in screen._timers
            if isinstance(timer._callback, partial) and timer._callback.args[:1] == (screen.tick,)
        ]
        assert ticking, "the live screen has no display timer"
        assert all(timer._repeat is not None for timer in ticking), "a repeating poll"
        assert screen.next_tick_ns == until_next_second(screen.session.view().remaining_ns)


async def test_each_tick_shows_the_next_second_on_the_big_countdown(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        countdown = screen.query_one("#countdown", BigText)
        clock.advance(0.4)
        screen.tick()
        seen = [countdown.text]
        for _ in range(20):
            assert screen.next_tick_ns is not None
            clock.advance_ns(screen.next_tick_ns)
            screen.tick()
            seen.append(countdown.text)
        await pilot.pause()
        minutes, seconds = map(int, seen[0].split(":"))
        start = minutes * 60 + seconds
        assert seen == [countdown_text(start - n) for n in range(21)]


async def test_a_tick_redraws_the_countdown_and_nothing_else(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch
) -> None:
    # The prompt card set its border title on every refresh, and Textual redraws a box on
    # each assignment: the card was drawn again every second for nothing.
    drawn: list[str] = []
    render_content = Widget._render_content
    render_line = BigText.render_line

    def counted(widget: Widget) -> object:
        drawn.append(widget.id or type(widget).__name__)
        return render_content(widget)

    def counted_line(widget: BigText, y: int) -> object:
        # The countdown draws its rows itself (Textual's line API), not through the content
        # Textual renders for a widget: a line of it drawn afresh counts as drawing it.
        drawn.append(widget.id or type(widget).__name__)
        return render_line(widget, y)

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, projected=True)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert screen.query_one("#card-panel").display  # the phase's prompts are up
        await pilot.pause()
        monkeypatch.setattr(Widget, "_render_content", counted)
        monkeypatch.setattr(BigText, "render_line", counted_line)
        each_second = []
        for _ in range(5):
            clock.advance(1)
            screen.tick()
            await pilot.pause()
            each_second.append(set(drawn))
            drawn.clear()
        monkeypatch.undo()
    assert each_second == [{"countdown"}] * 5
