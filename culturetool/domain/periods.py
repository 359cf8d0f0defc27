"""Assessment periods ("Spring 2027"): the rules for setting one up, which period a round
belongs to, and what a filter of areas may show. Pure: no database.

Every county comparison is period against period, and a round belongs to one period at most,
so figures of different periods rest on different people and cannot be subtracted from one
another to single anyone out. That is why two periods covering the same area may not overlap:
a round opened in the overlap would belong to both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from culturetool.domain.errors import InputProblem
from culturetool.domain.limits import NAME_LENGTH
from culturetool.domain.text import clean_name
from culturetool.domain.wording import day_month_year

# A period long enough for every team to answer, short enough to compare like with like.
LONGEST_PERIOD_DAYS = 183


@dataclass(frozen=True)
class PeriodFacts:
    id: int
    name: str
    opens_on: dt.date
    closes_on: dt.date
    area_ids: frozenset[int]

    def covers(self, area_id: int, day: dt.date) -> bool:
        return area_id in self.area_ids and self.opens_on <= day <= self.closes_on


@dataclass(frozen=True)
class NewPeriod:
    name: str
    opens_on: dt.date
    closes_on: dt.date
    area_ids: frozenset[int]


def checked_period(
    name: str | None,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    area_ids: Iterable[int],
    existing: Sequence[PeriodFacts],
    today: dt.date,
) -> NewPeriod:
    """A new period as given, or InputProblem saying what to change."""
    clean = clean_name(name, "period", NAME_LENGTH)
    if any(p.name.casefold() == clean.casefold() for p in existing):
        raise InputProblem(f"There is already a period called “{clean}”; please choose another.")
    if opens_on is None or closes_on is None:
        raise InputProblem("Please give the day the period opens and the day it closes.")
    if closes_on < opens_on:
        raise InputProblem("The period closes before it opens; please check the two dates.")
    if closes_on < today:
        raise InputProblem("That period would already be over; please choose a later closing day.")
    if (closes_on - opens_on).days + 1 > LONGEST_PERIOD_DAYS:
        raise InputProblem(
            f"A period can last at most {LONGEST_PERIOD_DAYS} days (about six months), so that "
            "its teams are compared at much the same time; please shorten it."
        )
    areas = frozenset(area_ids)
    if not areas:
        raise InputProblem("Please choose at least one area for the period.")
    for other in existing:
        shared = areas & other.area_ids
        if shared and opens_on <= other.closes_on and other.opens_on <= closes_on:
            raise InputProblem(
                f"“{other.name}” already runs from {day_month_year(other.opens_on)} to "
                f"{day_month_year(other.closes_on)} for {_areas_text(len(shared))} of these; "
                "a team's round can belong to one period only, so please choose dates after it "
                "or leave those areas out."
            )
    return NewPeriod(clean, opens_on, closes_on, areas)


def _areas_text(count: int) -> str:
    return "one area" if count == 1 else f"{count} areas"


def period_of_round(periods: Iterable[PeriodFacts], area_id: int, opened_on: dt.date) -> int | None:
    """The period a round opened on that day for a team of that area belongs to, if any
    (periods of one area never overlap, so there is at most one)."""
    matching = [p.id for p in periods if p.covers(area_id, opened_on)]
    return matching[0] if matching else None


class HasClosingDay(Protocol):
    @property
    def closes_on(self) -> dt.date: ...


def taking_answers(period: HasClosingDay | None, today: dt.date) -> bool:
    """A round of a period takes answers until the period's closing day, inclusive."""
    return period is None or today <= period.closes_on


def filter_may_show(total: int, selected: int, threshold: int) -> bool:
    """Whether a total over a chosen part of a group may be shown beside the group's own: both
    the part and what it leaves out must hold no one or at least `threshold` people, else the
    group minus the part would single out the few left out."""
    left_out = total - selected
    if selected < 0 or left_out < 0:
        raise ValueError("a part cannot hold more people than its whole")
    return all(n == 0 or n >= threshold for n in (selected, left_out))
