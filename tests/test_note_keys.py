"""Keys that write into the notes for the facilitator: the speaker's name (F3 / @) and the
tag of Proctor's functions (F8 / t). Each changes only the line the cursor is on, and the
note is saved exactly as if it had been typed.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.records.export import PROCTOR, hashtags, proctor_balance, render_learning_record
from peercircle.sessions.records.summary import summarise
from peercircle.sessions.storage.store import SessionStore
from peercircle.sessions.text import clean_text
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.widgets.notes_area import cycle_proctor_tag
from tests.scenes import make_app, start_live
from tests.waiting import wait_for

PROCTOR_TAGS = {name for name, _ in PROCTOR}


async def live_check_in(pilot, names: str = "Ann,Ben,Eilidh") -> LiveScreen:
    await start_live(pilot, "check-in-round", names)
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    return screen


def editor_of(screen: LiveScreen) -> TextArea:
    return screen.query_one("#notes", TextArea)


async def set_notes(pilot, editor: TextArea, text: str, cursor: tuple[int, int]) -> None:
    """The notes as the facilitator left them, and the cursor where they left it."""
    editor.load_text(text)
    editor.move_cursor(cursor)
    await pilot.pause()


# -- F3 / @: the speaker's name starts a line, never another person's line -------------------


async def test_f3_at_the_end_of_another_persons_line_starts_a_new_line(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen: "Eilidh: fine, pass on detail", cursor at its end, F3 while Ben spoke gave
    # "Ben: Eilidh: fine, pass on detail", and Ben's learning record held Eilidh's words.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await live_check_in(pilot)
        editor = editor_of(screen)
        await pilot.press(*"Eilidh: fine, pass on detail")
        await pilot.press("ctrl+n")  # Ben speaks
        assert screen.session.view().speaker == "Ben"
        await pilot.press("f3", *"wants a refresher")
        await pilot.pause()
        assert editor.text == "Eilidh: fine, pass on detail\nBen: wants a refresher"
        record = render_learning_record(summarise(screen.session), "Ben")
        assert "wants a refresher" in record and "pass on detail" not in record


async def test_f3_in_the_middle_of_a_line_leaves_every_line_as_it_was(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await live_check_in(pilot)
        editor = editor_of(screen)
        await pilot.press("ctrl+n")  # Ben
        await set_notes(pilot, editor, "Eilidh: fine\nAnn: ok", (0, 4))
        await pilot.press("f3")
        assert editor.text == "Eilidh: fine\nBen: \nAnn: ok"
        assert editor.cursor_location == (1, 5)


async def test_at_on_an_empty_line_writes_the_name_there(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await live_check_in(pilot)
        editor = editor_of(screen)
        await pilot.press("ctrl+n")  # Ben
        await set_notes(pilot, editor, "Eilidh: fine\n\nAnn: ok", (1, 0))
        await pilot.press("escape", "at")  # the single key, outside the editor
        assert editor.text == "Eilidh: fine\nBen: \nAnn: ok"
        assert editor.cursor_location == (1, 5) and editor.has_focus


async def test_f3_never_names_the_presenter_who_listens_in_silence(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen in a Balint group's discussion with nobody marked: F3 wrote "Ann: " (the
    # presenter, who listens in silence) before a member's words.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "balint-group", "Ann,Ben,Cat,Dee")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await pilot.press("ctrl+f", "ctrl+f", "f3")
        await pilot.pause()
        assert editor_of(screen).text == ""
        assert any("Nobody has the floor" in str(n.message) for n in app._notifications)


# -- F8 / t: the tag of Proctor's functions on the current line ------------------------------


def test_the_tag_cycles_through_the_three_functions_and_back() -> None:
    line = "Ben: wants a refresher on thresholds"
    seen = []
    for _ in range(4):
        line = cycle_proctor_tag(line)
        seen.append(line)
    assert seen == [
        "Ben: wants a refresher on thresholds #normative",
        "Ben: wants a refresher on thresholds #formative",
        "Ben: wants a refresher on thresholds #restorative",
        "Ben: wants a refresher on thresholds",
    ]


def test_a_tag_typed_by_hand_is_replaced_where_it_stood() -> None:
    assert cycle_proctor_tag("#Formative: policy on #visits") == ": policy on #visits #restorative"
    assert cycle_proctor_tag("talked #normative about #home-visits") == (
        "talked about #home-visits #formative"
    )
    assert cycle_proctor_tag("") == "#normative"
    assert cycle_proctor_tag("not a tag: #normatives, x#normative") == (
        "not a tag: #normatives, x#normative #normative"
    )


LINES = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)


@given(LINES)
def test_the_tag_key_sets_exactly_one_function_as_the_record_reads_it(line: str) -> None:
    before = [t for t in hashtags(line) if t in PROCTOR_TAGS]
    order = [None, "normative", "formative", "restorative"]
    current = before[0] if before else None
    expected = order[(order.index(current) + 1) % len(order)]
    tagged = cycle_proctor_tag(line)
    assert "\n" not in tagged
    assert {t for t in hashtags(tagged) if t in PROCTOR_TAGS} == ({expected} if expected else set())


# A line as a note holds it: cleaned where it entered (the tag key cleans what it is given,
# so a direction isolate, which no note holds, would not come back; hypothesis found one).
@given(LINES.filter(lambda s: s == clean_text(s) == s.rstrip() and not PROCTOR_TAGS & set(hashtags(s))))
def test_four_presses_give_the_line_back(line: str) -> None:
    tagged = line
    for _ in range(4):
        tagged = cycle_proctor_tag(tagged)
    assert tagged == line


async def test_f8_and_t_tag_the_line_and_the_note_is_saved(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await live_check_in(pilot)
        editor = editor_of(screen)
        await pilot.press(*"Ann: hard week", "enter", *"Ben: thresholds")
        await set_notes(pilot, editor, editor.text, (0, 3))  # back on Ann's line
        seen = []
        for key in ("f8", "f8", "escape", "t", "t"):
            await pilot.press(key)
            await pilot.pause()
            if key != "escape":
                seen.append(editor.text)
        assert seen == [
            "Ann: hard week #normative\nBen: thresholds",
            "Ann: hard week #formative\nBen: thresholds",
            "Ann: hard week #restorative\nBen: thresholds",
            "Ann: hard week\nBen: thresholds",
        ]
        await pilot.press("t")
        await pilot.pause()
        session = screen.session
        assert session.note_for(0).text == "Ann: hard week #normative\nBen: thresholds"
        assert proctor_balance(summarise(session))["normative"] == 1
        saver = app.autosaver
        assert saver is not None and saver.flush()
        stored = SessionStore(data_dir).load(session.meta.id)
        assert stored.note_for(0).text == "Ann: hard week #normative\nBen: thresholds"


def test_the_tag_key_is_in_the_footer_help_and_readme() -> None:
    from peercircle.tui.keymap import FOOTER, GROUPS, help_markdown

    (control,) = [c for group in GROUPS.values() for c in group if c.action == "tag_line"]
    assert (control.key, control.typing) == ("t", "F8")
    assert "tag_line" in FOOTER
    assert control.title in help_markdown()
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| `t` | `F8` |" in readme


def test_no_key_that_works_while_typing_is_taken_by_the_notes_editor() -> None:
    """The editor's own keys come first while it has focus: F6 (select the line) was the
    first choice for the tag key and did nothing there. Every 'while typing' key must be one
    the editor leaves alone."""
    from textual.binding import Binding
    from textual.widgets import TextArea

    from peercircle.tui.keymap import GROUPS, binding_keys

    editor_keys = {
        key.strip()
        for binding in TextArea.BINDINGS
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    }
    for control in (c for group in GROUPS.values() for c in group if c.action):
        typing = set(filter(None, binding_keys(control.typing).split(",")))
        assert not typing & editor_keys, (control.title, typing & editor_keys)


# -- keys typed in a burst are applied in the order they were typed ----------------------------


def burst(app, keys: list[str]) -> None:
    """Keys as a terminal delivers them in one read (tmux send-keys, a fast typist, a slow
    SSH link): all queued at once, nobody waiting for the one before to be handled."""
    from textual import events

    for key in keys:
        character = key if len(key) == 1 else ("\r" if key == "enter" else None)
        app.post_message(events.Key(key, character))


async def test_keys_typed_in_a_burst_take_effect_in_the_order_typed(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen in tmux: "Siobhan: moved", F8, Enter, "Zoe: ask" sent in one go tagged Zoe's line,
    # not Siobhan's: the tag key reached the screen after the editor had typed the rest.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await live_check_in(pilot)
        editor = editor_of(screen)
        burst(app, [*"Ann: moved", "f8", "enter", *"Ben: ask"])
        await wait_for(pilot, lambda: "Ben: ask" in editor.text)
        assert editor.text == "Ann: moved #normative\nBen: ask"
        burst(app, ["ctrl+n", "f3", *"fine"])  # Ben speaks; his line starts; he says fine
        await wait_for(pilot, lambda: "fine" in editor.text)
        assert editor.text == "Ann: moved #normative\nBen: ask\nBen: fine"
