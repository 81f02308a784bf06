"""What the screens look like: every scene at a laptop size and a projector size in the
default theme, and a few scenes (the ones a room sees, and every warning colour) in the
high-contrast projector theme too.

Synchronous tests (snap_compare runs its own event loop), a fixed clock, a fixed session
id, and a display that refreshes only when the test says, so every run draws the same.
Names and notes are put into their boxes directly (typing them key by key is tested in
test_app.py and costs a redraw per key here), and every scene also asserts the words it
must show, so a picture accepted by mistake cannot hide a missing name or note.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Markdown, OptionList, TextArea

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.group import GroupScreen
from tests.scenes import start_live
from tests.screen_text import shown_text
from tests.waiting import settle_workers, wait_for, wait_for_home

SIZES = [(80, 24), (160, 45)]
ROOM_SIZE = (200, 60)
"""The live screen is also compared at the size of a projector's terminal, where the room
reads it: a 160x45 picture once passed for weeks with the notes off the bottom. Every
scene's layout at every size is measured in test_live_layout.py; the pictures at this size
are the scenes that show each part large (notes, overtime, a turn clock, projector view)."""
ROOM_SCENES = (
    "live_presenter_with_notes",
    "live_questions_in_overtime",
    "live_go_round_with_turn_clock",
    "live_projector_mode",
)
THEMES = ["textual-dark", "peercircle-projector"]
PROJECTOR_SIZE = (160, 45)
"""The projector theme is compared at the room size only: the layout is the theme's own
business nowhere, only its colours are, and those are the same at any size."""

SILENT = """# Quiet reflection

- Source: peercircle tests
- Presenter: no

