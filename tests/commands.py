"""Running the ``peercircle`` command as a user would: a subprocess with its own data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m peercircle ARGS``; ``data_dir`` becomes PEERCIRCLE_HOME (the tests' own
    fake home and data folder are in the environment already, so no run touches real data)."""
    env = dict(os.environ)
    if data_dir is not None:
        env["PEERCIRCLE_HOME"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "peercircle", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
