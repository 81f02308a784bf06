"""The summary screen: the preview is exactly what leaves the app, anonymised or not, with
or without private notes, for the whole session or one person's learning record."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Static

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.records.anonymise import split_names
from peercircle.sessions.records.export import export_filename
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.screens.record_options import NamesScreen, PersonScreen, parse_pseudonyms
from peercircle.tui.screens.summary import SummaryScreen
from tests.past_sessions import make_app, past_session

PEOPLE = ("Aisha", "Ben", "Ciara")
SHARED = (
    "Aisha presented: Mrs Jones's tenancy is at risk and Leo has not been to school.\n"
    "Ben: I learned to ask what the family already tried.\n"
    "CIARA'S question about the duty team helped; aisha agreed."
)
PRIVATE = "Ben looked exhausted; check in with him privately."


@pytest.fixture
def session(data_dir: Path) -> Session:
    store = SessionStore(data_dir, writer=True)
    return past_session(
        store,
        datetime(2026, 11, 3, 14, 0),
        "balint-group",
        PEOPLE,
        shared=SHARED,
        actions="- Ben to call the housing officer by Friday",
        private=PRIVATE,
    )


async def open_summary(app, pilot, session: Session) -> SummaryScreen:
    await pilot.pause()
    assert app.open_past_session(session.meta.id)
    await pilot.pause()
    assert isinstance(app.screen, SummaryScreen)
    return app.screen


def shown(app) -> str:
    """The text the preview is showing: its front matter as plain text, then the Markdown."""
    front = str(app.screen.query_one("#front-matter", Static).content)
    body = app.screen.query_one("#summary", Markdown).source
    return f"{front}\n{body}" if front else body


def options(app) -> str:
    """The line above the preview saying what it holds."""
    return str(app.screen.query_one("#record-options", Static).content)


def has_word(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


async def test_anonymise_replaces_every_name_in_the_preview_and_what_is_saved(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, session)
        assert all(has_word(p, screen.markdown) for p in PEOPLE)
        assert "Anonymise: off (a)" in options(app)
        await pilot.press("a")
        await pilot.pause()
        preview = screen.markdown
        assert shown(app) == preview
        for person in PEOPLE:
            assert not has_word(person, preview), person
            assert not has_word(person + "'s", preview)
        assert "A." in preview and "B." in preview and "C." in preview
        assert "ANONYMISED: 3 people (a: off, n: names)" in options(app)
        await pilot.press("x")
        await pilot.pause()
        (saved,) = (tmp_path / "exports").glob("*.md")
        assert saved.read_text(encoding="utf-8") == preview
        assert saved.name == export_filename(screen.summary, anonymised=True, anonymiser=screen.anonymiser())
        assert not any(has_word(p, saved.name) for p in PEOPLE)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        assert app.clipboard == preview
        await pilot.press("a")  # and off again
        await pilot.pause()
        assert has_word("Aisha", shown(app))


async def test_pseudonyms_and_other_names_are_chosen_in_a_small_dialog(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, session)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)
        pseudonyms = app.screen.query_one("#pseudonyms", Input)
        assert pseudonyms.value == "Aisha=A., Ben=B., Ciara=C."  # what would be used now
        pseudonyms.value = "aisha=Ash, Ben=Ash"
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NamesScreen)  # two people cannot share a pseudonym
        assert "both have the pseudonym Ash" in str(app.screen.query_one("#names-error", Static).content)
        pseudonyms.value = "aisha=Ash, Ben=Bee"
        await pilot.press("enter")
        app.screen.query_one("#extra-names", Input).value = "Mrs Jones, Leo"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.anonymise
        preview = shown(app)
        for hidden in (*PEOPLE, "Jones", "Leo"):
            assert not has_word(hidden, preview), hidden
        assert "Ash" in preview and "Bee" in preview and "Person 1" in preview
        assert "ANONYMISED: 3 people, 2 other names" in options(app)
        await pilot.press("n", "escape")  # Esc leaves the choices as they were
        await pilot.pause()
        assert screen.pseudonyms == {"Aisha": "Ash", "Ben": "Bee"}


async def test_private_notes_are_left_out_until_asked_for(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, session)
        assert "exhausted" not in shown(app)
        assert "Private notes: left out (p)" in options(app)
        await pilot.press("p")
        await pilot.pause()
        assert "exhausted" in shown(app) and "exhausted" in screen.markdown
        assert "⚠ PRIVATE NOTES INCLUDED (p)" in options(app)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        assert "exhausted" in app.clipboard
        await pilot.press("p")
        await pilot.pause()
        assert "exhausted" not in shown(app)
        # In projector view private notes never reach the screen.
        await pilot.press("v", "p")
        await pilot.pause()
        assert app.projector and not screen.include_private
        assert "exhausted" not in shown(app)


async def test_a_learning_record_for_one_person(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_summary(app, pilot, session)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        await pilot.press("down", "down", "enter")  # past "The whole session" and Aisha: Ben
        await pilot.pause()
        assert screen.person == "Ben"
        record = shown(app)
        assert "Learning record: Ben" in record
        assert "ask what the family already tried" in record
        assert "call the housing officer" in record
        assert "Mrs Jones" not in record  # Aisha's line is not Ben's
        assert "Learning record: Ben (l)" in options(app)
        assert "Private notes: never in a learning record" in options(app)
        await pilot.press("p")  # does nothing here
        await pilot.pause()
        assert "exhausted" not in shown(app)
        await pilot.press("x")
        await pilot.pause()
        saved = tmp_path / "exports" / export_filename(screen.summary, person="Ben")
        assert saved.read_text(encoding="utf-8") == record
        await pilot.press("a")  # anonymised, the record names Ben by his initial
        await pilot.pause()
        assert not has_word("Ben", shown(app)) and "Learning record: B." in shown(app)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("home", "enter")  # back to the whole session
        await pilot.pause()
        assert screen.person is None and "## Participants" in shown(app)


def test_pseudonym_and_name_lists_are_read_as_typed() -> None:
    chosen, problems = parse_pseudonyms(" aisha = Ash ,Ben=B.;  Mrs Jones=Client ", PEOPLE)
    assert chosen == {"Aisha": "Ash", "Ben": "B.", "Mrs Jones": "Client"}
    assert problems == []
    assert parse_pseudonyms("Ben", PEOPLE)[1] == ["“Ben” needs the form Name=Pseudonym"]
    assert parse_pseudonyms("Ben=Aisha", PEOPLE)[1] == [
        "Aisha is someone's real name; choose another pseudonym for Ben"
    ]
    assert split_names("Mrs Jones,  Leo ,, Mrs Jones") == ("Mrs Jones", "Leo")


async def test_an_anonymised_record_that_would_still_name_someone_is_never_shown_saved_or_copied(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from peercircle.sessions.records import anonymise

    real = anonymise.anonymise_summary
    monkeypatch.setattr(
        "peercircle.sessions.records.export.anonymise_summary",
        lambda summary, anonymiser: dataclasses.replace(real(summary, anonymiser), agreement="Ben chairs"),
    )
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_summary(app, pilot, session)
        await pilot.press("a")
        await pilot.pause()
        assert "The anonymised record was not made" in shown(app)
        assert not has_word("Ben", shown(app).replace("'Ben'", ""))
        await pilot.press("x", "c")
        await pilot.pause()
        assert not (tmp_path / "exports").exists() or not list((tmp_path / "exports").glob("*.md"))
        assert app.clipboard != screen.markdown
        assert any("was not made" in str(n.message) for n in app._notifications)
