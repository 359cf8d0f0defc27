"""The fixed sets of values that rows, services and pages pass around: an action's status and
timescale, a target's scope, how respondents reach a round, the ledger's audiences and group
kinds, and which way a score moved between rounds.

Each is a StrEnum whose values are the words stored in the database, so a member compares and
serialises as that string (the tables, the migrations and Reflex's state see plain strings),
and the tables' CHECK constraints are built from the members (`one_of`) instead of repeating
them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class ActionTimescale(StrEnum):
    FIRST_WEEK = "first_week"
    THREE_MONTHS = "three_months"
    SIX_MONTHS = "six_months"
    DATE = "date"  # a date the person chose


class TargetScope(StrEnum):
    ORGANISATION = "organisation"
    AREA = "area"
    TEAM = "team"


class AccessMode(StrEnum):
    CODES = "codes"  # personal one-off codes
    LINK = "link"  # an open link


class LinkPurpose(StrEnum):
    """What a one-off link an administrator made for someone does."""

    INVITATION = "invitation"  # a new account's first password
    RESET = "reset"  # a forgotten password


class Audience(StrEnum):
    """Who a disclosure-ledger row was shown to."""

    AREA = "area"  # people who can see area figures
    TEAM = "team"  # team-only viewers


class GroupKind(StrEnum):
    """What a disclosure-ledger row's group is."""

    ROUND = "round"  # a team's round
    AREA = "area"  # an area's pool of its teams' rounds (in a period, or their latest rounds)
    COUNTY = "county"  # the whole organisation's pool of rounds in an assessment period
    SELECTION = "selection"  # the pool of a chosen set of areas in a period (a filter)


class Direction(StrEnum):
    """How a condition's shown score moved from one round to the next."""

    UP = "up"
    DOWN = "down"
    SAME = "same"  # the change rounds to 0.00


class CarriedOutBy(StrEnum):
    """Who can carry out an intervention of the model (interventions.yaml, `carried_out_by`)."""

    TEAM = "team"  # the team and its manager, by themselves
    AREA = "area"  # the service or area: its leaders, innovation team or local commissioners
    ORGANISATION = "organisation"  # the whole organisation: strategy, money, procurement


def one_of(column: str, kind: type[StrEnum]) -> str:
    """A CHECK constraint's SQL that `column` holds a member of `kind`:
    "status IN ('planned', 'done')"."""
    values = ", ".join(f"'{member.value}'" for member in kind)
    return f"{column} IN ({values})"


def member_of(kind: type[E], value: str) -> E | None:
    """The member of `kind` whose value is `value`, or None for anything else (a value typed or
    sent by a person is checked with this before it is used)."""
    try:
        return kind(value)
    except ValueError:
        return None
