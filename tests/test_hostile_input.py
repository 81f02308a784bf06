"""Hostile input at the edges (issue 13): text that cannot be encoded, bytes that are not
UTF-8, and pastes holding control characters or escape sequences.

Whatever arrives, a save never fails on content and pasted text never becomes a command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import Format
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore
from peercircle.sessions.text import clean_text
from tests.conftest import GROUP


@pytest.fixture
def store(data_dir: Path) -> SessionStore:
    store = SessionStore(data_dir)
    store.prepare()
    return store


# -- 1. a lone surrogate never stops the saving --------------------------------------------


def test_a_lone_surrogate_in_a_note_saves_and_reads_back_replaced(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    session = Session.new(als, GROUP, "Aisha", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.write_note(0, "a\ud800b")
    assert saver.flush(), saver.error
    session.write_note(1, "later notes")  # every later save went on failing
    clock.advance(60)
    session.next_phase()
    assert saver.close(), saver.error
    notes = {n.phase_index: n.text for n in store.load(session.meta.id).notes}
    assert notes == {0: "a\ufffdb", 1: "later notes"}


def test_a_session_already_holding_a_lone_surrogate_still_saves(
    store: SessionStore, als: Format, clock: FakeClock
) -> None:
    # Past every entry point: a name given straight to the API, a note changed in place.
    people = ("Aisha\udcff", *GROUP[1:])
    session = Session.new(als, people, "Aisha\udcff", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    note = session.write_note(0, "fine")
    assert note is not None
    note.text = "broken \udc80 text"
    session.sink.note_changed(session, note)
    clock.advance(60)
    session.next_phase()
    assert saver.close(), saver.error
    loaded = store.load(session.meta.id)
    assert loaded.meta.people[0] == "Aisha\ufffd"
    assert loaded.notes[0].text == "broken \ufffd text"
    assert [e.id for e in store.list_sessions()] == [session.meta.id]


@pytest.fixture(scope="module")
def one_store(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    store = SessionStore(tmp_path_factory.mktemp("data"))
    store.prepare()
    return store


@given(text=st.text(alphabet=st.characters(blacklist_categories=())))
def test_any_note_text_saves_and_reads_back_cleaned(
    one_store: SessionStore, library: Library, text: str
) -> None:
    fmt = library.get("check-in-round")
    assert fmt is not None
    session = Session.new(fmt, GROUP, None, clock=FakeClock())
    session.write_note(0, text)
    one_store.write_batch(session.meta.id, meta=session.meta, notes=session.notes)
    read = one_store.read_notes(session.meta.id)
    one_store.close(session.meta.id)
    one_store.path_for(session.meta.id).unlink()
    assert [n.text for n in read] == ([clean_text(text)] if clean_text(text) else [])
    assert all(not 0xD800 <= ord(c) <= 0xDFFF for n in read for c in n.text)
