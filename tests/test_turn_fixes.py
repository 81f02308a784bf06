"""Turns, presenters and the floor as the facilitator set them up (issue 13, "The right numbers").

Each test names what a facilitator saw before the fix.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.library.format_file import Library
from peercircle.sessions.library.formats import SpeakerMode
from peercircle.sessions.storage.autosave import Autosaver
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.screens.people import PeopleScreen
from tests.scenes import make_app, pick_format, start_live

SEED_THAT_SWAPS_TWO = 1
"""With this seed, shuffling two names swaps them (what put Dev before Ciara)."""


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


# -- 1. a turn-order number never reorders the ticked presenters ----------------------------


def test_a_seed_keeps_the_presenters_in_the_order_they_were_ticked(
    library: Library, clock: FakeClock
) -> None:
    fmt = library.get("troika-consulting")
    people = ("Ann", "Bob", "Ciara", "Dev")
    session = Session.new(fmt, people, ("Ciara", "Dev"), clock=clock, seed=SEED_THAT_SWAPS_TWO)
    session.start()
    assert session.meta.rotation != people  # the seed still shuffles who speaks when
    presenting = []
    while True:
        view = session.view()
        if view.phase_index == 0:
            presenting.append(view.presenter)
        if view.is_last_step:
            break
        session.next_phase()
    assert presenting == ["Ciara", "Dev"]
    assert session.meta.presenter_order == ("Ciara", "Dev")


async def test_ticking_ciara_then_dev_with_a_seed_starts_with_ciara(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen: "Presenting order: 1. Ciara, 2. Dev", a turn-order number, then the live screen
    # said "Dev presents (1 of 2)".
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pick_format(pilot, "troika-consulting")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"Ann,Bob,Ciara,Dev", "enter")
        await pilot.pause()
        await pilot.press("down", "down", "space", "down", "space")  # Ciara, then Dev
        await pilot.pause()
        order = str(app.screen.query_one("#presenting-order").content)
        assert order == "Presenting order: 1. Ciara, 2. Dev"
        await pilot.press("tab", str(SEED_THAT_SWAPS_TWO), "enter")  # Enter in the seed box starts
        await pilot.pause()
        await pilot.press("enter")  # the group agreement
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        assert screen.session.meta.seed == SEED_THAT_SWAPS_TWO
        assert screen.state.place == "Phase 1 of 4 · Ciara presents (1 of 2)"


def test_a_session_saved_with_a_seed_before_reads_back_in_the_order_it_ran(
    data_dir: Path, library: Library, clock: FakeClock
) -> None:
    """Before schema 4 the seed shuffled the presenters too: a session saved then ran in the
    shuffled order, and must read back that way (its events were made for that order)."""
    store = SessionStore(data_dir, writer=True)
    store.prepare()
    fmt = library.get("troika-consulting")
    session = Session.new(fmt, ("Ann", "Bob", "Ciara", "Dev"), ("Dev", "Ciara"), clock=clock, seed=1)
    saver = Autosaver(store, session).start()
    session.start()
    for _ in range(len(fmt.phases)):
        clock.advance(60)
        session.next_phase()  # into the second presenter's cycle
    session.remove_person("Dev")  # the first presenter leaves once their cycle is over
    session.end()
    assert saver.close()
    path = store.path_for(session.meta.id)
    raw = json.loads(path.read_text())
    # As the peercircle before this one saved it: the ticked order, and schema 3.
    (meta,) = raw["meta"].values()
    meta["presenters"], meta["schema"] = ["Ciara", "Dev"], 3
    path.write_text(json.dumps(raw))
    old = store.load(session.meta.id)
    assert old.meta.presenters == ("Dev", "Ciara")  # shuffled with seed 1, as it ran
    assert old.timeline.presenter == "Ciara" and "Dev" in old.timeline.left
    assert not store.quarantined


# -- 2. a late arrival in a one-round go-round gets a turn ------------------------------------


def check_in(library: Library, clock: FakeClock) -> Session:
    session = Session.new(library.get("check-in-round"), ("Ann", "Bob", "Cat"), None, clock=clock)
    session.start()
    return session


def test_a_late_arrival_in_a_one_round_go_round_is_queued_and_the_phase_grows(
    library: Library, clock: FakeClock
) -> None:
    session = check_in(library, clock)
    assert session.view().planned == 180  # a minute each
    clock.advance(30)
    session.next_speaker()  # Bob
    session.add_person("Dee")
    view = session.view()
    assert view.upcoming == ("Cat", "Dee")
    assert view.planned == 240  # and a minute more for Dee
    session.next_speaker()  # Cat
    session.next_speaker()
    assert session.view().speaker == "Dee" and not session.view().round_complete
    session.next_speaker()
    assert session.view().round_complete


def test_the_record_shows_a_late_arrivals_minute_as_a_change_to_the_plan(
    library: Library, clock: FakeClock
) -> None:
    from peercircle.sessions.records.export import render_markdown
    from peercircle.sessions.records.summary import summarise

    session = check_in(library, clock)
    clock.advance(30)
    session.next_speaker()
    session.add_person("Dee")
    session.end()
    (step,) = summarise(session).phases
    assert (step.first_planned, step.changes, step.planned) == (180, (60,), 240)
    assert "Planned 03:00, +1 min (04:00 after the changes)" in render_markdown(summarise(session))


def test_a_late_arrival_after_the_round_closed_takes_the_floor_next(
    library: Library, clock: FakeClock
) -> None:
    session = check_in(library, clock)
    for _ in range(3):
        session.next_speaker()
    assert session.view().round_complete
    session.add_person("Dee")
    view = session.view()
    assert view.speaker == "Dee" and not view.round_complete
    assert view.turn_remaining == 60


def test_a_late_arrival_in_a_repeating_round_joins_from_the_next_round(
    library: Library, clock: FakeClock
) -> None:
    fmt = library.get("balint-group")
    assert fmt.phases[1].repeat_rounds
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee"), "Ann", clock=clock)
    session.start()
    session.next_phase()  # factual questions, round after round: Bob, Cat, Dee
    planned = session.view().planned
    session.add_person("Eve")
    assert session.view().upcoming == ("Cat", "Dee")
    assert session.view().planned == planned  # a fixed ten minutes, whoever asks
    session.next_speaker()
    session.next_speaker()
    session.next_speaker()
    assert session.view().round == 2 and session.view().upcoming == ("Cat", "Dee")
    assert "Eve" in session.timeline.members()


async def test_the_people_dialog_queues_a_late_arrival_in_a_check_in(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    # Seen: 'g', 'a', a name, then the round ran to "Round complete. Everyone has had a
    # turn." without them.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "check-in-round", "Ann,Bob,Cat")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await pilot.press("escape", "g", "a", *"Dee", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        assert any("Dee" in text and "this round" in text for text in notices(app)), notices(app)
        await pilot.press("n", "n", "n")
        await pilot.pause()
        assert screen.state.speaker == "Dee"
        assert screen.state.planned.startswith("of 04:00")
        await pilot.press("n")
        await pilot.pause()
        assert screen.state.speaker == "Round complete"


# -- 3. the presenter who listens in silence is never given the floor ------------------------


def balint_listening(library: Library, clock: FakeClock) -> Session:
    session = Session.new(library.get("balint-group"), ("Ann", "Bob", "Cat", "Dee"), "Ann", clock=clock)
    session.start()
    session.next_phase()
    session.next_phase()
    assert session.view().phase.mode is SpeakerMode.MEMBERS_WHILE_PRESENTER_LISTENS
    return session


def test_the_listening_presenter_cannot_be_given_the_floor(library: Library, clock: FakeClock) -> None:
    session = balint_listening(library, clock)
    number = session.view().members.index("Ann") + 1
    assert session.jump_to_number(number) is None
    assert session.jump_to("Ann") is None
    assert session.view().speaker is None
    assert session.floor_refusal("Ann") == "Ann listens in silence in this phase."
    # Members still take the floor, and the mark can still be cleared.
    assert session.floor_refusal("Bob") is None
    assert session.jump_to("Bob") is not None and session.view().speaker == "Bob"
    assert session.jump_to(None) is not None and session.view().speaker is None


def test_the_presenter_can_be_given_the_floor_once_they_return(library: Library, clock: FakeClock) -> None:
    session = balint_listening(library, clock)
    session.next_phase()  # the presenter returns: a dialogue
    assert session.floor_refusal("Ann") is None
    assert session.jump_to("Ann") is not None and session.view().speaker == "Ann"


@pytest.mark.parametrize("how", ["number", "people"])
async def test_keys_that_give_the_floor_say_why_the_presenter_listens(
    data_dir: Path, clock: FakeClock, tmp_path: Path, how: str
) -> None:
    # Seen: '1' in the Balint group's discussion put "Ann has the floor" on the wall while
    # Ann was to sit back and listen.
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_live(pilot, "balint-group", "Ann,Bob,Cat,Dee")
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await pilot.press("escape", "f", "f")
        await pilot.pause()
        assert screen.has_class("-listening")
        if how == "number":
            await pilot.press("1")
        else:
            await pilot.press("g", "enter")  # Ann, the presenter, is the first row
        await pilot.pause()
        assert screen.session.timeline.floor is None
        assert "Ann has the floor" not in screen.state.next_up
        assert "Ann listens in silence in this phase." in notices(app)
        if how == "people":
            assert isinstance(app.screen, PeopleScreen)  # still open, to choose someone else
            await pilot.press("down", "enter")
            await pilot.pause()
            assert screen.session.timeline.floor == "Bob"


def test_nobody_is_given_the_floor_in_a_silent_phase(library: Library, clock: FakeClock) -> None:
    fmt = library.get("one-two-four-all")
    assert fmt is not None
    session = Session.new(fmt, ("Ann", "Bob", "Cat", "Dee"), None, clock=clock)
    session.start()
    session.next_phase()  # Alone: silence
    assert session.jump_to_number(2) is None
    assert session.view().speaker is None
    assert session.floor_refusal("Bob") == "Nobody has the floor in a silent phase."
    session.next_phase()  # In pairs: open, marking who speaks works again
    assert session.jump_to_number(2) is not None and session.view().speaker == "Bob"
