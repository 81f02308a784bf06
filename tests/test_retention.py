"""A retention setting that is not a sensible number of days is reported and ignored.

A negative value in settings.json once deleted every session at the next start, and a huge
one ended every start in an OverflowError; a digit from another script ('٣', '５') passed
str.isdigit() and was read as a number. Issue 13's first point, found by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.storage.layout import DataFolder
from peercircle.sessions.storage.settings import MAX_RETENTION_DAYS, Settings, parse_age
from peercircle.sessions.storage.store import SessionStore
from tests.commands import cli
from tests.past_sessions import make_app, past_session

BAD_VALUES = [
    -5,
    "-5",
    0,
    1e30,
    99999999999999999999,
    True,
    "٣",
    "５",
    "90 days",
    [90],
    MAX_RETENTION_DAYS + 1,
]


def _write_settings(data_dir: Path, value: object) -> None:
    folder = DataFolder(data_dir)
    folder.settings.parent.mkdir(parents=True, exist_ok=True)
    folder.settings.write_text(json.dumps({"retention_days": value}), encoding="utf-8")


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_a_bad_retention_value_is_reported_and_ignored(data_dir: Path, value: object) -> None:
    _write_settings(data_dir, value)
    settings, problem = Settings.load_checked(data_dir)
    assert settings.retention_days is None
    assert problem is not None and "ignored and nothing is deleted" in problem


@pytest.mark.parametrize("value", [90, "90", MAX_RETENTION_DAYS, None])
def test_a_sensible_retention_value_is_kept(data_dir: Path, value: object) -> None:
    _write_settings(data_dir, value)
    settings, problem = Settings.load_checked(data_dir)
    assert problem is None
    assert settings.retention_days == (int(value) if value is not None else None)


@pytest.mark.parametrize("value", [-5, "-5", 1e30, 99999999999999999999])
async def test_the_app_starts_keeps_every_session_and_says_why(
    data_dir: Path, clock: FakeClock, tmp_path: Path, value: object
) -> None:
    store = SessionStore(data_dir)
    old = past_session(store, datetime(2020, 1, 6, 10, 0, tzinfo=UTC), shared="kept")
    _write_settings(data_dir, value)
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any("retention_days" in p and "nothing is deleted" in p for p in app.startup_problems)
    assert old.meta.id in {entry.id for entry in SessionStore(data_dir).list_sessions()}


@pytest.mark.parametrize("age", ["99999999999999999999d", "10000y", "٣d", "５", "-5d", "0"])
def test_the_retention_command_refuses_a_bad_age_in_one_line(data_dir: Path, age: str) -> None:
    assert cli("retention", "90d", data_dir=data_dir).returncode == 0
    result = cli("retention", age, data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert Settings.load(data_dir).retention_days == 90  # unchanged


def test_purge_refuses_other_scripts_digits(data_dir: Path) -> None:
    result = cli("purge", "--older-than", "５d", "--yes", data_dir=data_dir)
    assert result.returncode == 2 and "not an age" in result.stderr


def test_the_retention_command_reports_a_bad_file_value(data_dir: Path) -> None:
    _write_settings(data_dir, -5)
    result = cli("retention", data_dir=data_dir)
    assert result.returncode == 0
    assert "kept until deleted" in result.stdout and "ignored" in result.stderr


def test_ages_read_as_days() -> None:
    assert [parse_age(a) for a in ("90d", "12w", "6m", "2y", "90")] == [90, 84, 180, 730, 90]
