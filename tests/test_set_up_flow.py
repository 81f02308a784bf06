"""The app owns setting up a session: each step answers, Back returns to the step as left."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.screens.agreement import AgreementScreen
from peercircle.tui.screens.choose_format import ChooseFormatScreen
from peercircle.tui.screens.group import GroupScreen
from peercircle.tui.screens.home import HomeScreen
from peercircle.tui.screens.live import LiveScreen
from tests.scenes import make_app, pick_format


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
