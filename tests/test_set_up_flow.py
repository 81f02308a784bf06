"""The app owns setting up a session: each step answers, Back returns to the step as left.

The last step also asks who can see the screen, and the answer decides whether private
notes can be opened at all in the session it starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.agreement import AgreementScreen
from peercircle.tui.screens.choose_format import ChooseFormatScreen
from peercircle.tui.screens.group import GroupScreen, PresenterPicker, ordinal
from peercircle.tui.screens.home import HomeScreen
from peercircle.tui.screens.live import LiveScreen
from tests.scenes import make_app, pick_format
from tests.screen_text import shown_text

ROOM = "☑ The room: it is projected or shared. Private notes stay hidden."
ONLY_ME = "☑ Only me: facilitator view. Private notes can be typed and shown."


def picker_rows(app: PeerCircleApp) -> list[str]:
    """The presenter picker's rows as drawn: text only, so colour cannot tell them apart."""
    picker = app.screen.query_one("#presenters", PresenterPicker)
    return [picker.render_line(y).text.rstrip() for y in range(picker.option_count)]


async def to_the_group(pilot, fmt: str) -> None:
    await pilot.press("n")
    await pilot.pause()
    await pick_format(pilot, fmt)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, GroupScreen)


async def to_the_agreement(pilot) -> AgreementScreen:
    """A check-in round (no presenter) for Ann, Ben and Cat, up to the agreement."""
    await to_the_group(pilot, "check-in-round")
    await pilot.press(*"Ann,Ben,Cat", "enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, AgreementScreen)
    return screen


async def note_kinds_reachable(pilot, key: str) -> set[str]:
    """Every note kind ``key`` reaches on the live screen, going round the cycle twice."""
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    seen = {screen.note_kind}
    for _ in range(6):
        await pilot.press(key)
        seen.add(screen.note_kind)
    return seen


async def test_back_from_every_step_and_forward_again(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pick_format(pilot, "action-learning-set")
        choose = app.screen
        assert isinstance(choose, ChooseFormatScreen)
        await pilot.press("enter")
        await pilot.pause()
        group = app.screen
        assert isinstance(group, GroupScreen)
        await pilot.press(*"Ann,Ben,Cat", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen)
        focused = group.focused

        await pilot.press("escape")  # Back: the group screen as it was left
        await pilot.pause()
        assert app.screen is group
        assert group.query_one("#names", Input).value == "Ann,Ben,Cat"
        assert group.focused is focused

        await pilot.press("escape")  # Back: the same format highlighted
        await pilot.pause()
        assert app.screen is choose
        options = choose.query_one("#formats", OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "action-learning-set"
        await pilot.pause()
        assert not group.is_attached  # a step left backwards is dropped

        await pilot.press("enter")  # forward again: a fresh group screen
        await pilot.pause()
        assert isinstance(app.screen, GroupScreen) and app.screen is not group
        assert app.screen.query_one("#names", Input).value == ""
        await pilot.press(*"Ann,Ben,Cat", "enter", "enter")
        await pilot.pause()
        await pilot.press("enter")  # agree and start
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, LiveScreen]
        assert app.screen.session.meta.people == ("Ann", "Ben", "Cat")
        await pilot.pause()
        assert not choose.is_attached
        assert not any(name.startswith("set-up-") for name in app._installed_screens)


async def test_back_from_the_first_step_goes_home(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        choose = app.screen
        assert isinstance(choose, ChooseFormatScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.pause()
        assert not choose.is_attached


async def test_a_second_answer_does_not_pop_the_screen_below(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """Two Enters in flight: the second must not dismiss (pop) home from under the next step."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        choose = app.screen
        assert isinstance(choose, ChooseFormatScreen)
        fmt = app.library.get("action-learning-set")
        choose.answer(fmt)
        choose.answer(fmt)
        await pilot.pause()
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, GroupScreen]


def test_ordinals() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 111, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "111th", "112th"
    ]  # fmt: skip


@pytest.mark.parametrize("theme", ["peercircle-projector", "textual-dark"])
async def test_a_ticked_presenter_reads_as_ticked_without_colour(
    data_dir: Path, clock: FakeClock, tmp_path: Path, theme: str
) -> None:
    """Textual's button is the same 'X' on every row, ticked or not, and only its colour
    differed: on a projector every presenter looked ticked. Each row now says it in text."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await to_the_group(pilot, "troika-consulting")
        await pilot.press(*"Ann,Ben,Cat", "enter")
        await pilot.pause()
        assert picker_rows(app) == ["☐ Ann", "☐ Ben", "☐ Cat"]
        await pilot.press("down", "space", "down", "space")  # Ben first, then Cat
        await pilot.pause()
        assert picker_rows(app) == ["☐ Ann", "☑ Ben · presents 1st", "☑ Cat · presents 2nd"]
        await pilot.press("up", "space")  # Ben is unticked: Cat moves up to first
        await pilot.pause()
        assert picker_rows(app) == ["☐ Ann", "☐ Ben", "☑ Cat · presents 1st"]
        assert "☑ Cat · presents 1st" in shown_text(app)
        assert "▐X▌" not in shown_text(app)  # the colour-only button is gone


async def test_changing_the_names_keeps_the_presenting_order(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """The ticks were put back in seating order when a name was added: Cat, then Ann became
    Ann, then Cat, and the session would have cycled in an order nobody chose."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_group(pilot, "troika-consulting")
        await pilot.press(*"Ann,Ben,Cat", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "space", "down", "space")  # Cat, then Ann
        await pilot.pause()
        names = app.screen.query_one("#names", Input)
        names.focus()
        await pilot.press("end", *",Dee")
        await pilot.pause()
        picker = app.screen.query_one("#presenters", PresenterPicker)
        assert picker.selected == ["Cat", "Ann"]
        assert picker_rows(app) == ["☑ Ann · presents 2nd", "☐ Ben", "☑ Cat · presents 1st", "☐ Dee"]
        order = app.screen.query_one("#presenting-order", Static)
        assert str(order.content) == "Presenting order: 1. Cat, 2. Ann"


async def test_the_agreement_asks_who_sees_the_screen_and_the_room_is_the_answer_unless_changed(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_agreement(pilot)
        shown = shown_text(app)
        assert "Who can see this screen?" in shown
        assert ROOM in shown
        assert "☐ Only me: facilitator view." in shown
        await pilot.press("enter")  # agree and start, the question left as it was
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert app.projector
        assert "PROJECTED" in shown_text(app)
        # The private notes kind cannot be chosen, by k or by F2 while typing.
        assert await note_kinds_reachable(pilot, "f2") == {"shared", "action"}
        await pilot.press("escape")
        assert await note_kinds_reachable(pilot, "k") == {"shared", "action"}


async def test_only_me_starts_the_session_in_facilitator_view(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    app.projector = True  # what the last session left: the answer decides, not this
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_agreement(pilot)
        await pilot.press("v")
        await pilot.pause()
        shown = shown_text(app)
        assert ONLY_ME in shown and "☐ The room: it is projected or shared." in shown
        await pilot.press("v", "v")  # back and forth: one key switches each way
        await pilot.pause()
        assert ONLY_ME in shown_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert not app.projector
        assert "FACILITATOR VIEW" in shown_text(app)
        assert await note_kinds_reachable(pilot, "f2") == {"shared", "action", "private"}


async def test_a_click_on_a_row_answers_the_question(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_agreement(pilot)
        # Inside the border: the first row is the room, the second is only me.
        await pilot.click("#audience", offset=(4, 2))
        await pilot.pause()
        assert ONLY_ME in shown_text(app)
        await pilot.click("#audience", offset=(4, 1))
        await pilot.pause()
        assert ROOM in shown_text(app)


async def test_while_editing_the_agreement_v_is_typed_not_a_switch(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_agreement(pilot)
        await pilot.press("e", "v")
        await pilot.pause()
        assert "v" in app.screen.query_one("#agreement-editor").text
        await pilot.press("escape")  # cancel the edit
        await pilot.pause()
        assert ROOM in shown_text(app)


@pytest.mark.parametrize("fmt", ["balint-group", "troika-consulting"])
async def test_names_are_shown_as_typed_even_with_brackets(
    data_dir: Path, clock: FakeClock, tmp_path: Path, fmt: str
) -> None:
    """A name was read as markup: '[b]Bo' lost its brackets and '[/x]Cy' stopped the app
    (MarkupError) as soon as the presenter list was filled."""
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_group(pilot, fmt)
        await pilot.press(*"Ann,[b]Bo,[/x]Cy", "enter")
        await pilot.pause()
        shown = shown_text(app)
        assert "[b]Bo" in shown and "[/x]Cy" in shown
