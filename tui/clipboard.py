"""Copying text out of the app without ever raising or scribbling on the screen.

Two routes, both always attempted:

1. The system clipboard, through the tool pyperclip finds (xclip, xsel, wl-copy, pbcopy,
   clip.exe, ...), but only when ``pyperclip.determine_clipboard()`` finds a real one. For
   the command-line tools peercircle runs the tool itself, with its output sent to
   /dev/null and its exit status checked: pyperclip lets the tool write onto the
   terminal (over the Textual screen) and ignores a failure such as "Can't open display".
2. Textual's ``App.copy_to_clipboard``: an OSC 52 escape sequence to the terminal, which
   works locally, over SSH and in a browser, but is never acknowledged.

The toast says which route was used; Save (x) is always the sure way out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

TOOL_TIMEOUT = 3.0
"""Seconds a clipboard tool may take before it is given up on."""

# pyperclip's copy functions, by name: the command it would run and what to call it.
_COMMANDS: dict[str, tuple[list[str], str, str]] = {
    "copy_xclip": (["xclip", "-selection", "c"], "xclip", "utf-8"),
    "copy_xsel": (["xsel", "-b", "-i"], "xsel", "utf-8"),
    "copy_wl": (["wl-copy"], "wl-copy", "utf-8"),
    "copy_osx_pbcopy": (["pbcopy", "w"], "pbcopy", "utf-8"),
    "copy_wsl": (["clip.exe"], "clip.exe", "utf-16le"),
}
_IN_PROCESS = {
    "copy_windows": "the Windows clipboard",
    "copy_osx_pyobjc": "the macOS pasteboard",
    "copy_dev_clipboard": "/dev/clipboard",
}


def system_clipboard_copy(text: str) -> str | None:
    """Copy ``text`` with the system's clipboard tool; its name when it worked, else None.

    Never raises and never lets a tool print: every failure is just None.
    """
    try:
        if _only_qt_is_left():
            return None  # pyperclip would start a Qt application here, off the main thread
        import pyperclip

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copy_fn, _paste = pyperclip.determine_clipboard()
        if not copy_fn:
            return None  # pyperclip's "no clipboard" stand-in is falsy
        name = getattr(copy_fn, "__name__", "")
        if name in _COMMANDS:
            command, tool, encoding = _COMMANDS[name]
            if not text and tool == "wl-copy":
                command = [*command, "--clear"]
            done = subprocess.run(
                command,
                input=text.encode(encoding),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=TOOL_TIMEOUT,
                close_fds=True,
                check=False,
            )
            return tool if done.returncode == 0 else None
        if name == "copy_klipper":
            done = subprocess.run(
                ["qdbus", "org.kde.klipper", "/klipper", "setClipboardContents", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=TOOL_TIMEOUT,
                close_fds=True,
                check=False,
            )
            return "Klipper" if done.returncode == 0 else None
        if name in _IN_PROCESS:
            with (
                open(os.devnull, "w") as devnull,
                contextlib.redirect_stderr(devnull),
                warnings.catch_warnings(),
            ):
                warnings.simplefilter("ignore")
                copy_fn(text)
            return _IN_PROCESS[name]
        return None  # a backend this module does not know how to keep quiet
    except Exception:  # noqa: BLE001 - a clipboard failure must never reach the user as a crash
        return None


def _only_qt_is_left() -> bool:
    """True when pyperclip's search would end at its Qt backend: Linux with DISPLAY set
    and no clipboard tool. (Qt must not be started from a worker thread.)"""
    if not sys.platform.startswith("linux") or not os.environ.get("DISPLAY"):
        return False
    with contextlib.suppress(OSError), open("/proc/version", encoding="utf-8", errors="replace") as version:
        if "microsoft" in version.read().lower():
            return False  # WSL: clip.exe
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy") and shutil.which("wl-paste"):
        return False
    if shutil.which("xclip") or shutil.which("xsel"):
        return False
    return not (shutil.which("klipper") and shutil.which("qdbus"))


def copied_message(tool: str | None) -> str:
    """The toast after a copy: what was used, without claiming what cannot be known."""
    if tool:
        return f"Copied with {tool} and sent to the terminal (OSC 52)."
    return "Sent to the terminal's clipboard (OSC 52); if it did not arrive, use Save (x)."


def copy_text(app: App, text: str, what: str = "") -> None:
    """Copy ``text`` both ways and say how in a toast; never raises.

    The OSC 52 copy happens at once (so ``app.clipboard`` holds the text straight away);
    the system tool runs in a worker thread because it starts a process.
    """
    with contextlib.suppress(Exception):  # a terminal write failing must not lose the screen
        app.copy_to_clipboard(text)
    title = f"Copied {what}".strip() if what else "Copy"

    def copy_with_tool() -> None:
        tool = system_clipboard_copy(text)
        with contextlib.suppress(Exception):
            # notify is thread-safe and never waits, even for an app that is closing.
            app.notify(copied_message(tool), title=title, timeout=6, markup=False)

    app.run_worker(copy_with_tool, name="clipboard", group="clipboard", thread=True, exit_on_error=False)
