"""The data folder's layout, where the platform keeps it, where exports go, and its lock.

Every test here runs under conftest's fake HOME; the ones that look at the platform's own
folders unset PEERCIRCLE_HOME (and XDG_CONFIG_HOME, so the real ~/.config is never read).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import platformdirs
import pytest

from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.lock import FolderLock
from peercircle.sessions.storage.settings import Settings
from peercircle.sessions.storage.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")


@pytest.fixture
def platform_home(private_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake HOME, with peercircle left to find its folders as on a user's machine."""
    for name in ("PEERCIRCLE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_DOCUMENTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return private_home


def localise_documents(home: Path, folder: str = "Dokumente") -> Path:
    """A German desktop: user-dirs.dirs names ~/Dokumente as the Documents folder."""
    config = home / ".config"
    config.mkdir(mode=0o700, exist_ok=True)
    dirs = config / "user-dirs.dirs"
    dirs.write_text(f'# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR="$HOME/{folder}"\n')
    dirs.chmod(0o600)  # platformdirs ignores a file others could have written
    documents = home / folder
    documents.mkdir()
    return documents


def test_every_name_in_the_folder_comes_from_one_place(tmp_path: Path) -> None:
    folder = DataFolder(tmp_path)
    names = {
        "sessions": folder.sessions,
        "index.json": folder.index,
        "quarantine": folder.quarantine,
        "formats": folder.formats,
        "decks": folder.decks,
        "agreement.md": folder.agreement,
        "settings.json": folder.settings,
        "lock": folder.lock,
        "lock.pid": folder.lock_owner,
        "exports": folder.exports,
    }
    assert {name: path.relative_to(tmp_path).as_posix() for name, path in names.items()} == {
        name: name for name in names
    }
    store = SessionStore(tmp_path)
    assert (store.sessions_dir, store.index_path, store.quarantine_dir) == (
        folder.sessions,
        folder.index,
        folder.quarantine,
    )
    assert FolderLock(tmp_path).path == folder.lock
    with pytest.raises(AttributeError):
        folder.root = tmp_path / "elsewhere"  # type: ignore[misc]  # frozen: a value, not a place to change


def test_no_code_joins_names_onto_the_data_folder_itself() -> None:
    """A guard for the next change: a path inside the data folder is DataFolder's to build."""
    joined = re.compile(r"data_dir\)?\s*/\s*[\"']")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("sessions", "tui")
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if joined.search(line)
    ]
    assert offenders == []


def test_peercircle_home_chooses_the_folder_and_keeps_exports_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_home: Path
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    (private_home / "Documents").mkdir()
    monkeypatch.setenv("PEERCIRCLE_HOME", "~/circle")
    folder = DataFolder.default()
    assert folder.root == private_home / "circle"
    assert folder.export_dir() == private_home / "circle" / "exports"
    monkeypatch.setenv("PEERCIRCLE_EXPORT_DIR", str(tmp_path / "out"))
    assert folder.export_dir() == tmp_path / "out"


@linux_only
def test_the_platform_data_folder(platform_home: Path) -> None:
    assert DataFolder.default().root == platform_home / ".local" / "share" / "peercircle"


@linux_only
def test_an_absolute_xdg_data_home_is_used(
    platform_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert DataFolder.default().root == tmp_path / "xdg" / "peercircle"


@linux_only
@pytest.mark.parametrize("value", ["", "   ", "relative/data", "./data", "~/data"])
def test_a_relative_or_blank_xdg_data_home_is_ignored(
    value: str, platform_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The XDG spec: "If an implementation encounters a relative path in any of these
    # variables it should consider the path invalid and ignore it."
    monkeypatch.chdir(tmp_path)  # were it used, the folder would land here
    monkeypatch.setenv("XDG_DATA_HOME", value)
    root = DataFolder.default().root
    assert root == platform_home / ".local" / "share" / "peercircle"
    assert root.is_absolute()


def test_a_relative_answer_from_an_older_platformdirs_is_not_used(
    platform_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # platformdirs releases before the XDG check joined a relative XDG_DATA_HOME on as it was.
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *a, **k: Path("relative/peercircle"))
    assert DataFolder.default().root == Path.home() / ".local" / "share" / "peercircle"


@linux_only
def test_exports_go_to_a_localised_documents_folder(platform_home: Path) -> None:
    documents = localise_documents(platform_home)
    assert not (platform_home / "Documents").exists()
    assert DataFolder.default().export_dir() == documents / "peercircle"


@linux_only
def test_the_app_exports_to_the_localised_documents_folder(platform_home: Path, tmp_path: Path) -> None:
    from peercircle.tui.app import PeerCircleApp

    documents = localise_documents(platform_home)
    assert PeerCircleApp(data_dir=tmp_path / "chosen").export_dir == documents / "peercircle"
    assert PeerCircleApp().data_dir == platform_home / ".local" / "share" / "peercircle"


def test_exports_go_to_documents_when_it_exists(platform_home: Path) -> None:
    documents = platformdirs.user_documents_path()
    assert documents.is_relative_to(platform_home)  # the fake home, never the real one
    folder = DataFolder.default()
    assert folder.export_dir() == folder.exports  # no Documents folder yet
    documents.mkdir(parents=True)
    assert folder.export_dir() == documents / "peercircle"


def test_settings_and_agreement_live_where_the_layout_says(data_dir: Path) -> None:
    from peercircle.sessions.library.agreement import load_agreement, save_agreement

    data_dir.mkdir()
    Settings(retention_days=30).save(data_dir)
    save_agreement(DataFolder(data_dir).agreement, "# Ours")
    folder = DataFolder(data_dir)
    assert '"retention_days": 30' in folder.settings.read_text(encoding="utf-8")
    assert folder.agreement.read_text(encoding="utf-8").startswith("# Ours")
    assert load_agreement(DataFolder(data_dir).agreement).startswith("# Ours")


# -- the lock --------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_lock_and_its_pid_are_private(data_dir: Path) -> None:
    data_dir.mkdir()
    lock = FolderLock(data_dir)
    assert lock.acquire() is None and lock.held
    folder = DataFolder(data_dir)
    for path in (folder.lock, folder.lock_owner):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert folder.lock_owner.read_text().strip() == str(os.getpid())
    lock.release()
    assert not lock.held


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_lock_file_left_open_to_others_is_made_private(data_dir: Path) -> None:
    data_dir.mkdir()
    DataFolder(data_dir).lock.write_text("")
    DataFolder(data_dir).lock.chmod(0o644)
    lock = FolderLock(data_dir)
    assert lock.acquire() is None
    assert stat.S_IMODE(DataFolder(data_dir).lock.stat().st_mode) == 0o600
    lock.release()


def test_a_clean_release_is_not_taken_for_a_crash(data_dir: Path) -> None:
    data_dir.mkdir()
    first = FolderLock(data_dir)
    assert first.acquire() is None
    first.release()
    DataFolder(data_dir).lock_owner.write_text("")  # as another process's clean exit leaves it
    second = FolderLock(data_dir)
    assert second.acquire() is None
    assert second.took_over_from is None
    second.release()


def test_acquiring_twice_and_releasing_twice_are_harmless(data_dir: Path) -> None:
    data_dir.mkdir()
    lock, other = FolderLock(data_dir), FolderLock(data_dir)
    assert lock.acquire() is None
    assert lock.acquire() is None  # already ours
    lock.release()
    lock.release()
    assert other.acquire() is None  # a single release let it go for good
    other.release()
