"""Groups and between-meeting action ticks on disk, beside the sessions.

Two small files in the data folder, each replaced whole in one atomic write (0600), each
with a schema version:

- ``groups.json``: ``{"schema": 1, "groups": [...]}``;
- ``actions.json``: ``{"schema": 1, "changes": [...]}``, only what was ticked between
  meetings; what a report back decided is in that meeting's own record.

A file that cannot be read is copied into the quarantine folder (never deleted), the user
is told, and the rest carries on: a damaged group is left out, the others open. A file
written by a newer peercircle is read but never rewritten, so nothing in it is lost.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from peercircle.sessions.engine.meeting import ReportBack
from peercircle.sessions.files import atomic_write_text, ensure_private_dir
from peercircle.sessions.groups.group import (
    Group,
    GroupProblem,
    checked_members,
    checked_name,
    new_group_id,
)
from peercircle.sessions.groups.tracking import StatusChange, report_back_changes_of
from peercircle.sessions.storage.layout import DataFolder

GROUPS_SCHEMA = 1
TICKS_SCHEMA = 1


class GroupStoreError(Exception):
    """A change that cannot be saved; the message says why and what to do."""


P = ParamSpec("P")
R = TypeVar("R")


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """One change (or first read) at a time: each change reads the list, adds to it and
    writes it whole, and the app makes them from its screen and from workers; two at once
    lost one (four threads ticking 25 times each lost some, every run)."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run


