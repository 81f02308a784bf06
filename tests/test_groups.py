"""Groups across meetings: the rota, actions carried from one meeting to the next, the
agreement's review date, and the group files on disk."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peercircle.sessions.groups.group import Group, GroupProblem, add_months, slug
from peercircle.sessions.groups.rota import PastMeeting, queue, suggest, suggest_roles
from peercircle.sessions.groups.store import GroupStore, GroupStoreError
from peercircle.sessions.groups.tracking import open_action_total
from peercircle.sessions.storage.store import SessionStore
from tests.group_meetings import SIX, group_year, run_meeting
from tests.past_sessions import past_session

# -- the rota -------------------------------------------------------------------------------

attendance = st.lists(st.sets(st.sampled_from(SIX)), min_size=1, max_size=30)


def _run(meetings: list[set[str]]) -> list[tuple[set[str], tuple[str, ...], list[str]]]:
    """Each meeting with who was there, who was offered (and took) the turn, and the
    queue as it stood before it."""
    history: list[PastMeeting] = []
    out = []
    for present in meetings:
        before = queue(SIX, history)
        chosen = suggest(SIX, present, history)
        out.append((present, chosen, before))
        history.append(PastMeeting(tuple(sorted(present)), chosen))
    return out


@given(st.integers(min_value=1, max_value=40))
def test_with_everyone_there_nobody_presents_twice_before_everyone_has_once(meetings: int) -> None:
    runs = _run([set(SIX)] * meetings)
    presenters = [chosen[0] for _, chosen, _ in runs]
    for start in range(0, meetings, len(SIX)):
        block = presenters[start : start + len(SIX)]
        assert len(set(block)) == len(block)
    # and the first round goes round the table
    assert presenters[: len(SIX)] == list(SIX)[: len(presenters[: len(SIX)])]


@given(attendance)
def test_someone_absent_when_their_turn_came_is_offered_it_when_back(meetings: list[set[str]]) -> None:
    runs = _run(meetings)
    for t, (present, _chosen, before) in enumerate(runs):
        # whose turn it was: the first in the queue, had everyone come
        due = before[0]
        if due in present or not present:
            continue
        for later, (back, offered, _) in enumerate(runs[t + 1 :], t + 1):
            if due in back:
                # offered the turn, unless someone else who also missed this meeting is
                # ahead of them in the queue
                assert offered[0] == due or (
                    offered[0] not in runs[t][0] and before.index(offered[0]) < before.index(due)
                ), (t, later, due, offered)
                break


@given(attendance)
def test_a_turn_is_offered_only_to_someone_there_and_to_someone_whenever_anyone_is(
    meetings: list[set[str]],
) -> None:
    for present, chosen, _ in _run(meetings):
        assert set(chosen) <= present
        assert bool(chosen) == bool(present)


@given(attendance, st.integers(min_value=1, max_value=12))
def test_after_any_absences_a_run_of_full_meetings_gives_everyone_a_turn_before_anyone_twice(
    before: list[set[str]], full: int
) -> None:
    runs = _run([*before, *[set(SIX)] * full])
    presenters = [chosen[0] for _, chosen, _ in runs[len(before) :]]
    for start in range(0, full, len(SIX)):
        block = presenters[start : start + len(SIX)]
        assert len(set(block)) == len(block), presenters


def test_an_override_sends_the_chosen_to_the_back_and_keeps_the_passed_over_at_the_front() -> None:
    history = [PastMeeting(SIX, ("Dev",))]  # Aisha was offered; the group chose Dev
    assert suggest(SIX, SIX, history) == ("Aisha",)
    assert queue(SIX, history)[-1] == "Dev"


def test_roles_rotate_and_never_fall_to_the_presenter() -> None:
    history: list[PastMeeting] = []
    for _ in range(6):
        presenter = suggest(SIX, SIX, history)
        roles = suggest_roles(("Facilitator", "Timekeeper"), SIX, SIX, history, presenter)
        assert presenter[0] not in roles.values()
        assert len(set(roles.values())) == 2
        history.append(PastMeeting(SIX, presenter, roles))
    facilitators = [m.roles["facilitator"] for m in history]
    assert len(set(facilitators)) == 6, facilitators


def test_guests_are_never_offered_a_turn() -> None:
    assert suggest(SIX, ("Gus", "Hana"), []) == ()


# -- actions across meetings --------------------------------------------------------------------


def test_actions_are_done_carried_and_dropped_across_meetings(data_dir: Path) -> None:
    year = group_year(data_dir)
    second, third = year.plans[1], year.plans[2]
    # meeting 2 heard back on both of meeting 1's actions
    assert [a.what for a in second.open_actions] == [
        "Ben to call the GP about Mrs K",
        "Read the new practice policy",
    ]
    # meeting 3: the reading, carried into meeting 2, is open again (once), and Ciara's
    assert [(a.what, a.carried_from != "") for a in third.open_actions] == [
        ("Read the new practice policy", True),
        ("ask the team lead about a co-worker", False),
    ]
    fourth = year.plan_next()
    assert [a.what for a in fourth.open_actions] == [
        "Dev to draft the chronology",
        "ask the team lead about a co-worker",
    ]
    from peercircle.sessions.groups.overview import overview
    from tests.group_meetings import reader

    seen = overview(year.group, reader(year.store), year.groups.ticks())
    status = {(a.what, a.session_id): a.status for a in seen.actions}
    first, second_id = year.sessions[0].meta.id, year.sessions[1].meta.id
    assert status[("Ben to call the GP about Mrs K", first)] == "done"
    assert status[("Read the new practice policy", first)] == "carried"
    assert status[("Read the new practice policy", second_id)] == "dropped"
    lines = {a.what: a.line for a in seen.actions if a.line}
    assert lines["Ben to call the GP about Mrs K"] == "called on the Tuesday"
    # the carried action is part of meeting 2's own record
    meeting = year.store.load(second_id).meta.meeting
    assert meeting is not None and [c.what for c in meeting.carried] == ["Read the new practice policy"]


def test_a_tick_between_meetings_closes_an_action_and_the_next_meeting_does_not_ask(
    data_dir: Path,
) -> None:
    year = group_year(data_dir)
    dev = next(a for a in year.plan_next().open_actions if a.who == "Dev")
    year.groups.tick(dev.id, "done", "sent to the team", now=datetime(2026, 10, 20, tzinfo=UTC))
    assert dev.id not in [a.id for a in year.plan_next().open_actions]
    # and it survives a new reader: it is on disk
    assert dev.id not in [a.id for a in year.plan_next().open_actions if a.is_open]
    assert GroupStore(data_dir).ticks()[-1].line == "sent to the team"


def test_the_open_action_count_follows_report_backs_and_ticks(data_dir: Path) -> None:
    year = group_year(data_dir)
    index = {e.id: e.open_actions for e in year.store.list_sessions()}
    # 5 action lines written, none ticked in the notes; 1 done, 1 carried and then dropped
    # (the carried copy adds one and closes), 2 open
    assert open_action_total(index, year.groups.ticks()) == 2
    ciara = next(a for a in year.plan_next().open_actions if a.who == "Ciara")
    year.groups.tick(ciara.id, "dropped")
    assert open_action_total(index, year.groups.ticks()) == 1


def test_a_purged_first_meeting_takes_nothing_a_later_one_needs(data_dir: Path) -> None:
    year = group_year(data_dir)
    first = year.sessions[0].meta.id
    year.store.delete(first)
    year.groups.forget_sessions({first})
    assert first not in year.group.meetings
    third = year.plan_next()
    assert [a.what for a in third.open_actions] == [
        "Dev to draft the chronology",
        "ask the team lead about a co-worker",
    ]
    # the carried copy is still in meeting 2's record, with its words
    meeting = year.store.load(year.sessions[1].meta.id).meta.meeting
    assert meeting is not None and meeting.carried[0].what == "Read the new practice policy"


def test_the_fourth_meeting_offers_dev_and_reports_back(data_dir: Path) -> None:
    year = group_year(data_dir)
    session = run_meeting(
        year,
        date(2026, 11, 2),
        SIX,
        outcomes={"Dev to draft the chronology": ("carried", "half done")},
    )
    assert session.meta.presenters == ("Dev",)
    meeting = session.meta.meeting
    assert meeting is not None
    assert [(r.what, r.status) for r in meeting.report_back] == [
        ("Dev to draft the chronology", "carried"),
        ("ask the team lead about a co-worker", "open"),
    ]


# -- the agreement's review date ------------------------------------------------------------------


def test_the_agreement_is_due_for_review_on_its_date() -> None:
    group = Group("g", "G", SIX).agreed("We keep to time.", date(2026, 1, 31))
    assert group.review_on == "2026-07-31"
    assert not group.review_due(date(2026, 7, 30))
    assert group.review_due(date(2026, 7, 31))
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    # an agreement never agreed is due; no agreement at all is not
    assert Group("g", "G", SIX, agreement="Text").review_due(date(2026, 1, 1))
    assert not Group("g", "G", SIX).review_due(date(2026, 1, 1))


# -- the files -----------------------------------------------------------------------------------


def test_a_data_folder_from_the_last_release_opens_untouched(data_dir: Path) -> None:
    """Made as the release before groups made it: sessions, an index, no groups.json."""
    store = SessionStore(data_dir)
    old = past_session(store, datetime(2026, 10, 1, 10, tzinfo=UTC), actions="Ben to call — by Friday")
    path = store.path_for(old.meta.id)
    before = path.read_bytes()
    groups = GroupStore(data_dir)
    assert groups.groups() == [] and groups.ticks() == [] and groups.problems == []
    assert not data_dir.joinpath("groups.json").exists()
    loaded = SessionStore(data_dir).load(old.meta.id)
    assert loaded.meta.meeting is None
    assert path.read_bytes() == before
    index = {e.id: e.open_actions for e in SessionStore(data_dir).list_sessions()}
    assert open_action_total(index, []) == 1


def test_group_files_are_private_and_round_trip(data_dir: Path) -> None:
    year = group_year(data_dir)
    for name in ("groups.json", "actions.json"):
        mode = stat.S_IMODE(os.stat(data_dir / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
    again = GroupStore(data_dir).get(year.group_id)
    assert again == year.group
    assert len(again.meetings) == 3


def test_a_damaged_groups_file_is_set_aside_and_the_app_carries_on(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "groups.json").write_text('{"schema": 1, "groups": [{"id": "a", "na', encoding="utf-8")
    groups = GroupStore(data_dir)
    assert groups.groups() == []
    assert "groups.json could not be used" in groups.problems[0]
    kept = list((data_dir / "quarantine").iterdir())
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith('{"schema": 1')
    made = groups.create("Circle", "Ann, Bo")
    assert GroupStore(data_dir).get(made.id) is not None


def test_one_damaged_group_leaves_the_others_and_a_copy_is_kept(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    good = Group("a", "A", ("Ann", "Bo")).to_dict()
    (data_dir / "groups.json").write_text(
        json.dumps({"schema": 1, "groups": [good, {"id": 3}, "x"]}), encoding="utf-8"
    )
    groups = GroupStore(data_dir)
    assert [g.id for g in groups.groups()] == ["a"]
    assert "2 group(s)" in groups.problems[0]
    (kept,) = (data_dir / "quarantine").iterdir()
    assert str(kept) in groups.problems[0]


def test_a_reader_meeting_a_damaged_group_says_no_copy_was_made_and_changes_nothing(data_dir: Path) -> None:
    """`peercircle groups` read the file as a reader, made no copy, and yet said 'a copy of
    the file is kept in .../quarantine'."""
    data_dir.mkdir(parents=True)
    good = Group("a", "A", ("Ann", "Bo")).to_dict()
    text = json.dumps({"schema": 1, "groups": [good, {"id": 3}]})
    (data_dir / "groups.json").write_text(text, encoding="utf-8")
    reader = GroupStore(data_dir, writer=False)
    assert [g.id for g in reader.groups()] == ["a"]
    assert "copy of the file is kept" not in reader.problems[0] and "left as it is" in reader.problems[0]
    assert not (data_dir / "quarantine").exists()
    assert (data_dir / "groups.json").read_text(encoding="utf-8") == text


