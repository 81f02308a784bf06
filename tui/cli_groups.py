"""``peercircle groups``: the groups in the data folder, one line each.

    peercircle groups [--all]

Read only: the groups file and the session index are read, nothing is written, so it runs
beside an open app. Archived groups are listed with ``--all`` (and marked so).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peercircle.sessions.groups.group import Group
    from peercircle.sessions.groups.tracking import StatusChange
    from peercircle.sessions.storage.store import IndexEntry


def add_groups_command(commands: argparse._SubParsersAction) -> None:
    groups = commands.add_parser(
        "groups",
        help="list groups: members, meetings, when they last met, open actions",
        description="List the groups that meet again and again, with their meetings and open actions.",
    )
    groups.add_argument("--all", action="store_true", help="include archived groups")


def run_groups(args: argparse.Namespace, data_dir: Path) -> int:
    from peercircle.sessions.groups.store import GroupStore
    from peercircle.sessions.storage.store import SessionStore

    groups = GroupStore(data_dir, writer=False)
    everyone = groups.groups(archived=True)
    for problem in groups.problems:
        print(f"peercircle: {problem}", file=sys.stderr)
    shown = [g for g in everyone if args.all or not g.archived]
    hidden = len(everyone) - len(shown)
    if not shown:
        if everyone:
            print("No groups but archived ones.")
        elif groups.problems:
            print(f"No group could be read in {data_dir} (see above).")
        else:
            print(f"No groups yet in {data_dir}.")
        if hidden:
            print(
                f"{hidden} archived group{'' if hidden == 1 else 's'}: 'peercircle groups --all' lists them."
            )
        return 0
    # The index, not the session files: the last meeting's date and each meeting's open
    # action lines are in it, and the statuses given since are in the groups' own files.
    entries = {e.id: e for e in SessionStore(data_dir, writer=False).list_sessions()}
    ticks = groups.ticks()
    rows = [f"{'NAME':<32} {'ID':<24} {'MEMBERS':>7} {'MEETINGS':>8} {'LAST MET':<10} {'OPEN':>4}"]
    rows += [_row(group, entries, ticks) for group in shown]
    if hidden:
        rows.append(f"{hidden} archived group{'' if hidden == 1 else 's'} not shown; --all lists them.")
    for row in rows:
        print(row)
    return 0


def group_line(
    group: Group, entries: dict[str, IndexEntry], ticks: list[StatusChange]
) -> tuple[int, str, int]:
    """(meetings whose records are there, the last one's date, open actions) for a group."""
    from peercircle.sessions.groups.tracking import open_action_total

    kept = [entries[m] for m in group.meetings if m in entries]
    last = max((e.created[:10] for e in kept), default="")
    open_actions = open_action_total({e.id: e.open_actions for e in kept}, ticks)
    return len(kept), last, open_actions


def _row(group: Group, entries: dict[str, IndexEntry], ticks: list[StatusChange]) -> str:
    meetings, last, open_actions = group_line(group, entries, ticks)
    name = group.name + (" (archived)" if group.archived else "")
    if len(name) > 32:
        name = name[:31] + "…"
    last = last or "never"
    return f"{name:<32} {group.id:<24} {len(group.members):>7} {meetings:>8} {last:<10} {open_actions:>4}"
