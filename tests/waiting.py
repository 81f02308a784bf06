"""Waiting on what a test needs, not on the wall clock.

A fixed ``pilot.pause(0.3)`` is either too long (slow on a fast machine) or too short
(flaky on a busy one). These helpers wait for the condition itself, and fail with a plain
message when it never comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable


async def wait_for(pilot, predicate: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    """Let the app run until ``predicate()`` is true (timers, workers and messages included).

    Fails after ``timeout`` seconds of wall-clock time, naming what never happened.
    """
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what or predicate} and it never happened")


async def settle_workers(pilot) -> None:
    """Wait until every worker has finished and its messages are handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for_command(pilot, title: str) -> None:
    """Wait until the command palette's search has found ``title`` and highlighted it.

    The palette searches in a worker as the text changes; Enter before the answer arrives
    picks nothing (or an older answer)."""
    from textual.command import CommandList
    from textual.css.query import NoMatches

    def found() -> bool:
        try:
            results = pilot.app.screen.query_one(CommandList)
        except NoMatches:
            return False
        index = results.highlighted
        if index is None or index >= results.option_count:
            return False
        prompt = results.get_option_at_index(index).prompt
        return title in getattr(prompt, "plain", str(prompt))

    await wait_for(pilot, found, what=f"the command palette to offer {title!r}")


async def wait_for_home(pilot) -> None:
    """Wait until the home screen shows the history: the data folder is opened, and the
    history listed, off the UI thread after the first frame (so a test that looks at the
    list, the problems above it or the resume offer waits for this first)."""
    from peercircle.tui.screens.home import HomeScreen

    def listed() -> bool:
        home = next((s for s in pilot.app.screen_stack if isinstance(s, HomeScreen)), None)
        return home is not None and home.history_listed

    await wait_for(pilot, listed, what="the home screen to list the history")