def test_a_groups_file_from_a_newer_peercircle_is_never_rewritten(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    raw = {"schema": 99, "groups": [Group("a", "A", ("Ann", "Bo")).to_dict()], "future": True}
    (data_dir / "groups.json").write_text(json.dumps(raw), encoding="utf-8")
    groups = GroupStore(data_dir)
    assert [g.id for g in groups.groups()] == ["a"]
    with pytest.raises(GroupStoreError, match="newer peercircle"):
        groups.create("B", "Ann, Bo")
    assert json.loads((data_dir / "groups.json").read_text(encoding="utf-8")) == raw


def test_names_and_members_are_checked(data_dir: Path) -> None:
    groups = GroupStore(data_dir)
    groups.create("NQSW set", "Ann, Bo")
    with pytest.raises(GroupProblem, match="already a group"):
        groups.create("nqsw  SET", "Cy, Di")
    with pytest.raises(GroupProblem, match="twice"):
        groups.create("Other", "Ann, ann")
    with pytest.raises(GroupProblem, match="up to 12"):
        groups.create("Big", ",".join(f"P{i}" for i in range(13)))
    evil = groups.create("Set \x1b[2J<b>|x|", "Ann\x1b[31m, Bo")
    assert "\x1b" not in evil.name and evil.members == ("Ann", "Bo")
    assert slug("Café circle (North)") == "cafe-circle-north"


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_any_name_makes_a_file_safe_id(name: str) -> None:
    made = slug(name)
    assert made and all(c.isascii() and (c.isalnum() or c == "-") for c in made)


def test_purge_on_the_command_line_takes_old_meetings_out_of_their_group(data_dir: Path) -> None:
    from tests.commands import cli

    year = group_year(data_dir)
    ids = [s.meta.id for s in year.sessions]
    year.groups.tick(f"{ids[0]}#1", "done", "said in August", now=datetime(2026, 8, 10, tzinfo=UTC))
    days = (date.today() - date(2026, 9, 1)).days  # older than 1 September: the first meeting
    result = cli("purge", "--older-than", f"{days}d", "--yes", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 session(s)" in result.stdout
    groups = GroupStore(data_dir)
    group = groups.get(year.group_id)
    assert group is not None and list(group.meetings) == ids[1:]
    # the tick about the purged meeting's action went with it; the later ones stay
    assert all(not c.action_id.startswith(ids[0]) for c in groups.ticks())
    assert any(c.action_id.startswith(ids[1]) for c in groups.ticks())


def test_ticks_and_group_changes_from_several_threads_are_all_kept(data_dir: Path) -> None:
    """The app changes groups from its screen and from workers (a deletion takes a session
    out of its group): each change reads the list, adds to it and writes it whole, so two at
    once must not lose one."""
    import threading

    store = GroupStore(data_dir)
    group = store.create("Circle", ("Ann", "Bob", "Cat"))
    barrier = threading.Barrier(4)

    def work(n: int) -> None:
        barrier.wait()
        for i in range(25):
            store.tick(f"s{n}#{i}", "done")
            store.add_meeting(group.id, f"meeting-{n}-{i}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    again = GroupStore(data_dir)
    assert len(again.ticks()) == 100
    kept = again.get(group.id)
    assert kept is not None and len(kept.meetings) == 100


def test_a_damaged_file_that_cannot_be_set_aside_is_never_written_over(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "quarantine").write_text("a file where the folder should be", encoding="utf-8")
    damaged = '{"schema": 1, "changes": [{"action_id": "s#1", "sta'
    (data_dir / "actions.json").write_text(damaged, encoding="utf-8")
    groups = GroupStore(data_dir)
    assert groups.ticks() == []
    assert "actions.json could not be used" in groups.problems[0] and "moved" not in groups.problems[0]
    with pytest.raises(GroupStoreError, match="no copy of it could be kept"):
        groups.tick("s#2", "done")
    assert (data_dir / "actions.json").read_text(encoding="utf-8") == damaged
