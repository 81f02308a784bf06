"""Session files carry a schema version; each older version has one step forward.

Reading a file runs every step from its version up to ``SCHEMA_VERSION``, so a file
written by any earlier peercircle opens in this one. Add a step here whenever the stored
shape changes, and bump the version in ``peercircle.sessions.engine.session``.
"""

from __future__ import annotations

from collections.abc import Callable


def _v1_to_v2(meta: dict) -> dict:
    # v1 had one presenter; v2 has an ordered list (formats that cycle per presenter).
    meta = dict(meta)
    presenter = meta.pop("presenter", None)
    meta.setdefault("presenters", [presenter] if presenter else [])
    meta.setdefault("seed", None)
    return meta


STEPS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2}


def migrate(meta: dict, current: int) -> dict:
    """Bring a stored meta document up to the ``current`` schema."""
    version = int(meta.get("schema", 1))
    while version < current:
        meta = STEPS[version](meta)
        version += 1
        meta["schema"] = version
    return meta
