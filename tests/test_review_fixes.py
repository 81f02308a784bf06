"""Bugs a second pair of eyes found by hand; each was a failing test before its fix."""

from __future__ import annotations

from datetime import UTC

import pytest
from markdown_it import MarkdownIt

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.engine.timeline import Timeline
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.records.export import render_markdown
from peercircle.sessions.records.summary import summarise


def replays_to_live_state(session: Session) -> bool:
    meta = session.meta
    return (
        Timeline.replay(meta.format, meta.rotation, meta.presenter_order, session.events) == session.timeline
    )


def test_previous_speaker_never_returns_the_floor_to_someone_who_left(
    library: Library, clock: FakeClock
) -> None:
    session = Session.new(library.get("check-in-round"), ("Ann", "Ben", "Cat"), None, clock=clock)
    session.start()
    session.next_speaker()  # Ben
    session.remove_person("Ann")
    assert session.previous_speaker() is None
    assert session.view().speaker == "Ben"
    session.next_speaker()  # Cat
    session.remove_person("Cat")  # leaves while speaking: the round moves on
    assert "Cat" not in [p for p, _ in session.timeline.history]


def test_undoing_an_auto_advance_is_not_redone_on_the_next_tick(
    als_session: Session, clock: FakeClock
) -> None:
    als_session.set_auto_advance(True)
    clock.advance(301)
    assert als_session.auto_advance(None) is not None
    als_session.undo()
    clock.advance(1)
    assert als_session.auto_advance(None) is None
    assert als_session.view().step_index == 0
    assert replays_to_live_state(als_session)
    als_session.next_phase()  # the facilitator moves on by hand; auto-advance works again after
    clock.advance(601)
    assert als_session.auto_advance(None) is not None


def test_reopening_a_paused_session_keeps_the_pause_before_the_crash(
    als_session: Session, clock: FakeClock
) -> None:
    clock.advance(120)
    als_session.pause()
    clock.advance(600)
    alive = (clock.monotonic_ns(), clock.now().isoformat())  # heartbeat while paused
    clock.advance(60)  # crash, then back a minute later
    als_session.reopen(*alive)
    summary = summarise(als_session)
    assert summary.paused == pytest.approx(660)
    assert summary.elapsed == pytest.approx(780)
    assert replays_to_live_state(als_session)


def test_undo_keeps_a_leave_recorded_in_another_cycle(library: Library, clock: FakeClock) -> None:
    session = Session.new(
        library.get("troika-consulting"), ("Ann", "Ben", "Cat", "Dev"), ("Ann", "Ben"), clock=clock
    )
    session.start()
    for _ in range(4):
        clock.advance(60)
        session.next_phase()  # into Ben's cycle
    session.remove_person("Ann")
    session.undo()  # the phase move was a mistake: back into Ann's cycle
    assert "Ann" in session.view().left
    assert replays_to_live_state(session)


def test_an_extension_stays_with_the_phase_it_was_made_for(library: Library, clock: FakeClock) -> None:
    session = Session.new(library.get("balint-group"), ("Ann", "Ben", "Cat"), "Ann", clock=clock)
    session.start()
    clock.advance(60)
    session.next_phase()
    session.extend_phase(5)
    session.undo()  # back to the presentation: the five minutes were for the other phase
    assert session.view().planned == 600
    assert replays_to_live_state(session)


def rendered_text(markdown: str) -> str:
    """The words a reader sees: every text run of the parsed document, joined."""
    words = []
    for token in MarkdownIt("gfm-like").parse(markdown):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        words.append(" ")  # between blocks
    return " ".join("".join(words).split())


@pytest.mark.parametrize(
    "note",
    [
        "1. call the GP",
        "2) and then",
        "[1]: http://example.org",
        "first\n\n    indented <b> \\ text",
        "&copy; &amp;",
    ],
)
def test_notes_come_out_of_the_export_as_typed(als_session: Session, note: str) -> None:
    als_session.write_note(0, note)
    als_session.end()
    markdown = render_markdown(summarise(als_session))
    text = rendered_text(markdown)
    assert " ".join(note.split()) in text
    assert "\\" + note.split()[0] not in text  # no stray escape left in front
    tokens = MarkdownIt("gfm-like").parse(markdown)
    assert not any(t.type in ("code_block", "fence", "ordered_list_open") for t in tokens)


def test_bad_event_data_counts_as_a_damaged_file(data_dir, als, clock) -> None:
    import json

    from peercircle.sessions.storage.autosave import Autosaver
    from peercircle.sessions.storage.store import DamagedSession, SessionStore

    store = SessionStore(data_dir, writer=True)
    store.prepare()
    session = Session.new(als, ("Ann", "Ben", "Cat", "Dee"), "Ann", clock=clock)
    saver = Autosaver(store, session).start()
    session.start()
    session.extend_phase(1)
    saver.close()
    path = store.path_for(session.meta.id)
    raw = json.loads(path.read_text())
    for event in raw["events"].values():
        if event["kind"] == "extend":
            event["data"]["seconds"] = "lots"
    path.write_text(json.dumps(raw))
    reader = SessionStore(data_dir, writer=False)
    with pytest.raises(DamagedSession):
        reader.load(session.meta.id)
    raw["events"]["1"]["mono"] = None
    path.write_text(json.dumps(raw))
    with pytest.raises(DamagedSession):
        reader.load(session.meta.id)


def test_end_of_input_at_the_purge_question_means_no(data_dir, als, monkeypatch, capsys) -> None:
    import builtins
    import sys
    from datetime import datetime

    from peercircle.sessions.storage.autosave import Autosaver
    from peercircle.sessions.storage.store import SessionStore
    from peercircle.tui.cli import main

    store = SessionStore(data_dir, writer=True)
    store.prepare()
    old = Session.new(als, ("Ann", "Ben"), "Ann", clock=FakeClock(wall=datetime(2024, 1, 1, tzinfo=UTC)))
    Autosaver(store, old).start().close()

    def no_more_input(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", no_more_input)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    assert main(["--data-dir", str(data_dir), "purge", "--older-than", "90d"]) == 0
    assert "Nothing deleted" in capsys.readouterr().out
    assert store.path_for(old.meta.id).exists()
