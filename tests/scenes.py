"""Straight to the live screen, for tests whose subject is the running session.

Going through the set-up screens (format, group, presenter, agreement) costs a restyle per
key and per screen; the set-up flow has its own tests (test_set_up_flow.py, the whole-session
and bad-group-input tests in test_app.py, the troika and seed tests). Here the app is given
the same answer those screens give: ``PeerCircleApp.start_session`` with the format, the
``GroupChoice`` and the agreement the agreement screen would show. The stack is the same as
after the set-up screens (home, then live: the set-up steps are dropped when the session starts).
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import clean_names
from peercircle.sessions.library.agreement import load_agreement
from peercircle.sessions.storage.layout import DataFolder
from peercircle.tui.app import PeerCircleApp
from peercircle.tui.screens.group import GroupChoice
from peercircle.tui.screens.live import LiveScreen


async def start_live(
    pilot,
    fmt: str = "action-learning-set",
    names: str = "Aisha,Ben,Ciara,Dev,Eilidh",
    presenter: int = 0,
    projected: bool = False,
) -> None:
    """Start a session of format ``fmt`` from home, as the set-up screens would.

    ``names`` as typed in the group box; ``presenter`` is the position of the one presenter
    (the highlighted one when Enter is pressed), for formats that have one. No seed.
    ``projected`` answers the agreement screen's "who can see this screen?": False (only
    the facilitator) here, because most live-screen tests are about facilitator view; the
    set-up screens' own default, the room, is tested in test_set_up_flow.py."""
    app = pilot.app
    await pilot.pause()
    form = app.library.get(fmt)
    assert form is not None, fmt
    people = clean_names(names)
    presenters = (people[presenter],) if form.needs_presenter else ()
    agreement = load_agreement(DataFolder(app.data_dir).agreement)
    app.start_session(form, GroupChoice(people, presenters, None), agreement, projected=projected)
    await pilot.pause()
    assert isinstance(app.screen, LiveScreen)


def make_app(data_dir: Path, clock: FakeClock, tmp_path: Path) -> PeerCircleApp:
    # The display timer is left out (tests call tick() themselves): a real-time tick
    # landing between two steps of a test would otherwise race the fake clock.
    return PeerCircleApp(
        data_dir=data_dir, clock=clock, export_dir=tmp_path / "exports", refresh_interval=3600
    )


async def pick_format(pilot, fmt: str) -> None:
    """Highlight format ``fmt`` in the chooser (the keys to reach it are tested elsewhere)."""
    options = pilot.app.screen.query_one("#formats", OptionList)
    options.highlighted = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == fmt
    )
    await pilot.pause()
