"""Copying never raises and never prints: pyperclip missing, raising, without a backend,
or with a tool that fails; OSC 52 (App.clipboard) always gets the text."""

from __future__ import annotations

import stat
import sys
from datetime import datetime
from pathlib import Path

import pyperclip
import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.storage.store import SessionStore
from peercircle.tui import clipboard
from peercircle.tui.clipboard import copied_message, copy_text, system_clipboard_copy
from tests.past_sessions import make_app, past_session

TEXT = "Notes: café, עברית, 🙂 and a | pipe\nsecond line"
OSC_ONLY = "Sent to the terminal's clipboard (OSC 52); if it did not arrive, use Save (x)."


def fake_tool(folder: Path, name: str, body: str) -> Path:
    """An executable called ``name`` in ``folder`` running the shell ``body``."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A Linux session with no clipboard tool on PATH and no display (on any platform)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setattr(pyperclip.platform, "system", lambda: "Linux")
    monkeypatch.setattr(clipboard.sys, "platform", "linux")
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return empty


# -- the system clipboard, directly ------------------------------------------------------------


def test_no_backend_means_no_system_copy(no_display: Path) -> None:
    assert not pyperclip.determine_clipboard()[0]  # the "no clipboard" stand-in is falsy
    assert system_clipboard_copy(TEXT) is None


def test_pyperclip_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyperclip", None)  # "import pyperclip" now fails
    with pytest.raises(ImportError):
        import pyperclip  # noqa: F401
    assert system_clipboard_copy(TEXT) is None


def test_pyperclip_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "determine_clipboard", broken)
    assert system_clipboard_copy(TEXT) is None


def test_a_backend_that_raises_when_copying(monkeypatch: pytest.MonkeyPatch) -> None:
    def copy_windows(text: str) -> None:
        raise pyperclip.PyperclipWindowsException("Error calling OpenClipboard")

    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (copy_windows, lambda: ""))
    assert system_clipboard_copy(TEXT) is None


def test_an_in_process_backend_that_works(monkeypatch: pytest.MonkeyPatch) -> None:
    got: list[str] = []

    def copy_windows(text: str) -> None:
        print("chatter", file=sys.stderr)  # silenced
        got.append(text)

    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (copy_windows, lambda: ""))
    assert system_clipboard_copy(TEXT) == "the Windows clipboard"
    assert got == [TEXT]


def test_xclip_is_used_with_its_output_kept_off_the_screen(
    no_display: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    received = tmp_path / "received"
    fake_tool(no_display, "xclip", f'echo "xclip says hello" >&2; /bin/cat > "{received}"')
    monkeypatch.setenv("DISPLAY", ":99")
    assert system_clipboard_copy(TEXT) == "xclip"
    assert received.read_text(encoding="utf-8") == TEXT
    out, err = capfd.readouterr()
    assert "xclip says hello" not in out + err


def test_xclip_that_cannot_open_the_display_is_a_failure_not_a_scribble(
    no_display: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # pyperclip itself would neither notice the failure nor stop the message reaching the terminal.
    fake_tool(no_display, "xclip", '/bin/cat > /dev/null; echo "Error: Can\'t open display: :99" >&2; exit 1')
    monkeypatch.setenv("DISPLAY", ":99")
    assert system_clipboard_copy(TEXT) is None
    out, err = capfd.readouterr()
    assert "open display" not in out + err


def test_a_display_without_a_tool_never_starts_qt(no_display: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":99")

    calls: list[str] = []

    def must_not_run() -> None:
        # Recorded, not raised: system_clipboard_copy swallows every exception by design.
        calls.append("determine_clipboard would start a Qt application in a worker thread")

    monkeypatch.setattr(pyperclip, "determine_clipboard", must_not_run)
    assert system_clipboard_copy(TEXT) is None
    assert calls == []


def test_the_toast_says_which_route_was_used() -> None:
    assert copied_message("xclip") == "Copied with xclip and sent to the terminal (OSC 52)."
    assert copied_message(None) == OSC_ONLY


# -- through the app ---------------------------------------------------------------------------


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_copy_always_sends_osc52_and_says_so_when_pyperclip_is_missing(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyperclip", None)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        copy_text(app, TEXT)
        assert app.clipboard == TEXT  # at once, before the system tool has run
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert toasts(app)[-1] == OSC_ONLY


async def test_copy_with_a_working_tool_says_both(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got: list[str] = []

    def copy_xclip(text: str) -> None:
        raise AssertionError("pyperclip's own xclip call lets xclip print; it must not be used")

    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (copy_xclip, lambda: ""))
    monkeypatch.setattr(
        clipboard.subprocess,
        "run",
        lambda command, input, **kw: (
            got.append(input.decode()) or clipboard.subprocess.CompletedProcess(command, 0)
        ),
    )
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        copy_text(app, TEXT)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.clipboard == TEXT
        assert got == [TEXT]
        assert toasts(app)[-1] == "Copied with xclip and sent to the terminal (OSC 52)."


async def test_copy_on_the_summary_when_pyperclip_raises(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "determine_clipboard", broken)
    store = SessionStore(data_dir, writer=True)
    session = past_session(store, datetime(2026, 11, 3, 14, 0), shared="Notes to share")
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.open_past_session(session.meta.id)
        await pilot.pause()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.clipboard == app.screen.markdown
        assert "Notes to share" in app.clipboard
        assert toasts(app)[-1] == OSC_ONLY
        assert app.is_running  # nothing escaped


async def test_osc52_failing_does_not_escape(
    data_dir: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyperclip", None)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:

        def terminal_gone(text: str) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(app, "copy_to_clipboard", terminal_gone)
        copy_text(app, TEXT)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert toasts(app)[-1] == OSC_ONLY
