"""An installed copy finds its format files and stylesheet, not just a checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_built_wheel_carries_and_finds_its_content(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=tmp_path,  # absolute paths only: nothing depends on where pytest was started
    )
    (wheel,) = dist.glob("peercircle-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "content/formats/action-learning-set.md" in names
    assert "tui/peercircle.tcss" in names
    assert not any(n.startswith("tests/") for n in names)

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=tmp_path,  # absolute paths only: nothing depends on where pytest was started
    )
    # Run from an empty folder with only the installed copy ahead of the environment's
    # dependencies, so nothing can be picked up from the checkout.
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONSAFEPATH="1")
    probe = (
        "import content, sessions.format_file as f, tui.app as a, pathlib;"
        "lib = f.load_library();"
        "print(pathlib.Path(content.__file__).parent.parent);"
        "import sessions.decks as d, sessions.agreement as g;"
        "print(len(lib.formats), len(lib.errors), len(d.load_decks().decks),"
        " 'Confidential' in g.default_agreement());"
        "print((pathlib.Path(a.__file__).parent / a.PeerCircleApp.CSS_PATH).is_file())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    where, counts, css = result.stdout.splitlines()
    assert Path(where) == site
    assert counts == "24 0 11 True"
    assert css == "True"
