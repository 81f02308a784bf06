"""Copying text out of the app without ever raising or scribbling on the screen.

Textual's OSC 52 copy always runs (it works locally, over SSH and in a browser, but
cannot report success). pyperclip is tried as well, only when it has found a real
backend, with its helper's stderr silenced.
"""

from __future__ import annotations

import contextlib
import os


def system_clipboard_copy(text: str) -> bool:
    """Copy with pyperclip when a real clipboard tool exists; True if it reported success."""
    try:
        import pyperclip

        copy_fn, _paste = pyperclip.determine_clipboard()
        if not copy_fn:
            return False
        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
            copy_fn(text)
        return True
    except Exception:  # noqa: BLE001 - a clipboard failure must never reach the user as a crash
        return False
