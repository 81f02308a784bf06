"""The live screen left alone with the countdown running draws again only what changed.

A projecting laptop shows the live screen for ninety minutes with nobody at the keyboard.
Each second Textual used to draw again parts whose words had not changed (panels bound to
the whole state, the countdown's whole box, its rows formatted afresh), and the idle CPU was
twice a bare Textual clock's. These tests walk a fake clock through an idle minute and
count what is asked to be drawn again, and check that drawing only the cells that changed
never leaves anything on screen that a whole repaint would not show.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widget import Widget

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.screens.live_state import LiveState
from peercircle.tui.widgets.big_text import BigText
from peercircle.tui.widgets.live_panels import LivePanel
from peercircle.tui.widgets.notes_area import NotesArea
from tests.scenes import make_app, start_live

SIZE = (100, 30)
"""The window the idle benchmark (bench/idle.py) measures."""


def name_of(widget: Widget) -> str:
    return widget.id or type(widget).__name__


async def leave_alone(pilot: Any, clock: FakeClock) -> LiveScreen:
    """The live screen as nobody touches it: the cursor lit and still (as BLINK_SECONDS
    after the last key), no notices up, and the clock off the whole second."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, LiveScreen)
    editor = screen.query_one("#notes", NotesArea)
    editor.clock = lambda: 10**9  # long after the last key
    editor._toggle_cursor_blink_visible()  # what the blink timer does: stays lit, pauses
    app.clear_notifications()
    clock.advance(0.4)
    screen.tick()
    await pilot.pause()
    return screen


async def next_second(pilot: Any, clock: FakeClock, screen: LiveScreen) -> None:
    """On to the screen's next wake, as its display timer would, and let it draw."""
    assert screen.next_tick_ns is not None
    clock.advance_ns(screen.next_tick_ns)
    screen.tick()
    await pilot.pause()


@pytest.mark.parametrize("projected", [True, False], ids=["projected", "facilitator"])
async def test_an_idle_minute_redraws_the_countdown_cells_that_change_and_nothing_else(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, projected: bool
) -> None:
    refreshed: Counter[str] = Counter()
    regions: list[tuple[Region, ...]] = []
    layouts: list[str] = []
    shown: Counter[str] = Counter()
    lines: Counter[str] = Counter()

    real_refresh = Widget.refresh

    def refresh(widget: Widget, *args: Any, **kwargs: Any) -> Any:
        refreshed[name_of(widget)] += 1
        if widget.id == "countdown":
            regions.append(args)
        if kwargs.get("layout"):
            layouts.append(name_of(widget))
        return real_refresh(widget, *args, **kwargs)

    real_show = {cls: cls.show for cls in LivePanel.__subclasses__()}

    def counted_show(cls: type[LivePanel]) -> Any:
        def show(panel: LivePanel, state: LiveState) -> None:
            shown[cls.__name__] += 1
            real_show[cls](panel, state)

        return show

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_live(pilot, projected=projected)
        screen = await leave_alone(pilot, clock)
        countdown = screen.query_one("#countdown", BigText)
        whole = countdown.content_size

        # Every render_line Textual calls: the lines it draws afresh, not from its cache.
        for cls in {cls for widget in screen.walk_children(with_self=True) for cls in type(widget).__mro__}:
            if "render_line" in vars(cls) and issubclass(cls, Widget):
                real_line = vars(cls)["render_line"]

                def render_line(widget: Widget, y: int, real_line: Any = real_line) -> Any:
                    lines[name_of(widget)] += 1
                    return real_line(widget, y)

                monkeypatch.setattr(cls, "render_line", render_line)
        monkeypatch.setattr(Widget, "refresh", refresh)
        for cls in real_show:
            monkeypatch.setattr(cls, "show", counted_show(cls))

        seen = []
        for _ in range(60):
            await next_second(pilot, clock, screen)
            seen.append(countdown.text)
        monkeypatch.undo()

    assert len(set(seen)) == 60  # each second shown
    # Only the countdown asked to be drawn again, once a second, never for a new layout.
    assert refreshed == Counter({"countdown": 60}), refreshed
    assert not layouts
    # The clock panel alone was given anything to draw; the other panels' words never changed.
    assert shown == Counter({"ClockPanel": 60}), shown
    # Only the countdown's lines were drawn afresh, and only the cells that changed: each
    # second names its part of the box, which is never the whole of it.
    assert set(lines) == {"countdown"}, lines
    assert all(len(asked) == 1 for asked in regions), regions
    area = sum(region.area for (region,) in regions)
    assert 0 < area < 60 * whole.area / 3, (area, whole)
    # A digit's changed rows are most of its height: the saving is in the columns, and in
    # the rows of the box above and below the digits.
    assert lines["countdown"] < 60 * whole.height * 0.85, lines


def on_screen(widget: Widget) -> list[list[tuple[str, Any]]]:
    """The widget's lines as the compositor takes them (its cached lines, but for those it
    was asked to draw again): each line's text and styles."""
    width, height = widget.outer_size
    return [
        [(segment.text, segment.style) for segment in strip]
        for strip in widget.render_lines(Region(0, 0, width, height))
    ]


def repainted(widget: Widget) -> list[list[tuple[str, Any]]]:
    """The same lines when the whole widget is drawn afresh."""
    widget.refresh()
    return on_screen(widget)


@pytest.mark.parametrize("remaining", [66, 14], ids=["into-the-last-minute", "into-overtime"])
async def test_drawing_only_the_changed_cells_shows_what_a_whole_repaint_shows(
    data_dir: Path, clock: FakeClock, tmp_path: Path, remaining: int
) -> None:
    # The countdown's colour changes with its state (the last minute, ten seconds, overtime,
    # paused): those seconds, and a pause and a resume, must leave no cell in the old colour.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_live(pilot)
        screen = await leave_alone(pilot, clock)
        clock.advance(screen.session.view().remaining - remaining)
        screen.tick()
        await pilot.pause()
        countdown = screen.query_one("#countdown", BigText)
        states = set()
        for second in range(25):
            if second in (8, 9):
                screen.action_toggle_pause()  # paused for one tick, then on again
                await pilot.pause()
            await next_second(pilot, clock, screen)
            states.add(screen.state.clock_state)
            assert on_screen(countdown) == repainted(countdown), countdown.text
            await pilot.pause()
        assert len(states) >= 3, states  # the colour changed on the way


class Reading:
    """A state that notes which of its fields are read."""

    def __init__(self, state: LiveState) -> None:
        self._state = state
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._state, name)


async def test_a_panel_is_drawn_again_whenever_a_field_it_shows_changes(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # A panel is given each new state but drawn only when its FIELDS differ: a field its
    # show() reads and FIELDS leaves out would stay on screen as it was.
    from dataclasses import fields

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_live(pilot, "check-in-round", "Ann,Bob,Cy")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        screen.action_next_speaker()  # a turn clock as well
        await pilot.pause()
        panels = list(screen.query(LivePanel))
        assert {type(panel) for panel in panels} == set(LivePanel.__subclasses__())
        for panel in panels:
            reading = Reading(screen.state)
            panel.show(reading)  # type: ignore[arg-type]
            assert reading.read <= set(panel.FIELDS), (type(panel).__name__, reading.read - set(panel.FIELDS))
    every = {field.name for field in fields(LiveState)}
    assert set().union(*(cls.FIELDS for cls in LivePanel.__subclasses__())) == every
