"""The format library, decks, copy-and-edit and the agreement, driven through the app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.events import EventKind
from peercircle.sessions.records.summary import summarise
from peercircle.tui.screens.agreement import AgreementScreen
from peercircle.tui.screens.choose_format import ChooseFormatScreen
from peercircle.tui.screens.deck import DeckScreen
from peercircle.tui.screens.edit_format import EditFormatScreen
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.widgets.live_panels import CardPanel
from tests.test_app import fill, make_app, pick_format, start_session, write_notes
from tests.test_library_cli import MINE


def preview_text(app) -> str:
    return str(app.screen.query_one("#preview", Static).render())


async def test_the_chooser_lists_user_and_broken_formats_beside_the_builtins(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    folder = data_dir / "formats"
    folder.mkdir(parents=True)
    (folder / "mine.md").write_text(MINE, encoding="utf-8")
    (folder / "typo.md").write_text(MINE.replace("- Minutes: 5", "- Minutes: 5 mins"), encoding="utf-8")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        options = app.screen.query_one("#formats", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert len([i for i in ids if i and not i.startswith("invalid")]) >= 21
        assert "mine" in ids and "invalid:0" in ids
        await pick_format(pilot, "balint-group")
        shown = preview_text(app)
        assert "Balint group" in shown and "Total 45 min for 8 people" in shown and "Source:" in shown
        await pick_format(pilot, "invalid:0")
        shown = preview_text(app)
        assert "typo.md cannot be used yet" in shown and "line 11: 'Minutes: 5 mins' is not a number" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChooseFormatScreen)  # a broken file never starts a session
        # Fixed in an editor while the app runs: r reads the folder again.
        (folder / "typo.md").write_text(MINE.replace("# Our", "# Their"), encoding="utf-8")
        await pilot.press("r")
        await pilot.pause()
        assert app.library.get("typo") is not None and app.library.errors == ()


async def test_copy_and_edit_makes_a_shorter_version_that_runs(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pick_format(pilot, "action-learning-set")
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EditFormatScreen)
        total = screen.query_one("#edit-total", Static)
        assert "Total: 45 min per presenter for 6 people" in str(total.render())
        screen.query_one("#edit-name", Input).value = "ALS: one hour, two presenters"
        screen.query_one("#minutes-2", Input).value = "10"  # opening questions 15 -> 10
        screen.query_one("#keep-6", Checkbox).value = False  # no process review (5)
        await pilot.pause()
        assert "Total: 35 min per presenter for 6 people (−10)" in str(total.render())
        screen.query_one("#minutes-1", Input).value = "ten"
        await pilot.pause()
        assert "must be a number" in str(total.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EditFormatScreen)  # nothing saved while a box is wrong
        screen.query_one("#minutes-1", Input).value = "10"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChooseFormatScreen)
        saved = list((data_dir / "formats").glob("*.md"))
        assert [p.name for p in saved] == ["als-one-hour-two-presenters.md"]
        assert (saved[0].stat().st_mode & 0o777) == 0o600
        fmt = app.library.get("als-one-hour-two-presenters")
        assert fmt is not None and fmt.origin == "user"
        assert [p.name for p in fmt.phases][-1] == "Action"
        assert fmt.planned_seconds(6) == 35 * 60
        assert "adapted from Action Learning Set" in fmt.source
        options = app.screen.query_one("#formats", OptionList)
        assert options.highlighted_option.id == fmt.id
        await pilot.press("enter")
        await pilot.pause()
        fill(app, "#names", "Ann,Bob,Cat,Dee,Eve,Fay")
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the agreement
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert app.screen.session.meta.format.name == "ALS: one hour, two presenters"


async def test_the_agreement_opens_the_session_and_can_be_edited(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pick_format(pilot, "check-in-round")
        await pilot.press("enter")
        await pilot.pause()
        fill(app, "#names", "Ann,Bob")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AgreementScreen)
        assert "Confidentiality" in app.screen.text
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen.query_one("#agreement-editor", TextArea)
        assert editor.has_focus
        editor.load_text("# Ours\n\n## Phones away\n\n## Names stay in the room\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (data_dir / "agreement.md").read_text(encoding="utf-8").startswith("# Ours")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert "Phones away" in app.screen.session.meta.agreement
    # The next session opens with the group's own words.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")  # not now, to resuming the first session
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pick_format(pilot, "check-in-round")
        await pilot.press("enter")
        await pilot.pause()
        fill(app, "#names", "Ann,Bob")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.text.startswith("# Ours")


async def test_a_heron_card_goes_on_screen_beside_the_timer_and_into_the_record(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="balint-group", names="Ann,Bob,Cat,Dee,Eve,Fay")
        live = app.screen
        assert isinstance(live, LiveScreen)
        panel = live.query_one(CardPanel)
        assert live.card is None and "Catalytic" not in str(panel.border_title)
        await pilot.press("f4")  # works while typing notes
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, DeckScreen)
        decks = picker.query_one("#decks", OptionList)
        decks.highlighted = [d.id for d in picker.decks].index("heron")
        await pilot.pause()
        cards = picker.query_one("#cards", OptionList)
        cards.highlighted = 4  # Catalytic
        await pilot.pause()
        assert "Catalytic" in str(picker.query_one("#card-preview", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is live and panel.display
        assert "Catalytic" in str(panel.border_title)
        # The card stands in for the phase's own prompts ("› ..."), not beside them.
        assert "›" not in str(live.query_one("#card-text", Static).content)
        await pilot.press("escape", "full_stop")  # leave the notes, then the next card
        await pilot.pause()
        assert "Supportive" in str(panel.border_title)
        events = [e for e in live.session.events if e.kind is EventKind.CARD]
        assert [e.data["card"] for e in events] == ["Catalytic", "Supportive"]
        phase = summarise(live.session).phases[0]
        assert phase.cards == (
            "Heron's six categories of intervention: Catalytic",
            "Heron's six categories of intervention: Supportive",
        )
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("h")  # take the card down
        await pilot.pause()
        assert not panel.display


async def test_a_phase_that_suggests_a_deck_opens_the_picker_on_it(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_session(pilot)  # Action Learning Set
        live = app.screen
        for _ in range(2):
            await pilot.press("ctrl+f")
            await pilot.pause()
            if app.screen is not live:
                await pilot.press("y")
                await pilot.pause()
        assert live.session.view().phase.deck == "heron"
        await pilot.press("escape", "c")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, DeckScreen)
        assert picker.decks[0].id == "heron"
        card = picker.query_one("#cards", OptionList).highlighted_option
        assert str(card.prompt) == "Catalytic"
        await pilot.press("enter")
        await pilot.pause()
        assert "Catalytic" in str(live.query_one(CardPanel).border_title)


async def test_f3_gives_a_note_line_to_the_speaker_for_their_learning_record(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.sessions.records.export import render_learning_record

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="check-in-round", names="Ann,Bob,Cat", presenter_downs=None)
        live = app.screen
        await pilot.press("f3", *"busy week", "enter")
        await pilot.press("ctrl+n", "f3", "f3")
        await write_notes(pilot, "I learned to pause")
        notes = live.query_one("#notes", TextArea).text
        assert notes == "Ann: busy week\nBob: I learned to pause"  # a second F3 adds nothing
        record = render_learning_record(summarise(live.session), "Bob")
        assert "I learned to pause" in record and "busy week" not in record and "Ann" not in record


async def test_pasted_colour_codes_and_control_characters_never_reach_a_note(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from textual import events

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_session(pilot, fmt="check-in-round", names="Ann,Bob", presenter_downs=None)
        notes = app.screen.query_one("#notes", TextArea)
        # Posted to the app, as the terminal driver delivers a paste.
        app.post_message(events.Paste("\x1b[31mred\x1b[0m text\x07\r\nمرحبا 👩‍⚕️\tend"))
        await pilot.pause()
        assert notes.text == "red text\nمرحبا 👩‍⚕️\tend"
        assert app.screen.session.note_for(0).text == notes.text