class GroupStore:
    def __init__(self, data_dir: Path, writer: bool = True) -> None:
        self._lock = threading.RLock()
        self.folder = DataFolder(data_dir)
        self.writer = writer
        self.problems: list[str] = []
        """What was wrong with the files, in words for the user (shown once)."""
        self._groups: dict[str, Group] | None = None
        self._groups_frozen = False
        self._uncopied = False
        self._ticks: list[StatusChange] | None = None
        self._ticks_frozen = False

    # -- reading --------------------------------------------------------------------------

    def _read(self, path: Path, key: str, schema: int) -> tuple[list[Any], bool]:
        """The list under ``key``, and whether the file must not be rewritten."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return [], False
        except (OSError, UnicodeDecodeError) as exc:
            return [], not self._set_aside(path, f"it could not be read ({exc.__class__.__name__})")
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
                raise ValueError(f"no list of {key}")
            version = raw.get("schema", 1)
            if not isinstance(version, int) or isinstance(version, bool):
                raise ValueError("no schema version")
        except (ValueError, RecursionError) as exc:
            # Not moved aside (a reader, or the move failed): never written over either.
            return [], not self._set_aside(path, f"it is damaged ({str(exc)[:80]})")
        if version > schema:
            self.problems.append(
                f"{path.name} was written by a newer peercircle (schema {version}); it is shown "
                "but not changed here. Update peercircle to change it."
            )
            return raw[key], True
        return raw[key], False

    def _set_aside(self, path: Path, reason: str) -> bool:
        """Move a damaged file into quarantine (kept, never deleted) and say so; whether it
        was moved."""
        kept = ""
        if self.writer:
            try:
                ensure_private_dir(self.folder.quarantine)
                target = self.folder.quarantine / f"{path.name}.{int(time.time())}"
                os.replace(path, target)
                kept = f" It was moved to {target}, not deleted."
            except OSError:
                self._uncopied = True
        self.problems.append(f"{path.name} could not be used: {reason}.{kept}")
        return bool(kept)

    def _load_groups(self) -> dict[str, Group]:
        if self._groups is None:
            rows, self._groups_frozen = self._read(self.folder.groups, "groups", GROUPS_SCHEMA)
            groups: dict[str, Group] = {}
            damaged = 0
            for row in rows:
                try:
                    group = Group.from_dict(row)
                except GroupProblem:
                    damaged += 1
                    continue
                groups.setdefault(group.id, group)
            if damaged:
                kept = self._keep_copy(self.folder.groups)
                if kept is not None:
                    where = f"a copy of the file is kept in {kept}."
                else:
                    # No copy (a reader, or the copy failed): the file must not be rewritten
                    # without them, so this store never changes it.
                    self._groups_frozen = self._uncopied = True
                    where = (
                        "the file is left as it is (peercircle sets a copy aside when it opens the folder)."
                    )
                self.problems.append(
                    f"{damaged} group(s) in groups.json could not be read and are left out; {where}"
                )
            self._groups = groups
        return self._groups

    def _keep_copy(self, path: Path) -> Path | None:
        """A private copy of ``path`` in quarantine; None when none was made."""
        if not self.writer:
            return None
        try:
            ensure_private_dir(self.folder.quarantine)
            target = self.folder.quarantine / f"{path.name}.{int(time.time())}"
            shutil.copyfile(path, target)
            os.chmod(target, 0o600)
        except OSError:
            return None
        return target

    @_locked
    def groups(self, archived: bool = False) -> list[Group]:
        """Groups by name; archived ones only when asked."""
        groups = [g for g in self._load_groups().values() if archived or not g.archived]
        return sorted(groups, key=lambda g: (g.archived, g.name.casefold()))

    @_locked
    def get(self, group_id: str) -> Group | None:
        return self._load_groups().get(group_id)

    @_locked
    def find(self, name: str) -> Group | None:
        """A group by its id, its name (any case), or the start of either when only one fits."""
        wanted = " ".join(name.split()).casefold()
        groups = list(self._load_groups().values())
        for group in groups:
            if wanted in (group.id, group.name.casefold()):
                return group
        starts = [g for g in groups if g.id.startswith(wanted) or g.name.casefold().startswith(wanted)]
        return starts[0] if len(starts) == 1 else None

    @_locked
    def group_of(self, session_id: str) -> Group | None:
        for group in self._load_groups().values():
            if session_id in group.meetings:
                return group
        return None

    @_locked
    def ticks(self) -> list[StatusChange]:
        if self._ticks is None:
            rows, self._ticks_frozen = self._read(self.folder.action_ticks, "changes", TICKS_SCHEMA)
            self._ticks = [c for c in map(StatusChange.from_dict, rows) if c is not None]
        return list(self._ticks)

    # -- writing --------------------------------------------------------------------------

    def _check_writable(self, frozen: bool, path: Path) -> None:
        if not self.writer:
            raise GroupStoreError("This data folder is in use by another peercircle; change groups there.")
        if frozen and self._uncopied:
            raise GroupStoreError(
                f"{path.name} has groups that could not be read and no copy of it could be kept; "
                "check that the data folder can be written to, then open peercircle again."
            )
        if frozen:
            raise GroupStoreError(f"{path.name} was written by a newer peercircle; update to change it.")

    def _write(self, path: Path, doc: dict) -> None:
        try:
            ensure_private_dir(path.parent)
            atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise GroupStoreError(
                f"Could not save {path.name}: {exc.strerror or exc}. Free some disk space or "
                "check the data folder, then try again; nothing else was changed."
            ) from exc

    @_locked
    def save(self, group: Group) -> Group:
        groups = self._load_groups()
        self._check_writable(self._groups_frozen, self.folder.groups)
        updated = {**groups, group.id: group}
        self._write(
            self.folder.groups,
            {"schema": GROUPS_SCHEMA, "groups": [g.to_dict() for g in updated.values()]},
        )
        self._groups = updated
        return group

    @_locked
    def create(
        self,
        name: str,
        members: str | tuple[str, ...] | list[str],
        format_id: str = "",
        cadence: str = "monthly",
        rotate_roles: tuple[str, ...] = (),
        now: datetime | None = None,
    ) -> Group:
        groups = self._load_groups()
        clean_name = checked_name(name, {g.id: g.name for g in groups.values()})
        group = Group(
            id=new_group_id(clean_name, set(groups)),
            name=clean_name,
            members=checked_members(members),
            format_id=format_id,
            cadence=cadence,
            rotate_roles=rotate_roles,
            created=(now or datetime.now().astimezone()).isoformat(timespec="seconds"),
        )
        return self.save(group)

    @_locked
    def edit(
        self, group: Group, name: str, members: str | tuple[str, ...] | list[str], **changes: Any
    ) -> Group:
        others = {g.id: g.name for g in self._load_groups().values()}
        return self.save(
            replace(
                group,
                name=checked_name(name, others, own_id=group.id),
                members=checked_members(members),
                **changes,
            )
        )

    @_locked
    def add_meeting(self, group_id: str, session_id: str) -> Group | None:
        group = self.get(group_id)
        if group is None:
            return None
        return self.save(group.with_meeting(session_id))

    @_locked
    def record_meeting(
        self, group_id: str, session_id: str, report_back: Sequence[ReportBack], at: str
    ) -> Group | None:
        """A meeting has begun: the session joins the group's list, and its report back's
        statuses are noted beside the ticks, so counting open actions never has to read
        every meeting (its own record stays what the statuses come from)."""
        changes = report_back_changes_of(session_id, at, report_back)
        if changes:
            ticks = self.ticks()
            self._check_writable(self._ticks_frozen, self.folder.action_ticks)
            updated = [*ticks, *changes]
            self._write(
                self.folder.action_ticks,
                {"schema": TICKS_SCHEMA, "changes": [c.to_dict() for c in updated]},
            )
            self._ticks = updated
        return self.add_meeting(group_id, session_id)

    @_locked
    def agree(self, group: Group, text: str, today: date) -> Group:
        return self.save(group.agreed(text, today))

    @_locked
    def tick(self, action_id: str, status: str, line: str = "", now: datetime | None = None) -> StatusChange:
        ticks = self.ticks()
        self._check_writable(self._ticks_frozen, self.folder.action_ticks)
        moment = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
        change = StatusChange(action_id, status, moment, " ".join(line.split())[:200])
        updated = [*ticks, change]
        self._write(
            self.folder.action_ticks,
            {"schema": TICKS_SCHEMA, "changes": [c.to_dict() for c in updated]},
        )
        self._ticks = updated
        return change

    @_locked
    def forget_sessions(self, session_ids: set[str]) -> None:
        """After a purge or delete: the sessions leave their groups' lists, and their ticks go
        (what a later meeting needs of them is in that meeting's own record)."""
        if not session_ids:
            return
        groups = self._load_groups()
        if any(set(g.meetings) & session_ids for g in groups.values()) and not self._groups_frozen:
            updated = {gid: g.without_meetings(session_ids) for gid, g in groups.items()}
            self._write(
                self.folder.groups,
                {"schema": GROUPS_SCHEMA, "groups": [g.to_dict() for g in updated.values()]},
            )
            self._groups = updated
        ticks = self.ticks()
        kept = [c for c in ticks if c.action_id.split("#", 1)[0] not in session_ids]
        if len(kept) != len(ticks) and not self._ticks_frozen:
            self._write(
                self.folder.action_ticks,
                {"schema": TICKS_SCHEMA, "changes": [c.to_dict() for c in kept]},
            )
            self._ticks = kept
