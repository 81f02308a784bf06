"""The history: searching past sessions (domain) and the history screen (Pilot)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

import peercircle.sessions.records.history as history
from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Note
from peercircle.sessions.records.history import parse_query, search, search_query
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.screens.confirm import ConfirmScreen
from peercircle.tui.screens.history import HistoryScreen
from peercircle.tui.screens.home import HomeScreen
from peercircle.tui.screens.summary import SummaryScreen
from tests.past_sessions import make_app, past_session
from tests.test_index_stamps import as_legacy_index, index_lines
from tests.waiting import settle_workers, wait_for, wait_for_command


@pytest.fixture
def three(store: SessionStore) -> dict[str, str]:
    """Three sessions in November 2026: name -> id."""
    balint = past_session(
        store,
        datetime(2026, 11, 3, 14, 0),
        "balint-group",
        ("Siobhán", "Ben", "Ciara"),
        shared="The tenancy review went badly; Ciara's manager was absent.",
        actions="- Ben to call the housing officer by Friday\n[x] Ciara sent the report",
        private="Ben looked exhausted: the word WALRUS is only in private notes.",
    )
    als = past_session(
        store,
        datetime(2026, 11, 17, 9, 30),
        "action-learning-set",
        ("Ann", "Bob", "Dev", "Eve"),
        shared="Safeguarding strategy meeting; the duty team was stretched.",
    )
    check_in = past_session(
        store,
        datetime(2026, 12, 1, 10, 0),
        "check-in-round",
        ("Annabel", "Zed"),
        shared="Everyone tired after the Ofsted visit.",
    )
    return {"balint": balint.meta.id, "als": als.meta.id, "check_in": check_in.meta.id}


def ids(rows) -> list[str]:
    return [r.id for r in rows]


# -- the query -------------------------------------------------------------------------------


def test_one_box_query_is_parsed_into_words_and_filters() -> None:
    q = parse_query('housing "duty team" person:Ann FORMAT:balint from:2026-11-01 to:2026-11-30')
    assert q.words == ("housing", "duty team")
    assert (q.person, q.format) == ("Ann", "balint")
    assert (q.since, q.until) == (date(2026, 11, 1), date(2026, 11, 30))
    assert q.problems == ()


def test_a_month_or_a_year_means_all_of_it_and_bad_dates_are_explained() -> None:
    q = parse_query("from:2026-02 to:2026-02")
    assert (q.since, q.until) == (date(2026, 2, 1), date(2026, 2, 28))
    q = parse_query("from:2026 to:2026")
    assert (q.since, q.until) == (date(2026, 1, 1), date(2026, 12, 31))
    q = parse_query("from:2026-13-01 walrus")
    assert q.since is None and q.words == ("walrus",)
    assert q.problems == ("from:2026-13-01 is not a date; write it as 2026-11-30",)


def test_half_typed_filters_and_unknown_keys() -> None:
    assert parse_query("person:").empty  # on its way to being typed: no filter, no word
    assert parse_query("re:referral").words == ("re:referral",)  # notes can contain colons
    assert parse_query('person:"Ann Lee"').person == "Ann Lee"
    assert parse_query("   ").empty


# -- searching -------------------------------------------------------------------------------


def test_no_query_lists_every_session_newest_first(store: SessionStore, three: dict[str, str]) -> None:
    rows = search(store)
    assert ids(rows) == [three["check_in"], three["als"], three["balint"]]
    balint = rows[2]
    assert balint.format_name == "Balint group"
    assert balint.people == ("Siobhán", "Ben", "Ciara")
    assert (balint.group_size, balint.open_actions, balint.ended) == (3, 1, True)
    assert balint.date == date(2026, 11, 3)
    assert balint.length_seconds == pytest.approx(600)


def test_a_word_from_a_note_finds_its_session_in_any_case(store: SessionStore, three: dict[str, str]) -> None:
    assert ids(search(store, "TENANCY")) == [three["balint"]]
    assert ids(search(store, "tenan")) == [three["balint"]]  # the start of a word is enough
    assert ids(search(store, "housing officer")) == [three["balint"]]  # action notes count
    assert ids(search(store, "duty stretched")) == [three["als"]]  # every word must match
    assert search(store, "duty tenancy") == []
    assert ids(search(store, '"duty team"')) == [three["als"]]


def test_private_notes_are_never_searched(store: SessionStore, three: dict[str, str]) -> None:
    assert search(store, "walrus") == []
    assert search(store, "exhausted") == []


def test_names_and_formats_match_words_too(store: SessionStore, three: dict[str, str]) -> None:
    assert ids(search(store, "siobhan")) == [three["balint"]]  # accents ignored
    assert ids(search(store, "balint")) == [three["balint"]]
    assert ids(search(store, "learning set")) == [three["als"]]


def test_person_filter_matches_the_start_of_a_name(store: SessionStore, three: dict[str, str]) -> None:
    assert ids(search(store, person="ann")) == [three["check_in"], three["als"]]  # Annabel, Ann
    assert ids(search(store, person="Ben")) == [three["balint"]]
    assert search(store, person="Nn") == []  # not the middle of a name
    assert ids(search_query(store, "person:zed")) == [three["check_in"]]


def test_format_filter_matches_name_or_id(store: SessionStore, three: dict[str, str]) -> None:
    assert ids(search(store, format="balint")) == [three["balint"]]
    assert ids(search(store, format="action-learning")) == [three["als"]]
    assert ids(search_query(store, "format:round")) == [three["check_in"]]


def test_date_range_is_inclusive(store: SessionStore, three: dict[str, str]) -> None:
    november = search(store, since=date(2026, 11, 1), until=date(2026, 11, 30))
    assert ids(november) == [three["als"], three["balint"]]
    assert ids(search(store, since=date(2026, 11, 17))) == [three["check_in"], three["als"]]
    assert ids(search(store, until=date(2026, 11, 3))) == [three["balint"]]
    assert ids(search_query(store, "from:2026-11-04 to:2026-11-30")) == [three["als"]]
    assert ids(search_query(store, "tired from:2026-12")) == [three["check_in"]]


def test_repeated_searches_read_each_file_once_until_it_changes(
    store: SessionStore, three: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = history._read_note_text  # reads the notes table of a session file

    def counting(store: SessionStore, path: str, session_id: str) -> str:
        reads.append(session_id)
        return real(store, path, session_id)

    monkeypatch.setattr(history, "_read_note_text", counting)
    search(store, "strategy")
    assert sorted(reads) == sorted(three.values())
    reads.clear()
    for word in ("s", "st", "str", "stra", "strat"):
        search(store, word)
    assert reads == []  # typing a word letter by letter reads nothing again
    # A note changes (the file is rewritten): that file alone is read again.
    store.write_notes(three["als"], [Note("0-shared", 0, "A new word: kaleidoscope", "", "", "shared")])
    store.close(three["als"])
    assert ids(search(store, "kaleidoscope")) == [three["als"]]
    assert reads == [three["als"]]


def test_a_deleted_session_is_gone_from_search_and_disk(store: SessionStore, three: dict[str, str]) -> None:
    assert ids(search(store, "tenancy")) == [three["balint"]]
    store.delete(three["balint"])
    assert not store.path_for(three["balint"]).exists()
    assert search(store, "tenancy") == []
    assert three["balint"] not in ids(search(store))


def test_an_index_from_before_people_and_actions_is_rebuilt(
    data_dir: Path, store: SessionStore, three: dict[str, str]
) -> None:
    as_legacy_index(store.index_path, drop=("people", "format_id", "open_actions"))
    reader = SessionStore(data_dir, writer=False)
    rows = search(reader, person="siob")
    assert ids(rows) == [three["balint"]]
    assert rows[0].open_actions == 1
    # The writer rewrites the index in the new shape.
    assert len(SessionStore(data_dir, writer=True).list_sessions()) == 3
    assert all("people" in entry for entry, _ in index_lines(store.index_path).values())


def test_the_matching_line_shows_where_a_word_was_found(store: SessionStore, three: dict[str, str]) -> None:
    line = history.matching_line(store, three["als"], "DUTY")
    assert line == "Safeguarding strategy meeting; the duty team was stretched."
    assert history.matching_line(store, three["balint"], "walrus") == ""  # private: never shown
    assert history.matching_line(store, three["balint"], "person:Ben") == ""


# -- the history screen ----------------------------------------------------------------------


async def settle(pilot) -> None:
    """Wait until the search typed so far has run and its answer is on screen: the pause
    after typing has passed, and no search (or other worker) is still running.

    Waiting a fixed SEARCH_DELAY + 0.05 s instead raced the timer on a busy machine: the
    workers were awaited before the search had even started."""

    def searched() -> bool:
        timer = getattr(pilot.app.screen, "_timer", None)
        waiting = timer is not None and timer._task is not None and not timer._task.done()
        return not waiting and all(w.is_finished for w in pilot.app.workers)

    await wait_for(pilot, searched, what="the history search to run")
    await settle_workers(pilot)


def table(app) -> DataTable:
    return app.screen.query_one("#history-table", DataTable)


def row_keys(app) -> list[str]:
    t = table(app)
    return (
        [str(t.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(t.row_count)] if t.display else []
    )


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_history_screen_search_open_and_delete(
    store: SessionStore, three: dict[str, str], data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert row_keys(app) == [three["check_in"], three["als"], three["balint"]]
        assert text_of(app, "#history-status") == "3 past sessions, newest first."
        assert isinstance(app.screen.focused, Input)  # typing goes straight into the search
        await pilot.press(*"tenancy")
        await settle(pilot)
        assert row_keys(app) == [three["balint"]]
        assert text_of(app, "#history-status") == "1 of 3 sessions match."
        assert "tenancy review" in text_of(app, "#history-match")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.session.meta.id == three["balint"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert row_keys(app) == [three["balint"]]  # the search is kept
        # Delete: to the list, d, keep first; then d, y.
        await pilot.press("tab", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert store.path_for(three["balint"]).exists()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert not store.path_for(three["balint"]).exists()
        assert row_keys(app) == []
        assert "No session matches “tenancy”" in text_of(app, "#history-none")
        assert any(
            "Deleted the Balint group session of 03 Nov 2026" in str(n.message) for n in app._notifications
        )
        # Esc clears the search first, then goes home.
        await pilot.press("escape")
        await settle(pilot)
        assert row_keys(app) == [three["check_in"], three["als"]]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_enter_right_after_typing_opens_what_was_typed(
    store: SessionStore,
    three: dict[str, str],
    data_dir: Path,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Enter before the list has caught up with the typing opens the first match of what
    was typed, not the first row of the list still on screen."""
    import peercircle.tui.screens.history as screen

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        monkeypatch.setattr(screen, "SEARCH_DELAY", 30.0)  # the search-as-you-type never comes
        await pilot.press(*"tenancy", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.session.meta.id == three["balint"]  # the oldest: last in the full list


async def test_the_first_key_after_a_pause_searches_at_once(
    store: SessionStore,
    three: dict[str, str],
    data_dir: Path,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A word typed after a pause is searched with its first key; keys that follow close
    behind wait for the typing to pause. Before, every search waited SEARCH_DELAY."""
    from types import SimpleNamespace

    import peercircle.tui.screens.history as screen

    now = [1000.0]
    monkeypatch.setattr(screen, "time", SimpleNamespace(monotonic=lambda: now[0]))
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        history_screen = app.screen
        searches = history_screen._generation
        now[0] += 10
        await pilot.press("t")
        assert history_screen._generation == searches + 1  # searched at once
        assert history_screen._timer is None
        await pilot.press(*"enancy")  # close behind: one search once the typing pauses
        assert history_screen._generation == searches + 1
        assert history_screen._timer is not None
        await settle(pilot)
        assert history_screen._generation == searches + 2
        assert row_keys(app) == [three["balint"]]


async def test_save_again_and_copy_from_the_history(
    store: SessionStore, three: dict[str, str], data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.sessions.records.export import export_filename, render_markdown
    from peercircle.sessions.records.summary import summarise

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        await pilot.press(*"person:dev", "tab")
        await settle(pilot)
        assert row_keys(app) == [three["als"]]
        await pilot.press("x")
        await pilot.pause()
        expected = render_markdown(summarise(store.load(three["als"])))
        saved = tmp_path / "exports" / export_filename(summarise(store.load(three["als"])))
        assert saved.read_text(encoding="utf-8") == expected
        assert any(str(saved) in str(n.message) for n in app._notifications)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        assert app.clipboard == expected


async def test_history_says_what_to_do_when_there_is_nothing(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        assert not table(app).display
        assert "No past sessions yet" in text_of(app, "#history-none")
        assert "n on the home screen" in text_of(app, "#history-none")
        await pilot.press(*"from:2026-02-30")
        await settle(pilot)
        assert "from:2026-02-30 is not a date" in text_of(app, "#history-status")


async def test_history_from_the_command_palette_and_in_help(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    from peercircle.tui.keymap import help_markdown

    assert "| History: every past session, searchable | `h` |" in help_markdown()
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.screen.palette_commands()]
        assert any(t.startswith("History") for t in titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"History: search")
        await wait_for_command(pilot, "History: search")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_hostile_names_notes_and_queries_are_shown_as_text(
    store: SessionStore, data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    hostile = past_session(
        store,
        datetime(2026, 11, 20, 9, 0),
        "check-in-round",
        ("Ann [lead]", "Bob [/]"),
        shared="Pasted: \x1b[31m[bold]red[/bold]\x1b[0m <script>alert(1)</script> [x](javascript:alert(1))",
    )
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        await pilot.press(*"script [/nothing]")
        await settle(pilot)
        assert text_of(app, "#history-none").startswith("No session matches “script [/nothing]”")
        await pilot.press("ctrl+u", *"script")
        await settle(pilot)
        assert row_keys(app) == [hostile.meta.id]
        drawn = "".join(table(app).render_line(y).text for y in range(3))
        assert "2: Ann [lead], Bob [/]" in drawn  # the names as typed, not read as markup
        match = text_of(app, "#history-match")
        assert "\x1b" not in match and "[bold]red[/bold]" in match and "<script>" in match
        await pilot.press("tab", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.is_running


async def test_a_long_result_lists_the_newest_and_says_how_to_narrow_it(
    store: SessionStore,
    three: dict[str, str],
    data_dir: Path,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import peercircle.tui.screens.history as screen

    monkeypatch.setattr(screen, "MAX_ROWS", 2)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await settle(pilot)
        assert row_keys(app) == [three["check_in"], three["als"]]
        assert text_of(app, "#history-status").startswith("3 sessions match; the 2 newest are listed.")
        await pilot.press(*"to:2026-11")
        await settle(pilot)
        assert row_keys(app) == [three["als"], three["balint"]]
        assert text_of(app, "#history-status") == "2 of 3 sessions match."
