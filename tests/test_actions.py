from __future__ import annotations

import pytest

from peercircle.sessions.records.actions import action_lines, nudge, parse_action, smart_gaps

PEOPLE = ("Aisha", "Ben", "Ciara")


def test_each_line_is_an_action_without_its_list_marker() -> None:
    # A tick box stays: it says whether the action is done, and the export keeps that.
    assert action_lines("- call the GP\n\n2. write it up\n[ ] ask Ben\n- [x] book room") == [
        "call the GP",
        "write it up",
        "[ ] ask Ben",
        "[x] book room",
    ]
    assert parse_action("[x] book room — Ann — by Friday", "Ben", ("Ann", "Ben")).done
    assert not parse_action("[ ] ask Ben", "Ann", ("Ann", "Ben")).done


@pytest.mark.parametrize(
    ("action", "gaps"),
    [
        ("Aisha calls the GP by Friday", []),
        ("I will read the policy before the next meeting", []),
        ("call the GP", ["who", "by when"]),
        ("Ben to speak to the team", ["by when"]),
        ("chase the referral by 12/12", ["who"]),
        ("ciara: book the room tomorrow", []),
    ],
)
def test_smart_gaps(action: str, gaps: list[str]) -> None:
    assert smart_gaps(action, PEOPLE) == gaps


def test_nudge_names_the_first_incomplete_action() -> None:
    assert nudge("Aisha calls by Friday\ncall the GP", PEOPLE) == "Action 2 has no who and no by when yet"
    assert nudge("Aisha calls by Friday", PEOPLE) == ""
