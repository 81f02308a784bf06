"""The notes editor costs nothing while nobody types, and a key costs the same whatever the
length of the notes: the cursor stops blinking (lit) a few seconds after the last key, and
the editor's wrapped height is read in one step instead of summed over every line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.document._document import Document
from textual.document._wrapped_document import WrappedDocument

from peercircle.sessions.engine.clock import FakeClock
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.widgets.notes_area import BLINK_SECONDS, CountedRows, NotesArea
from tests.scenes import make_app, start_live
from tests.waiting import wait_for


class Seconds:
    """A stand-in for time.monotonic that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_cursor_stops_blinking_lit_after_the_last_key(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        editor = screen.query_one("#notes", NotesArea)
        seconds = Seconds()
        editor.clock = seconds
        await pilot.press("a")  # a key wakes the cursor: it blinks
        await wait_for(pilot, lambda: editor.text == "a", what="the key to be typed")
        assert editor.blink_timer._active.is_set()
        seconds.now += 1
        editor._toggle_cursor_blink_visible()  # what the blink timer does twice a second
        assert not editor._cursor_visible  # still blinking
        seconds.now += BLINK_SECONDS
        editor._toggle_cursor_blink_visible()
        # Lit and still: the blink timer is paused, so it wakes nobody until the next key.
        assert editor._cursor_visible and editor._draw_cursor
        assert not editor.blink_timer._active.is_set()
        await pilot.press("b")
        await wait_for(pilot, lambda: editor.text == "ab", what="the next key")
        assert editor.blink_timer._active.is_set()


def textual_height(view: WrappedDocument) -> int:
    """WrappedDocument.height as Textual 8.2.8 computes it."""
    return sum(len(offsets) + 1 for offsets in view._wrap_offsets)


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(min_value=0, max_value=30),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),
            st.integers(min_value=0, max_value=40),
            st.text(alphabet="ab \n", max_size=60),
        ),
        max_size=12,
    ),
)
def test_the_counted_height_is_textuals_height_after_any_edits(
    width: int, edits: list[tuple[int, int, str]]
) -> None:
    document = Document("words that wrap here and there\n" * 5)
    view = CountedRows(document, width)
    for start, length, text in edits:
        # An edit anywhere, as TextArea makes one: the document first, then the rewrap.
        begin = document.get_location_from_index(min(start, len(document.text)))
        end = document.get_location_from_index(min(start + length, len(document.text)))
        result = document.replace_range(begin, end, text)
        view.wrap_range(begin, end, result.end_location)
        assert view.height == textual_height(view)
    view.wrap(max(1, width - 3))
    assert view.height == textual_height(view)


async def test_the_notes_editor_counts_its_rows_for_every_note_it_loads(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot)
        editor = app.screen.query_one("#notes", NotesArea)
        assert isinstance(editor.wrapped_document, CountedRows)
        editor.load_text("a long line of notes " * 40 + "\nand another")
        await pilot.pause()
        assert isinstance(editor.wrapped_document, CountedRows)
        assert editor.navigator._wrapped_document is editor.wrapped_document
        assert editor.wrapped_document.height == textual_height(editor.wrapped_document) > 2
