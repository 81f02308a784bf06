"""Defects found by using the rebuilt live screen as a facilitator would, with hostile input.

Each test names what a person saw: text cut without a word, a clock that moves, and so on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import clean_names
from peercircle.sessions.library.agreement import load_agreement
from peercircle.sessions.storage.layout import DataFolder
from peercircle.tui.screens.group import GroupChoice
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.themes import contrast
from peercircle.tui.widgets.big_text import BigText
from peercircle.tui.widgets.roster import Roster
from tests.scenes import make_app, start_live
from tests.screen_text import shown_text

LONG_NAMES = "Zoë 👩🏽‍⚕️,李小龍,José́ Ñúñez,Maximiliana Theodora Featherstonehaugh-C,[b]x,[/],Ben"


def rows_of(widget: Widget) -> list[str]:
    """The rows a widget draws, as plain text without trailing spaces."""
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))]


def whole_or_marked(widget: Widget, text: str) -> bool:
    """``text`` shows in full in the widget's rows, or what shows ends with an ellipsis."""
    rows = [row.strip() for row in rows_of(widget) if row.strip()]
    shown = " ".join(rows)
    return " ".join(text.split()) in shown or (bool(rows) and rows[-1].endswith("…"))


async def test_a_rule_too_long_for_its_rows_ends_in_an_ellipsis(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen at 80x24 in the Solution Circle's first phase: the rule stopped mid-sentence
    # ("... the group stays silent until the time is") with nothing to say there was more.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_live(pilot, "solution-circle", "Aisha,Ben,Ciara,Dev")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        rule = screen.query_one("#rule")
        phase = screen.session.view().phase
        assert whole_or_marked(rule, phase.rule), rows_of(rule)
        for width, height in [(60, 18), (70, 20), (99, 29), (100, 30)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert whole_or_marked(rule, phase.rule), (width, height, rows_of(rule))


async def test_who_is_next_too_long_for_a_short_window_ends_in_an_ellipsis(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen at 60x18 in a check-in round with a long name next: "Next: José́ Ñúñez,
    # Maximiliana Theodora Featherstonehaugh-C" and the round number silently gone.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(60, 18)) as pilot:
        await start_live(pilot, "check-in-round", LONG_NAMES)
        await pilot.press("escape", "n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        next_up = screen.query_one("#next-up")
        assert "round 1" in screen.state.next_up
        assert whole_or_marked(next_up, screen.state.next_up), rows_of(next_up)


async def test_a_turn_in_overtime_stays_drawn_large(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    # Seen at 60x18, 80x24 and 99x29: the turn clock, three rows tall while the turn ran,
    # fell to one small line ('+00:07') the moment the turn went over, when the room most
    # needs to see it. '+MM:SS' is 18 cells in Textual's digits and the box held 16.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_live(pilot, "check-in-round", "Ann,Ben,Cy")
        await pilot.press("escape", "n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        turn = screen.query_one("#turn-countdown", BigText)
        for width, height in [(60, 18), (80, 24), (99, 29)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert turn.drawn_rows >= 3, (width, height, turn.text)
        remaining = screen.session.view().turn_remaining
        assert remaining is not None
        clock.advance(remaining + 7)
        screen.refresh_view()
        for width, height in [(60, 18), (80, 24), (99, 29)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert turn.text == "+00:07" and turn.drawn_rows >= 3, (width, height, turn.drawn_rows)


def _colour(widget: Widget) -> str:
    colour = widget.rich_style.color
    assert colour is not None and colour.triplet is not None
    return colour.triplet.hex


async def test_a_paused_clock_reads_as_paused_by_its_colour_in_the_projector_theme(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen in peercircle-projector: a paused countdown is $text-muted, #d0d0d0 on black,
    # next to a running one in #ffffff (1.5:1 apart): on a beamer the two look the same.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = "peercircle-projector"
        await start_live(pilot, "solution-circle", "Ann,Ben,Cy")
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        countdown = screen.query_one("#countdown")
        running = _colour(countdown)
        await pilot.press("space")
        await pilot.pause()
        assert screen.session.view().paused
        paused = _colour(countdown)
        assert contrast(paused, running) >= 3, (paused, running)
        # The other states keep their own colours too.
        states = {"running": running, "paused": paused}
        await pilot.press("space")
        clock.advance(screen.session.view().remaining - 30)
        screen.refresh_view()
        await pilot.pause()
        states["1 min left"] = _colour(countdown)
        clock.advance(40)
        screen.refresh_view()
        await pilot.pause()
        states["overtime"] = _colour(countdown)
        assert len(set(states.values())) == len(states), states


async def test_the_view_tag_stays_on_screen_when_a_presenter_has_a_long_name(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen in an action learning set with three presenters: 'Phase 1 of 7 · Maximiliana
    # Theodora Featherstonehaugh-C presents (1 of 3)' took the whole phase line; the phase's
    # name shrank to '…' and FACILITATOR VIEW fell off the right edge at 60 and 80 columns,
    # the one sign of whether private notes may show.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.library.get("action-learning-set")
        assert form is not None and form.cycle_per_presenter
        people = clean_names("Maximiliana Theodora Featherstonehaugh-C,Ann,Ben")
        agreement = load_agreement(DataFolder(app.data_dir).agreement)
        app.start_session(form, GroupChoice(people, people, None), agreement, projected=False)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        for width, height in [(60, 18), (80, 24), (100, 30), (150, 44)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            where = f"{width}x{height}"
            tag, name = screen.query_one("#view-tag"), screen.query_one("#phase-name")
            place = screen.query_one("#phase-place")
            assert tag.region.right <= width - 1, (where, tag.region)
            assert "FACILITATOR VIEW" in rows_of(tag)[0], where
            assert name.region.width >= 8, (where, rows_of(name))
            assert whole_or_marked(place, screen.state.place), (where, rows_of(place))


CONTROL = "\x1b[2J"
"""A terminal's 'clear the screen', pasted into a name."""


def test_names_lose_terminal_control_characters_and_direction_overrides() -> None:
    # A pasted ESC reached the roster as it was ('1 Ann\x1b[2Jx') and went to the terminal
    # inside the drawn line; U+202E turned the rest of the roster's line around. The whole
    # escape sequence goes, not only its ESC ("Ann[2Jx" before names were cleaned as notes are).
    assert clean_names(f"Ann{CONTROL}x, Bob\u202eevil,\x07 ,Cy\u2066") == ("Annx", "Bobevil", "Cy")


async def test_no_control_character_of_a_name_reaches_the_live_screen(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", f"Ann{CONTROL},Bob\u202eevil,Cy")
        await pilot.press("escape", "g")
        await pilot.pause()
        late = app.screen.query_one("#late-name", Input)
        late.focus()
        late.value = f"Zed{CONTROL}\u202e"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert "Zed" in screen.session.view().members
        text = shown_text(app) + screen.query_one(Roster).plain
        assert "\x1b" not in text and "\u202e" not in text


async def test_a_markup_like_name_in_a_message_is_shown_as_typed(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # A speaker named '[/x]Cy' who passed stopped the app: the message "[/x]Cy passed; ..."
    # was read as markup (MarkupError), as was a late arrival's "joins from the next round".
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "[/x]Cy,[b]Bo,Ann")
        await pilot.press("escape", "p")
        await pilot.pause()
        assert app.is_running
        assert any(n.message.startswith("[/x]Cy passed") for n in app._notifications)
        await pilot.press("g")
        await pilot.pause()
        late = app.screen.query_one("#late-name", Input)
        late.focus()
        late.value = "[/]Zed"
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert "[/]Zed" in app.screen.session.view().members  # type: ignore[attr-defined]
        assert any(n.message.startswith("[/]Zed joins") for n in app._notifications)


async def test_a_panel_losing_its_parts_as_the_app_quits_draws_nothing_and_says_nothing(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Quitting the moment a resumed session appeared stopped the app with NoMatches: a panel
    # drew itself on mounting after its parts had gone with the closing screen (1 run in 10).
    from textual.css.query import NoMatches

    from peercircle.tui.widgets.live_panels import PhaseBar

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "Ann,Bob,Cy")
        bar = app.screen.query_one(PhaseBar)
        await bar.query_one("#phase-name").remove()
        with pytest.raises(NoMatches):  # while the app runs on, a missing part is a mistake
            bar._draw(app.screen.state)
        app._exit = True  # as app.exit() leaves it while the screens close
        bar._draw(app.screen.state)
        app._exit = False
