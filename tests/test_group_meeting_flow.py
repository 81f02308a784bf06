"""Starting a group's meeting from the home screen, as a facilitator would: pick the group,
tick who is here, hear back on open actions, take the usual format and the suggested
presenter, read the group's agreement, start."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from peercircle.sessions.engine.clock import FakeClock
from peercircle.sessions.groups.store import GroupStore
from peercircle.tui.screens.agreement import AgreementScreen
from peercircle.tui.screens.choose_format import ChooseFormatScreen
from peercircle.tui.screens.group import GroupScreen
from peercircle.tui.screens.groups import GroupsScreen
from peercircle.tui.screens.live import LiveScreen
from peercircle.tui.screens.meeting_start import AttendanceScreen, ReportBackScreen
from tests.group_meetings import group_year
from tests.past_sessions import make_app
from tests.screen_text import shown_text
from tests.waiting import wait_for


async def test_the_fourth_meeting_hears_back_and_offers_the_next_presenter(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    year = group_year(data_dir)
    first = year.sessions[0].meta.id
    clock = FakeClock(wall=datetime(2026, 11, 2, 10, tzinfo=UTC))
    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.folder_is_open, what="the folder")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen), what="groups")
        assert "NQSW set North" in shown_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AttendanceScreen), what="attendance")
        text = shown_text(app)
        assert "meeting 4" in text
        for name in ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser"):
            assert f"☑ {name}" in text
        # Fraser is away today; a guest comes
        await pilot.press("end", "space")
        assert "☐ Fraser · absent" in shown_text(app)
        app.screen.query_one("#guests").value = "Hana"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportBackScreen), what="report back")
        text = shown_text(app)
        assert "Dev to draft the chronology" in text and "ask the team lead about a co-worker" in text
        # the line goes with the action just ticked (the cursor stays on it), then down
        await pilot.press("c", "l")
        app.screen.query_one("#report-line").value = "started; half done"
        await pilot.press("enter")
        assert "“started;" in shown_text(app) and "half done”" in shown_text(app)  # wraps at 100
        await pilot.press("down", "l")
        app.screen.query_one("#report-line").value = "asked; waiting for an answer"
        await pilot.press("enter")
        assert "asked; waiting for an answer" in shown_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChooseFormatScreen), what="formats")
        await pilot.press("enter")  # the usual format, highlighted
        await wait_for(pilot, lambda: isinstance(app.screen, GroupScreen), what="people")
        text = shown_text(app)
        assert "The rota suggests Dev to present" in text
        assert "Hana" in text and "Fraser" not in text.split("who presents")[1].split("Rotating")[0]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen), what="agreement")
        assert "Agreed 2026-08-03; review by 2027-02-03." in shown_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LiveScreen), what="live")
        session = app.screen.session
        meeting = session.meta.meeting
        assert session.meta.presenters == ("Dev",)
        assert meeting is not None
        assert meeting.absent == ("Fraser",) and meeting.guests == ("Hana",)
        assert [(r.what, r.status, r.line) for r in meeting.report_back] == [
            ("Dev to draft the chronology", "carried", "started; half done"),
            ("ask the team lead about a co-worker", "open", "asked; waiting for an answer"),
        ]
    groups = GroupStore(data_dir)
    group = groups.get(year.group_id)
    assert group is not None and group.meetings[-1] == session.meta.id and group.meetings[0] == first
    assert any(c.into == f"{session.meta.id}#c1" for c in groups.ticks())


async def test_the_retention_purge_at_start_takes_old_meetings_out_of_their_group(tmp_path: Path) -> None:
    """The purge runs on the thread that opens the data folder; the group's file is changed
    there too (asking the app for its group store there waited on itself for ever)."""
    from peercircle.sessions.storage.settings import Settings

    data_dir = tmp_path / "data"
    year = group_year(data_dir)
    ids = [s.meta.id for s in year.sessions]
    Settings(retention_days=60).save(data_dir)  # on 2 November: drops 3 August only
    app = make_app(data_dir, FakeClock(wall=datetime(2026, 11, 2, 10, tzinfo=UTC)), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.folder_is_open, what="the folder")
        assert "1 session(s) older than 60 days were deleted" in "\n".join(app.startup_problems)
        group = app.groups.get(year.group_id)
        assert group is not None and list(group.meetings) == ids[1:]
    assert list(GroupStore(data_dir).get(year.group_id).meetings) == ids[1:]  # type: ignore[union-attr]


async def test_the_group_screen_saves_the_group_report(tmp_path: Path) -> None:
    from peercircle.tui.screens.group_overview import GroupOverviewScreen

    data_dir = tmp_path / "data"
    group_year(data_dir)
    app = make_app(data_dir, FakeClock(wall=datetime(2026, 11, 2, 10, tzinfo=UTC)), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.folder_is_open, what="the folder")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen), what="groups")
        await pilot.press("o")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, GroupOverviewScreen) and app.screen.overview is not None,
            what="the group read",
        )
        await pilot.press("x")
        report = tmp_path / "exports" / "NQSW set North - group report.md"
        await wait_for(pilot, report.exists, what="the report file")
    text = report.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "# Group report: NQSW set North" in text
    for name in ("Aisha", "Ben", "Ciara", "Dev", "Eilidh", "Fraser", "Gus"):
        assert name in text
    assert oct(report.stat().st_mode & 0o777) == "0o600"


async def test_every_groups_actions_stay_off_the_wall_in_projector_view(tmp_path: Path) -> None:
    from peercircle.tui.screens.actions_view import ActionsScreen

    data_dir = tmp_path / "data"
    group_year(data_dir)
    app = make_app(data_dir, FakeClock(wall=datetime(2026, 11, 2, 10, tzinfo=UTC)), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.folder_is_open, what="the folder")
        app.projector = True  # as after a session shown to the room
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionsScreen), what="actions")
        await pilot.pause()
        text = shown_text(app)
        assert "Projector view is on" in text
        assert "Dev to draft the chronology" not in text and "Ciara" not in text
        await pilot.press("v")
        await wait_for(
            pilot, lambda: "Dev to draft the chronology" in shown_text(app), what="the list, named"
        )
        assert not app.projector


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 60)])
async def test_the_groups_list_keeps_the_review_date_on_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    """At 100 columns the members' names pushed the agreement's column off: 'review 2027-'."""
    data_dir = tmp_path / "data"
    group_year(data_dir)
    app = make_app(data_dir, FakeClock(wall=datetime(2026, 11, 2, 10, tzinfo=UTC)), tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.folder_is_open, what="the folder")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen), what="groups")
        await pilot.pause()
        text = shown_text(app)
        assert "NQSW set North" in text and "review 2027-02-03" in text and "6: Aisha" in text
        if size[0] >= 200:
            assert "6: Aisha, Ben, Ciara, Dev, Eilidh, Fraser" in text


async def test_a_meeting_killed_before_its_group_heard_of_it_joins_the_group_on_resume(
    tmp_path: Path,
) -> None:
    """The session is written first and the group told second: a kill (or a full disk) in
    between left a meeting its group never listed, so its report back and turn were lost
    to the rota. Resuming it puts it in its group, with its report back's statuses."""
    from peercircle.sessions.engine.session import Session
    from peercircle.sessions.groups.meetings import meeting, plan
    from peercircle.sessions.groups.tracking import to_report_back
    from peercircle.sessions.library.format_file import load_library
    from peercircle.sessions.storage.autosave import Autosaver
    from peercircle.tui.screens.confirm import ConfirmScreen
    from tests.group_meetings import reader

    data_dir = tmp_path / "data"
    year = group_year(data_dir)
    clock = FakeClock(wall=datetime(2026, 11, 2, 10, tzinfo=UTC))
    the_plan = plan(year.group, reader(year.store), year.groups.ticks(), clock.now().date())
    report = tuple(to_report_back(a, "done", "") for a in the_plan.open_actions)
    assert report
    session = Session.new(
        load_library().get("action-learning-set"),
        year.group.members,
        "Dev",
        clock=clock,
        meeting=meeting(year.group, year.group.members, (), {}, report),
    )
    saver = Autosaver(year.store, session).start()
    session.start()
    clock.advance(60)
    saver.close()  # killed here, before the group was told
    year.store.write_alive(session.meta.id, clock.monotonic_ns(), clock.now().isoformat())
    assert session.meta.id not in year.group.meetings

    app = make_app(data_dir, clock, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the offer to resume")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, LiveScreen), what="live")
    again = GroupStore(data_dir)
    group = again.get(year.group_id)
    assert group is not None and group.meetings[-1] == session.meta.id
    assert {c.action_id for c in again.ticks() if c.source == session.meta.id} == {
        r.action_id for r in report
    }


async def test_a_meeting_past_the_review_date_says_so_and_agreeing_records_the_review(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    year = group_year(data_dir)  # agreed 3 August 2026: review by 3 February 2027
    app = make_app(data_dir, FakeClock(wall=datetime(2027, 3, 1, 10, tzinfo=UTC)), tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.folder_is_open, what="the folder")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen), what="groups")
        assert "review due" in shown_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AttendanceScreen), what="attendance")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportBackScreen), what="report back")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChooseFormatScreen), what="formats")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupScreen), what="people")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementScreen), what="agreement")
        text = shown_text(app)
        assert "⚠ Review due since 2027-02-03 (agreed 2026-08-03)" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LiveScreen), what="live")
    group = GroupStore(data_dir).get(year.group_id)
    assert group is not None and str(group.agreed_on) == "2027-03-01"
    assert not group.review_due(datetime(2027, 3, 2).date())
