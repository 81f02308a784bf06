"""Session files carry a schema version; each older version has one step forward.

Reading a file runs every step from its version up to ``SCHEMA_VERSION``, so a file
written by any earlier peercircle opens in this one. Add a step here whenever the stored
shape changes, and bump the version in ``peercircle.sessions.engine.session``.

Events are brought forward one by one, by their own shape rather than by the file's
version: a session left running by an older peercircle and resumed by this one keeps its
old events, gains new ones, and has its meta rewritten at the new version. So each event
step must recognise the old shape and leave the new one alone.
"""

from __future__ import annotations

from collections.abc import Callable

from peercircle.sessions.engine.clock import seconds_to_ns
from peercircle.sessions.engine.events import exact_int
from peercircle.sessions.engine.session import shuffled


def _v1_to_v2(meta: dict) -> dict:
    # v1 had one presenter; v2 has an ordered list (formats that cycle per presenter).
    meta = dict(meta)
    presenter = meta.pop("presenter", None)
    meta.setdefault("presenters", [presenter] if presenter else [])
    meta.setdefault("seed", None)
    return meta


def _v2_to_v3(meta: dict) -> dict:
    # v3 stores event times in whole nanoseconds; the meta itself is unchanged and the
    # events are converted by ``migrate_event``.
    return dict(meta)


def _v3_to_v4(meta: dict) -> dict:
    # Up to v3 a turn-order seed shuffled the presenters as well as the rotation, so the
    # cycles ran in an order the facilitator never ticked. v4 keeps the ticked order; a v3
    # session is given the order it actually ran in, which its events were recorded for.
    meta = dict(meta)
    presenters = meta.get("presenters")
    seed = meta.get("seed")
    if isinstance(presenters, list) and isinstance(seed, int) and not isinstance(seed, bool):
        meta["presenters"] = list(shuffled(tuple(presenters), seed))
    return meta


STEPS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}

REOPEN_LENGTHS = ("active", "paused", "gap")
"""Lengths a v2 reopen event kept in float seconds (rounded to the millisecond)."""


def migrate(meta: dict, current: int) -> dict:
    """Bring a stored meta document up to the ``current`` schema."""
    version = int(meta.get("schema", 1))
    while version < current:
        meta = STEPS[version](meta)
        version += 1
        meta["schema"] = version
    return meta


def migrate_event(raw: dict) -> dict:
    """One stored event in the current shape: v2's float seconds become whole nanoseconds.

    The conversion is the same on every read, so a v2 session gives the same durations it
    always had (to the nanosecond). A value that is not a number is left to fail as damage,
    as it did before.
    """
    if not isinstance(raw, dict) or "mono_ns" in raw or "mono" not in raw:
        return raw
    event = {key: value for key, value in raw.items() if key != "mono"}
    event["mono_ns"] = seconds_to_ns(float(raw["mono"]))
    data = raw.get("data")
    if raw.get("kind") == "reopen" and isinstance(data, dict):
        data = dict(data)
        for name in REOPEN_LENGTHS:
            seconds = data.pop(name, None)
            if seconds is not None:  # v2 read a missing or empty length as "keep what it was"
                data[f"{name}_ns"] = seconds_to_ns(float(seconds))
        event["data"] = data
    return event


def alive_mono_ns(beat: dict) -> int:
    """The clock reading in a heartbeat file: whole nanoseconds, or a float in seconds
    from a peercircle before schema 3 (a crash, an upgrade, then the resume)."""
    if "mono_ns" in beat:
        return exact_int(beat["mono_ns"])
    return seconds_to_ns(float(beat["mono"]))
