"""A record saved while the app runs in a web browser (``textual serve``) is also offered
to the browser as a download: the export folder is on the computer serving the app."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.engine.session import Session
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui.app import PeerCircleApp
from tests.past_sessions import make_app, past_session


@dataclass
class Deliveries:
    """What the app handed to ``deliver_text``: (file name, text, MIME type) each time."""

    made: list[tuple[str, str, str | None]] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)
    """The notifications the app showed meanwhile."""

    def deliver_text(self, path_or_file: io.StringIO, **options: object) -> str:
        assert isinstance(path_or_file, io.StringIO)
        self.made.append((str(options["save_filename"]), path_or_file.getvalue(), options.get("mime_type")))  # type: ignore[arg-type]
        return "key"


@pytest.fixture
def session(data_dir: Path) -> Session:
    store = SessionStore(data_dir, writer=True)
    return past_session(store, datetime(2026, 11, 3, 14, 0), shared="Aisha presented the case.")


async def save_summary(
    app: PeerCircleApp, session: Session, web: bool, monkeypatch: pytest.MonkeyPatch
) -> Deliveries:
    deliveries = Deliveries()
    async with app.run_test(size=(100, 30)) as pilot:
        # The web driver is what says so under `textual serve`; Pilot's driver is headless.
        monkeypatch.setattr(type(app._driver), "is_web", property(lambda self: web))
        monkeypatch.setattr(app, "deliver_text", deliveries.deliver_text)
        await pilot.pause()
        assert app.open_past_session(session.meta.id)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        deliveries.toasts = [str(n.message) for n in app._notifications]
    return deliveries


async def test_in_a_browser_the_saved_record_is_also_downloaded(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    deliveries = await save_summary(app, session, web=True, monkeypatch=monkeypatch)
    (saved,) = (tmp_path / "exports").glob("*.md")
    assert deliveries.made == [(saved.name, saved.read_text(encoding="utf-8"), "text/markdown")]
    assert "Aisha presented the case." in deliveries.made[0][1]
    assert any("your browser downloads a copy" in toast for toast in deliveries.toasts)


async def test_in_a_terminal_nothing_is_delivered(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(data_dir, clock, tmp_path)
    deliveries = await save_summary(app, session, web=False, monkeypatch=monkeypatch)
    (saved,) = (tmp_path / "exports").glob("*.md")
    assert deliveries.made == []
    assert any(toast == f"Saved to {saved}" for toast in deliveries.toasts)


async def test_in_a_browser_a_record_the_server_cannot_write_is_still_downloaded(
    session: Session, data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "exports").write_text("a file where the export folder should be")
    app = make_app(data_dir, clock, tmp_path)
    deliveries = await save_summary(app, session, web=True, monkeypatch=monkeypatch)
    ((name, text, mime),) = deliveries.made
    assert name.endswith(".md") and mime == "text/markdown"
    assert "Aisha presented the case." in text
    assert any("your browser downloads it instead" in toast for toast in deliveries.toasts)
