"""The live screen at every window size, in the facilitator's view and the projector's.

A 160x45 picture once passed for weeks with the notes off the bottom of the screen, so
these tests measure instead of looking: every panel's region lies inside the screen and no
two overlap, the typed note is on screen, the roster holds every person with their number,
and the countdown is as tall as the room needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.widgets.big_text import BigText
from peercircle.tui.widgets.roster import Roster, RosterEntry, pack, roster_lines
from tests.scenes import make_app, start_live
from tests.screen_text import shown_text

TWELVE = (
    "Aisha",
    "Benedict O'Sullivan",
    "Ciara",
    "Dev",
    "Eilidh",
    "Jamie-Lee",
    "Fraser",
    "Gurpreet",
    "Hamish",
    "Isla",
    "Kasia",
    "Lachlan",
)
SIZES = [(60, 18), (80, 24), (100, 30), (120, 35), (149, 44), (150, 45), (160, 45), (200, 60), (250, 70)]
PANELS = ("#phase-bar", "#clock-panel", "#card-panel", "#speaker-panel", "#notes-panel")
NOTE = "Benedict described the home visit"


async def _crowded_live(pilot, fmt: str, projected: bool) -> LiveScreen:
    """Twelve people, a typed note, and a phase with prompts and a go-round (or turn clock)."""
    await start_live(pilot, fmt, ",".join(TWELVE))
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    if fmt == "action-learning-set":
        await pilot.press("escape", "f")  # on to the clarifying questions, a go-round
        await pilot.pause()
        await pilot.press("y")
    else:
        await pilot.press("escape", "n")  # the check-in: each speaker's own clock runs
    await pilot.pause()
    await pilot.press("i")
    screen.query_one("#notes").insert(NOTE)
    await pilot.pause()
    if projected:
        await pilot.press("f9")  # works while typing, as the notes are focused
    await pilot.pause()
    return screen


def _inside(region: Region, width: int, height: int) -> bool:
    # The last row is the footer's.
    return region.x >= 0 and region.y >= 0 and region.right <= width and region.bottom <= height - 1


@pytest.mark.parametrize("projected", [False, True], ids=["facilitator", "projector"])
@pytest.mark.parametrize("fmt", ["action-learning-set", "check-in-round"])
async def test_every_panel_lies_inside_the_screen_at_every_size(
    data_dir: Path, clock: FakeClock, tmp_path: Path, fmt: str, projected: bool
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=SIZES[0]) as pilot:
        screen = await _crowded_live(pilot, fmt, projected)
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert app.screen is screen, f"{width}x{height}: {app.screen}"
            where = f"{width}x{height} {'projector' if projected else 'facilitator'}"
            shown = {name: screen.query_one(name) for name in PANELS}
            shown = {name: panel for name, panel in shown.items() if panel.display}
            assert set(PANELS) - set(shown) <= {"#card-panel"}, where
            for name, panel in shown.items():
                assert panel.region.height > 0, f"{where}: {name} has no rows"
                assert _inside(panel.region, width, height), f"{where}: {name} at {panel.region}"
            regions = list(shown.items())
            for number, (name, panel) in enumerate(regions):
                for other, other_panel in regions[number + 1 :]:
                    overlap = panel.region.intersection(other_panel.region)
                    assert not overlap.area, f"{where}: {name} overlaps {other} at {overlap}"
            notes = screen.query_one("#notes")
            assert _inside(notes.region, width, height) and notes.content_size.height >= 2, where
            text = shown_text(app)
            assert NOTE in text, f"{where}: the typed note is not on screen"
            countdown = screen.query_one("#countdown", BigText)
            assert countdown.drawn_rows >= 3, f"{where}: countdown {countdown.drawn_rows} rows"
            roster = screen.query_one(Roster)
            if (width, height) >= (80, 24) and width >= 80:
                # Everyone, each with their number, and nobody cut or folded away.
                lines = roster.plain
                assert "more (g)" not in lines, f"{where}: {lines}"
                for number, person in enumerate(TWELVE, 1):
                    assert f"{number} {person}" in lines, f"{where}: {number} {person} missing from {lines!r}"
            # The phase's name and its place never run together.
            name, place = screen.query_one("#phase-name"), screen.query_one("#phase-place")
            assert name.region.right < place.region.x, where
            if (width, height) == (200, 60):
                if projected:
                    assert countdown.drawn_rows >= 15, countdown.drawn_rows
                else:
                    assert countdown.drawn_rows >= 9, countdown.drawn_rows
                    assert notes.content_size.height >= 8, notes.content_size
                # The speaker's name and who is next read across the room (more than a row).
                assert screen.query_one("#speaker", BigText).drawn_rows > 1
                assert screen.query_one("#next-up", BigText).drawn_rows > 1
                budget = screen.query_one("#clock-budget", BigText)
                assert budget.text.startswith("ends ") and budget.drawn_rows > 1, budget.text


async def test_the_turn_clock_is_labelled_and_says_overtime_in_a_word(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _crowded_live(pilot, "check-in-round", projected=False)
        label = screen.query_one("#turn-label")
        assert label.display and "TURN" in shown_text(app)
        assert "OVER" not in str(label.render())
        turn = screen.session.view().turn_remaining
        assert turn is not None
        clock.advance(turn + 7)
        screen.refresh_view()
        await pilot.pause()
        assert screen.query_one("#turn-countdown", BigText).text == "+00:07"
        assert "TURN OVER" in shown_text(app)


async def test_it_is_always_shown_where_a_key_will_go(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_live(pilot)
        assert "TYPING" in shown_text(app) and "CONTROLS" not in shown_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "CONTROLS (i: type notes)" in shown_text(app) and "TYPING" not in shown_text(app)
        await pilot.press("i")
        await pilot.pause()
        assert "TYPING (Esc: controls)" in shown_text(app)


def test_a_roster_never_orphans_a_number_or_cuts_a_name_without_an_ellipsis() -> None:
    entries = tuple(RosterEntry(n, name, n == 2, n == 4) for n, name in enumerate(TWELVE, 1))
    for width in range(6, 160):
        lines = pack(entries, width)
        assert [entry for line in lines for _, entry in line] == list(entries), width
        for line, text in zip(lines, roster_lines(entries, width), strict=True):
            assert len(text) <= width, (width, text)
            for label, entry in line:
                whole = entry.label.strip(" ▸◂")
                shown = label.strip(" ▸◂")
                # Whole, or cut with an ellipsis; the number always starts the cell it names.
                assert shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1])), (
                    width,
                    label,
                )
                assert shown.startswith(f"{entry.number}"), (width, label)


def test_a_roster_too_long_for_its_rows_says_how_many_more() -> None:
    entries = tuple(RosterEntry(n, name) for n, name in enumerate(TWELVE, 1))
    lines = roster_lines(entries, 58, 2)
    assert len(lines) == 2 and lines[-1].endswith("more (g)")
    shown = sum(f"{n} {p}" in "\n".join(lines) for n, p in enumerate(TWELVE, 1))
    assert f"+{len(TWELVE) - shown} more (g)" in lines[-1]


async def test_names_that_look_like_markup_are_shown_as_typed(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "[/x]Cy,[b]Bo,Ann")
        text = shown_text(app)
        assert "1 [/x]Cy" in text and "2 [b]Bo" in text and "3 Ann" in text


def test_a_cut_roster_never_draws_wider_than_its_line() -> None:
    # At 10 columns and 5 rows the "+8 more (g)" cell was 11 cells wide.
    entries = tuple(RosterEntry(n, name) for n, name in enumerate(TWELVE, 1))
    for width in range(6, 90):
        for height in range(1, 6):
            lines = roster_lines(entries, width, height)
            assert len(lines) <= height and all(len(line) <= width for line in lines), (width, height, lines)
