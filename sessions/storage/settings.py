"""Small preferences kept between runs (retention, later the theme), in settings.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from peercircle.sessions.files import atomic_write_text
from peercircle.sessions.storage.layout import DataFolder

MAX_RETENTION_DAYS = 36_500
"""A hundred years: anything longer is a typing slip, and a date that far back overflows."""


def retention_problem(value: object) -> str | None:
    """Why ``value`` (from settings.json) is not a retention period, or None when it is one.

    Only a whole number of days from 1 to MAX_RETENTION_DAYS is acted on: a negative value
    once deleted every session at start, and a huge one ended every start in a traceback."""
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RETENTION_DAYS:
        return (
            f"retention_days in settings.json is {json.dumps(value)[:40]}, not a number of days "
            f"from 1 to {MAX_RETENTION_DAYS}; it is ignored and nothing is deleted. "
            "Set it with 'peercircle retention 90d' (or 'off')."
        )
    return None


@dataclass
class Settings:
    retention_days: int | None = None
    """Sessions older than this are purged automatically at start; None keeps everything."""
    theme: str | None = None
    """The colour theme last chosen; None for the default."""

    @classmethod
    def load(cls, data_dir: Path) -> Settings:
        return cls.load_checked(data_dir)[0]

    @classmethod
    def load_checked(cls, data_dir: Path) -> tuple[Settings, str | None]:
        """The settings, and what was wrong with the retention value (which is then off)."""
        try:
            raw = json.loads(DataFolder(data_dir).settings.read_text(encoding="utf-8"))
            days = raw.get("retention_days")
            theme = raw.get("theme")
        except (OSError, ValueError, TypeError, AttributeError):
            return cls(), None  # missing or unreadable settings fall back to the defaults
        problem = retention_problem(days)
        return (
            cls(
                retention_days=None if problem or days is None else int(days),
                theme=str(theme) if isinstance(theme, str) and theme else None,
            ),
            problem,
        )

    def save(self, data_dir: Path) -> None:
        atomic_write_text(DataFolder(data_dir).settings, json.dumps(asdict(self), indent=2))


def parse_age(text: str) -> int:
    """'90d', '12w', '6m' (30-day months) or '90' as a number of days."""
    text = text.strip().lower()
    units = {"d": 1, "w": 7, "m": 30, "y": 365}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "d")
    # ASCII digits only: str.isdigit() also says yes to '٣' and '５', which int() then reads.
    if not (number.isascii() and number.isdigit()) or int(number) <= 0:
        raise ValueError(f"'{text}' is not an age; write e.g. 90d, 12w or 6m")
    days = int(number) * units[unit]
    if days > MAX_RETENTION_DAYS:
        years = MAX_RETENTION_DAYS // 365
        raise ValueError(f"'{text}' is more than {years} years; write e.g. 90d, 12w or 6m")
    return days
