"""Whose turn it is to present (or to facilitate, or to keep time) at a group's next meeting.

The rota is a queue in seating order. At each meeting the first people in the queue who are
there are offered the turn; whoever takes it goes to the back. Someone absent when their
turn came keeps their place at the front, so they are offered it at the next meeting they
come to; someone away for three months presents once on return and then goes to the back,
rather than presenting three times running to catch up. With everyone present it is plain
turn-taking: nobody has a second turn before everybody has had one.

The facilitator may always choose someone else (no reason asked); the person chosen goes to
the back of the queue as if offered, and the one passed over keeps their place. Guests are
never in the queue; a member who joins later enters it at their seat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

PRESENTER = "presenter"
"""The duty of bringing a case; roles are the format's other roles (facilitator, ...)."""


@dataclass(frozen=True)
class PastMeeting:
    """What the rota needs of one past meeting: who was there and who took which turn."""

    present: tuple[str, ...]
    presenters: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    """Role name (lower case) to the person who took it."""

    def took(self, duty: str) -> tuple[str, ...]:
        if duty == PRESENTER:
            return self.presenters
        person = self.roles.get(duty)
        return (person,) if person else ()


def queue(members: Sequence[str], history: Iterable[PastMeeting], duty: str = PRESENTER) -> list[str]:
    """The members in the order they are next offered ``duty``, after ``history``."""
    order = list(members)
    for meeting in history:
        for person in meeting.took(duty):
            if person in order:
                order.remove(person)
                order.append(person)
    return order


def suggest(
    members: Sequence[str],
    present: Iterable[str],
    history: Iterable[PastMeeting],
    duty: str = PRESENTER,
    count: int = 1,
    exclude: Iterable[str] = (),
) -> tuple[str, ...]:
    """The ``count`` members present who are next in the queue for ``duty``.

    ``exclude``: people already given another duty at this meeting (the presenter is not
    also asked to keep time)."""
    here = set(present) - set(exclude)
    return tuple(person for person in queue(members, history, duty) if person in here)[:count]


def suggest_roles(
    roles: Sequence[str],
    members: Sequence[str],
    present: Iterable[str],
    history: Sequence[PastMeeting],
    presenters: Iterable[str] = (),
) -> dict[str, str]:
    """One person for each rotating role, never the presenter, never two roles for one
    person while someone present has none (roles left over when people run out stay open)."""
    taken = set(presenters)
    present = tuple(present)
    chosen: dict[str, str] = {}
    for role in roles:
        person = suggest(members, present, history, role.lower(), exclude=taken)
        if person:
            chosen[role.lower()] = person[0]
            taken.add(person[0])
    return chosen
