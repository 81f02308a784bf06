"""Small preferences kept between runs (retention, later the theme), in settings.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from peercircle.sessions.files import atomic_write_text
from peercircle.sessions.storage.layout import DataFolder


@dataclass
class Settings:
    retention_days: int | None = None
    """Sessions older than this are purged automatically at start; None keeps everything."""
    theme: str | None = None
    """The colour theme last chosen; None for the default."""

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        try:
            raw = json.loads(DataFolder(data_dir).settings.read_text(encoding="utf-8"))
            days = raw.get("retention_days")
            theme = raw.get("theme")
            return cls(retention_days=int(days) if days else None, theme=str(theme) if theme else None)
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()  # missing or unreadable settings fall back to the defaults

    def save(self, data_dir: Path) -> None:
        atomic_write_text(DataFolder(data_dir).settings, json.dumps(asdict(self), indent=2))


def parse_age(text: str) -> int:
    """'90d', '12w', '6m' (30-day months) or '90' as a number of days."""
    text = text.strip().lower()
    units = {"d": 1, "w": 7, "m": 30, "y": 365}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "d")
    if not number.isdigit() or int(number) <= 0:
        raise ValueError(f"'{text}' is not an age; write e.g. 90d, 12w or 6m")
    return int(number) * units[unit]
