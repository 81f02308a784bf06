"""The built wheel installs one package, ``peercircle``, and keeps working beside other
packages that use the generic names its folders have in the repository (``tui``, ``content``,
``sessions``): an old ``tui`` on the public index once broke ``peercircle --version``."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pip(*args: str, cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", *args],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=cwd,  # absolute paths only: nothing depends on where pytest was started
    )


def _squatter(tmp_path: Path, name: str, body: str) -> Path:
    """A tiny project that installs a top-level package called ``name``."""
    project = tmp_path / f"squat-{name}"
    (project / name).mkdir(parents=True)
    (project / name / "__init__.py").write_text(body)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "squat-{name}"
        version = "1.0"
        [tool.setuptools]
        packages = ["{name}"]
        """)
    )
    return project


def test_the_wheel_holds_one_package_and_works_beside_tui_and_content(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _pip("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT), cwd=tmp_path)
    (wheel,) = dist.glob("peercircle-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "peercircle/content/formats/action-learning-set.md" in names
    assert "peercircle/tui/peercircle.tcss" in names
    assert "peercircle/__main__.py" in names
    outside = [n for n in names if not n.startswith(("peercircle/", "peercircle-"))]
    assert outside == []

    # Packages squatting on the folders' generic names: a Python 2 ``tui`` (a SyntaxError
    # on import, like the real one) and placeholder ``content`` and ``sessions``.
    squatters = [
        _squatter(tmp_path, "tui", 'print "an old terminal UI package"\n'),
        _squatter(tmp_path, "content", '"""placeholder"""\nFORMATS = None\n'),
        _squatter(tmp_path, "sessions", "raise ImportError('not peercircle')\n"),
    ]
    site = tmp_path / "site"
    _pip(
        "install", "--no-deps", "--no-build-isolation", "-q", "--target", str(site), str(wheel), cwd=tmp_path
    )
    for project in squatters:
        _pip(
            "install",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--target",
            str(site),
            str(project),
            cwd=tmp_path,
        )
    assert {"tui", "content", "sessions", "peercircle"} <= {p.name for p in site.iterdir()}

    # A clean interpreter: a new venv that sees the installed copy and the dependencies,
    # but not the checkout (PYTHONSAFEPATH) nor the test environment's editable install
    # (.pth files are not read from PYTHONPATH entries).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    deps = sysconfig.get_paths()["purelib"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), deps]), PYTHONSAFEPATH="1")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    version = run("-m", "peercircle", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("peercircle ")

    listing = run("-m", "peercircle", "--data-dir", str(tmp_path / "data"), "formats", "list")
    assert listing.returncode == 0, listing.stderr
    assert "action-learning-set" in listing.stdout
    assert "balint-group" in listing.stdout

    probe = (
        "import pathlib, peercircle, peercircle.tui.app as a;"
        "import peercircle.sessions.library.format_file as f, peercircle.sessions.library.decks as d;"
        "import peercircle.sessions.library.agreement as g;"
        "lib = f.load_library();"
        "print(pathlib.Path(peercircle.__file__).parent.parent);"
        "print(len(lib.formats), len(lib.errors), len(d.load_decks().decks),"
        " 'Confidential' in g.default_agreement());"
        "print((pathlib.Path(a.__file__).parent / a.PeerCircleApp.CSS_PATH).is_file())"
    )
    result = run("-c", probe)
    assert result.returncode == 0, result.stderr
    where, counts, css = result.stdout.splitlines()
    assert Path(where) == site
    assert counts == "24 0 14 True"
    assert css == "True"
    # The squatters are really there and really broken: the test would catch a clash.
    clash = run("-c", "import tui")
    assert clash.returncode != 0 and "SyntaxError" in clash.stderr