## Write on your own
- Minutes: 3
- Mode: silence
- Rule: No talking. Write what stayed with you.
"""


def _fill(pilot, selector: str, text: str) -> None:
    """Put ``text`` in an Input as if typed: the value, and the cursor after it."""
    box = pilot.app.screen.query_one(selector, Input)
    box.value = text
    box.cursor_position = len(text)


async def _write(pilot, text: str) -> None:
    """Type ``text`` into the focused notes editor in one edit (the app sees one change)."""
    notes = pilot.app.screen.query_one("#notes", TextArea)
    assert notes.has_focus
    notes.insert(text)
    await pilot.pause()


async def _advance(pilot, seconds: float) -> None:
    pilot.app.clock.advance(seconds)
    pilot.app.screen.refresh_view()
    await pilot.pause()


async def _next_phase_early(pilot) -> None:
    """Leave a protected phase before its time: the confirmation, answered yes."""
    await pilot.press("ctrl+f")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


async def _pick(pilot, fmt: str) -> None:
    if pilot.app.screen.__class__.__name__ != "ChooseFormatScreen":
        await pilot.press("n")
    await pilot.pause()
    options = pilot.app.screen.query_one("#formats", OptionList)
    options.highlighted = [options.get_option_at_index(i).id for i in range(options.option_count)].index(fmt)
    await pilot.pause()


async def _into_live(
    pilot, fmt: str = "action-learning-set", names: str = "Aisha,Ben,Ciara,Dev,Eilidh"
) -> None:
    """Straight to the live screen (the set-up screens have their own scenes and tests)."""
    await start_live(pilot, fmt, names)
    pilot.app.screen.query_one(TextArea).cursor_blink = False


async def _group(pilot, names: str) -> None:
    """From the chooser: Enter, the names, Enter (as a facilitator types them)."""
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, GroupScreen)
    _fill(pilot, "#names", names)
    await pilot.press("enter")
    await pilot.pause()


async def home(pilot) -> None:
    await wait_for_home(pilot)  # the history is listed after the first frame
    await settle_workers(pilot)  # and the format files read, for the problems line


async def choose_format(pilot) -> None:
    await _pick(pilot, "balint-group")


async def choose_format_broken_file(pilot) -> None:
    # Written only for this scene: the home screen lists broken files (with their paths,
    # which differ on every run) a moment after it opens.
    typo = pilot.app.data_dir / "formats" / "typo.md"
    typo.write_text(SILENT.replace("silence", "silent"), encoding="utf-8")
    await pilot.press("n", "r")
    await _pick(pilot, "invalid:0")


async def copy_and_edit(pilot) -> None:
    await _pick(pilot, "action-learning-set")
    await pilot.press("e")
    await pilot.pause()
    pilot.app.screen.query_one("#minutes-2", Input).value = "10"
    pilot.app.screen.query_one("#keep-6", Checkbox).value = False
    pilot.app.screen.set_focus(None)
    await pilot.pause()


async def agreement(pilot) -> None:
    await _pick(pilot, "check-in-round")
    await _group(pilot, "Ann,Bob,Cat")


async def deck_picker(pilot) -> None:
    await _into_live(pilot)
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f", "f4")
    await pilot.pause()


async def live_with_a_card(pilot) -> None:
    await deck_picker(pilot)
    await pilot.press("enter", "escape")
    await _advance(pilot, 65)


async def group_with_a_mistake(pilot) -> None:
    await _pick(pilot, "action-learning-set")
    await _group(pilot, "Ann,Bob,ann")
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False  # a blink would change the picture


async def live_presenter_with_notes(pilot) -> None:
    await _into_live(pilot)
    await _write(pilot, "Referral drift")
    await _advance(pilot, 95)


async def live_questions_in_overtime(pilot) -> None:
    await _into_live(pilot)
    await _next_phase_early(pilot)
    await pilot.press("ctrl+n", "escape")
    await _advance(pilot, 683)


async def live_go_round_with_turn_clock(pilot) -> None:
    await _into_live(pilot, "check-in-round", names="Ann,Bob,Cat,Dee")
    await pilot.press("ctrl+n", "ctrl+o")
    await _advance(pilot, 41)


async def live_presenter_listens_paused(pilot) -> None:
    await _into_live(pilot, "solution-circle")
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f")
    await _advance(pilot, 250)
    await pilot.press("ctrl+t")


async def live_dialogue(pilot) -> None:
    await _into_live(pilot, "solution-circle")  # dialogue is phase 4
    await _next_phase_early(pilot)
    await pilot.press("ctrl+f", "ctrl+f")
    await _advance(pilot, 30)


async def live_open_with_a_marked_speaker(pilot) -> None:
    await _into_live(pilot, "balint-group", names="Ann,Bob,Cat,Dee,Eve,Fay")
    for _ in range(4):
        await pilot.press("ctrl+f")
        await pilot.pause()
        if pilot.app.screen.__class__.__name__ == "ConfirmScreen":
            await pilot.press("y")
            await pilot.pause()
    await pilot.press("escape", "3")
    await _advance(pilot, 20)


async def live_silence_is_calm(pilot) -> None:
    await _into_live(pilot, "quiet", names="Ann,Bob,Cat")  # a user format
    await _advance(pilot, 100)


async def live_projector_mode(pilot) -> None:
    await _into_live(pilot)
    await _write(pilot, "shared words")
    await pilot.press("f2", "f2")
    await _write(pilot, "private worry")
    await pilot.press("f9")
    await _advance(pilot, 30)


async def summary(pilot) -> None:
    await _into_live(pilot, "check-in-round", names="Ann,Bob,Cat")
    await _write(pilot, "Ann: busy week")
    await pilot.press("ctrl+n")
    await _advance(pilot, 70)
    await pilot.press("ctrl+n", "ctrl+n", "f10")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    assert "Ann: busy week" in pilot.app.screen.markdown  # below the fold at 80x24


async def help_screen(pilot) -> None:
    await pilot.press("question_mark")
    # The Markdown widget parses in a thread and lays out in batches; wait until it is done.
    help_text = pilot.app.screen.query_one(Markdown)
    await wait_for(pilot, lambda: help_text._last_parsed_line > 0, what="the help to be laid out")


SCENES: dict[str, Callable[..., Awaitable[None]]] = {
    f.__name__: f
    for f in (
        home,
        choose_format,
        group_with_a_mistake,
        live_presenter_with_notes,
        live_questions_in_overtime,
        live_go_round_with_turn_clock,
        live_presenter_listens_paused,
        live_dialogue,
        live_open_with_a_marked_speaker,
        live_silence_is_calm,
        live_projector_mode,
        summary,
        help_screen,
    )
}


@pytest.fixture
def make_app(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("secrets.token_hex", lambda n: "c0de")  # new_session_id imports secrets when called
    # The flash at zero and toasts end on real-time timers; a picture must not depend on
    # how fast the machine took it, so the flash is off (0) here.
    monkeypatch.setattr("peercircle.tui.screens.live.FLASH_SECONDS", 0)
    (data_dir / "formats").mkdir(parents=True)
    (data_dir / "formats" / "quiet.md").write_text(SILENT, encoding="utf-8")

    def make() -> PeerCircleApp:
        # The display refreshes only when a test says so: a timer tick landing just before
        # or after the screenshot would otherwise make the picture differ between runs.
        return PeerCircleApp(
            data_dir=data_dir, clock=FakeClock(), export_dir=tmp_path / "e", refresh_interval=3600
        )

    return make


PROJECTOR_SCENES = (
    "home",  # what the room sees first
    "group_with_a_mistake",  # the error colour
    "live_questions_in_overtime",  # the overtime colour
    "live_projector_mode",  # the theme's reason for being
    "summary",  # the Markdown preview's colours
)
"""The projector theme only changes colours, so it is compared on the scenes that show every
colour it sets (accent, warning, error, Markdown), not on all of them."""

SCREEN_CASES = [
    pytest.param(scene, size, theme, id=f"{scene}-{size[0]}x{size[1]}-{theme}")
    for scene in SCENES
    for size in [*SIZES, ROOM_SIZE]
    for theme in THEMES
    if (theme == "textual-dark" and (size != ROOM_SIZE or scene in ROOM_SCENES))
    or (scene in PROJECTOR_SCENES and size == PROJECTOR_SIZE)
    or (scene == "live_projector_mode" and size == ROOM_SIZE)
]


def assert_shows(app, scene: str, size: tuple[int, int]) -> None:
    """The words the scene is about are on the screen (and private notes are not)."""
    text = shown_text(app)
    cut = CUT_AT_80x24.get(scene, ()) if size == (80, 24) else ()
    missing = [w for w in SHOWS.get(scene, ()) if w not in text and w not in cut]
    assert not missing, f"not on screen: {missing}"
    shown_anyway = [w for w in NEVER_SHOWN.get(scene, ()) if w in text]
    assert not shown_anyway, f"on screen but must not be: {shown_anyway}"


SHOWS: dict[str, tuple[str, ...]] = {
    "home": ("No sessions yet.", "Press n to start a session", "g Groups", "h History"),
    "choose_format": ("Balint group", "Presentation"),
    "choose_format_broken_file": ("typo.md cannot be used yet", "unknown speaker mode 'silent'"),
    "copy_and_edit": ("Action Learning Set (our version)", "Total: 35 min per presenter for 6 people (−10)"),
    "agreement": (
        "Group agreement · Check-in round",
        "Who can see this screen?",
        "☑ The room: it is projected or shared.",
        "☐ Only me: facilitator view.",
        "Confidentiality and its limits",
        "The facilitator fills in",  # the agreement's blanks (issue 17)
    ),
    "group_with_a_mistake": ("Ann,Bob,ann", "Ann", "Bob", "ann", "appears twice"),
    "deck_picker": (
        "Prompt cards",
        "Heron's six categories of intervention",
        "Catalytic",
        "Facilitative. Helping the person reflect",
        "Diversity and power",  # two of the decks issue 17 added
        "Kinds of knowledge",
        "f8 Tag",
    ),
    "live_with_a_card": (
        "Catalytic",
        "FACILITATOR VIEW",
        "Facilitative",
        "Next: Ciara, Dev",
        "1 Aisha (P)",
        "2 Ben",
        "3 Ciara",
        "4 Dev",
        "5 Eilidh",
        "t Tag",  # the tag key for Proctor's functions, in the footer
    ),
    "live_presenter_with_notes": (
        "Referral drift",
        "FACILITATOR VIEW",
        "TYPING",
        "1 Aisha (P)",
        "2 Ben",
        "3 Ciara",
        "4 Dev",
        "5 Eilidh",
    ),
    "live_questions_in_overtime": (
        "OVERTIME",
        "Clarifying questions",
        "Next: Dev, Eilidh",
        "1 Aisha (P)",
        "2 Ben",
        "3 Ciara",
        "4 Dev",
        "5 Eilidh",
    ),
    "live_go_round_with_turn_clock": ("Check-in", "TURN", "1 Ann", "2 Bob", "3 Cat", "4 Dee"),
    "live_presenter_listens_paused": (
        "PAUSED",
        "Aisha listens in silence",
        "Brainstorm",
        "1 Aisha (P)",
        "2 Ben",
        "3 Ciara",
        "4 Dev",
        "5 Eilidh",
    ),
    "live_dialogue": (
        "Dialogue",
        "Aisha and the group",
        "f8 Tag",
        "1 Aisha (P)",
        "2 Ben",
        "3 Ciara",
        "4 Dev",
        "5 Eilidh",
    ),
    "live_open_with_a_marked_speaker": ("Process", "Ann (P)", "Bob", "Cat", "Dee", "Eve", "Fay"),
    "live_silence_is_calm": ("Write on your own", "No talking. Write what stayed with you."),
    "live_projector_mode": (
        "PROJECTED",
        "shared words",
        "1 Aisha (P)",
        "2 Ben",
        "3 Ciara",
        "4 Dev",
        "5 Eilidh",
    ),
    "summary": (
        "Session summary",
        "Ann: busy week",
        "• Ann",
        "• Bob",
        "• Cat",
        "Length: 1 min (planned 3 min)",
        "Changes",  # the timing table's column for the minutes added or taken off a step
        "Difference and power",  # the agreement's sections in one line (issue 17)
    ),
    "summary_anonymised": ("ANONYMISED: 3 people", "• A.", "• B.", "• C.", "busy week", "Rule: One person"),
    "history_search": ("busy", "1 of 1 session match", "Check-in round", "Ann: busy week"),
    "help_screen": ("Pause or resume the clock", "Keys"),
}
"""Words each scene must show, besides matching its picture."""

NEVER_SHOWN: dict[str, tuple[str, ...]] = {
    "live_projector_mode": ("private worry",),  # private notes never reach the wall
    "summary_anonymised": ("Ann", "Bob", "Cat"),
}

CUT_AT_80x24: dict[str, tuple[str, ...]] = {
    # Below the fold of the preview: checked in the preview's text instead (summary.py tests).
    "summary": ("Ann: busy week", "Changes"),
    "summary_anonymised": ("busy week", "Rule: One person"),
    # The footer runs out of room at 80 columns: "t Tag" is cut to "t Ta" (see the note).
    "live_with_a_card": ("t Tag",),
}


@pytest.mark.parametrize(("scene", "size", "theme"), SCREEN_CASES)
def test_screen(snap_compare, make_app, scene: str, size: tuple[int, int], theme: str) -> None:
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await SCENES[scene](pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        assert_shows(pilot.app, scene, size)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


async def summary_anonymised(pilot) -> None:
    await summary(pilot)
    await pilot.press("a")
    await pilot.pause()


async def history_search(pilot) -> None:
    await summary(pilot)
    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("h")
    await pilot.pause()
    pilot.app.screen.query_one(Input).cursor_blink = False  # a blink would change the picture
    _fill(pilot, "#history-search", "busy")
    # The search runs after a short pause in typing, in a worker: wait for its answer.
    await wait_for(pilot, lambda: pilot.app.screen._shown_text == "busy", what="the search for 'busy'")
    await settle_workers(pilot)


NEW_SCENES: dict[str, Callable[..., Awaitable[None]]] = {
    f.__name__: f
    for f in (
        choose_format_broken_file,
        copy_and_edit,
        agreement,
        deck_picker,
        live_with_a_card,
        summary_anonymised,
        history_search,
    )
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(NEW_SCENES))
def test_library_screen(snap_compare, make_app, scene: str, size: tuple[int, int]) -> None:
    """The library's and the records' screens, in the default theme only (the themes are covered above)."""

    async def run_before(pilot) -> None:
        await NEW_SCENES[scene](pilot)
        pilot.app.clear_notifications()
        await pilot.pause()
        assert_shows(pilot.app, scene, size)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("theme", THEMES)
def test_too_small(snap_compare, make_app, theme: str) -> None:
    async def run_before(pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(50, 15))
