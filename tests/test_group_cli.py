"""``peercircle groups`` and ``peercircle export --group``, run as a user would: in a
subprocess against a temporary data folder holding a group of six after four meetings."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from peercircle.sessions.groups.report import render_group_report
from peercircle.sessions.groups.store import GroupStore
from tests.commands import cli
from tests.export_samples import four_meetings, year_overview
from tests.group_meetings import SIX, GroupYear
from tests.test_group_report import names_left


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> GroupYear:
    year = four_meetings(tmp_path_factory.mktemp("cli") / "data")
    year.groups.create("NQSW set South", ("Ann", "Bo"))
    old = year.groups.create("Old circle", ("Ann", "Cy"))
    year.groups.save(replace(old, archived=True))
    return year


@pytest.fixture(scope="module")
def data(year: GroupYear) -> Path:
    return year.data_dir


def test_groups_lists_members_meetings_last_met_and_open_actions(data: Path, year: GroupYear) -> None:
    result = cli("groups", data_dir=data)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ID", "MEMBERS", "MEETINGS", "LAST", "MET", "OPEN"]
    north = lines[1].split()
    assert " ".join(north[:3]) == "NQSW set North"
    assert north[3:] == ["nqsw-set-north", "6", "4", "2026-11-02", "2"]
    # The count the index gives is the one the records give.
    assert int(north[-1]) == len(year_overview(year).open_actions)
    assert lines[2].split()[3:] == ["nqsw-set-south", "2", "0", "never", "0"]
    assert "Old circle" not in result.stdout
    assert lines[-1] == "1 archived group not shown; --all lists them."


def test_groups_all_includes_archived_ones_marked(data: Path) -> None:
    result = cli("groups", "--all", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert [line.split()[:3] for line in result.stdout.splitlines()[1:]] == [
        ["NQSW", "set", "North"],
        ["NQSW", "set", "South"],
        ["Old", "circle", "(archived)"],
    ]


def test_groups_with_none(tmp_path: Path) -> None:
    result = cli("--data-dir", str(tmp_path / "empty"), "groups")
    assert result.returncode == 0
    assert result.stdout.startswith("No groups yet in ")


def test_groups_reads_only(data: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in data.rglob("*")}
    assert cli("groups", "--all", data_dir=data).returncode == 0
    assert cli("export", "--group", "NQSW set North", data_dir=data).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in data.rglob("*")} == before


def test_export_group_writes_the_report(data: Path, year: GroupYear) -> None:
    result = cli("export", "--group", "nqsw set north", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout == render_group_report(year_overview(year))
    by_id = cli("export", "--group", "nqsw-set-north", data_dir=data)
    assert by_id.stdout == result.stdout


def test_export_group_into_a_file_and_a_folder(data: Path, tmp_path: Path, year: GroupYear) -> None:
    target = tmp_path / "north.md"
    result = cli("export", "--group", "NQSW set North", "-o", str(target), data_dir=data)
    assert result.returncode == 0, result.stderr
    assert target.read_text(encoding="utf-8") == render_group_report(year_overview(year))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = cli("export", "--group", "NQSW set North", "-o", str(target), data_dir=data)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (
        cli("export", "--group", "NQSW set North", "-o", str(target), "--force", data_dir=data).returncode
        == 0
    )
    folder = tmp_path / "reports"
    folder.mkdir()
    assert cli("export", "--group", "NQSW set North", "-o", str(folder), data_dir=data).returncode == 0
    assert [p.name for p in folder.iterdir()] == ["NQSW set North - group report.md"]


def test_export_group_anonymised(data: Path) -> None:
    result = cli(
        "export", "--group", "NQSW set North", "--anonymise", "--hide", "Mrs K", "--pseudonym", "Ben=Robin",
        data_dir=data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert names_left(result.stdout, (*SIX, "Gus", "Mrs K")) == []
    assert "Robin" in result.stdout and "Person 1" in result.stdout
    assert "anonymised: true" in result.stdout


def test_export_group_refuses_a_pseudonym_that_is_someone_elses_name(data: Path) -> None:
    result = cli("export", "--group", "NQSW set North", "--pseudonym", "Ben=Ciara", data_dir=data)
    assert result.returncode == 2
    assert "is the name of Ciara" in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "NQSW set Nrth",
            "no group called 'NQSW set Nrth'; did you mean 'NQSW set North' or 'NQSW set South'?",
        ),
        ("nqsw", "'nqsw' matches 2 groups (NQSW set North, NQSW set South); give more of the name"),
        ("zzz", "no group called 'zzz' ('peercircle groups' lists them)"),
        ("Old circel", "did you mean 'Old circle'?"),
    ],
)
def test_unknown_group_names_close_matches(data: Path, name: str, message: str) -> None:
    result = cli("export", "--group", name, data_dir=data)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_unknown_group_with_no_groups(tmp_path: Path) -> None:
    result = cli("--data-dir", str(tmp_path / "empty"), "export", "--group", "North")
    assert result.returncode == 2
    assert "there are no groups yet" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "x", "--group", "North"), "give a session id or --group, not both"),
        (("export", "--all", "--group", "North", "-o", "d"), "give --all or --group, not both"),
        (("export", "--group", " "), "--group needs a group's name"),
        (("export", "--group", "North", "--learning-record", "Ben"), "--learning-record is for one session"),
        (("export", "--group", "North", "--include-private"), "never holds private notes"),
    ],
)
def test_export_group_refuses_options_that_do_not_fit(
    data: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args, data_dir=data)
    assert result.returncode == 2
    assert message in result.stderr


def test_purged_meeting_is_stated_by_the_report_and_the_command(tmp_path: Path) -> None:
    year = four_meetings(tmp_path / "data")
    year.store.path_for(year.sessions[1].meta.id).unlink()
    result = cli("export", "--group", "NQSW set North", data_dir=year.data_dir)
    assert result.returncode == 0, result.stderr
    assert "1 of the group's meeting records could not be read" in result.stderr
    assert (
        f"- **Missing:** 1 meeting record could not be read (purged or damaged): {year.sessions[1].meta.id}."
        in (result.stdout)
    )
    listed = cli("groups", data_dir=year.data_dir)
    assert listed.stdout.splitlines()[1].split()[3:5] == ["nqsw-set-north", "6"]
    assert listed.stdout.splitlines()[1].split()[5] == "3"


def test_damaged_groups_file_is_reported_not_moved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    groups = GroupStore(data)
    groups.create("North", ("Ann", "Bo"))
    groups.folder.groups.write_text("{not json", encoding="utf-8")
    result = cli("groups", data_dir=data)
    assert result.returncode == 0
    assert "groups.json could not be used" in result.stderr
    assert result.stdout.startswith("No group could be read")  # not "No groups yet"
    assert groups.folder.groups.read_text(encoding="utf-8") == "{not json"  # a reader never moves it


def test_meeting_record_export_anonymised_hides_the_absent(data: Path, year: GroupYear) -> None:
    fourth = year.sessions[-1].meta.id
    result = cli("export", fourth, "--anonymise", "--also-hide", "Mrs K", data_dir=data)
    assert result.returncode == 0, result.stderr
    assert names_left(result.stdout, (*SIX, "Gus", "Mrs K")) == []
    assert "- **Absent:** E.\n" in result.stdout
