"""Screens that know their app is a ``PeerCircleApp``, and answer their caller once.

Textual types ``self.app`` as a plain ``App``, so every ``self.app.store`` in a screen was
unchecked. These bases re-declare ``app`` for the type checker only (the same way Textual
declares it, with ``textual.getters.app``); at run time the inherited property is used
unchanged, so a screen costs nothing more and the import of the app stays out of the
import graph (``app.py`` imports the screens, not the other way round).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen

if TYPE_CHECKING:
    from textual import getters

    from peercircle.tui.app import PeerCircleApp

ResultT = TypeVar("ResultT")


class PeerCircleScreen(Screen[ResultT]):
    """A full screen of peercircle; ``self.app`` is the ``PeerCircleApp``."""

    if TYPE_CHECKING:
        app = getters.app(PeerCircleApp)

    def answer(self, result: ResultT) -> None:
        """Dismiss with ``result``, as long as this screen is still on top: a second Enter
        already on its way when the first one answered must not pop the screen below."""
        if self.app.screen is self:
            self.dismiss(result)
