"""A mark of everything the county dashboard is made from, read in one statement, so that a
look at a county whose data has not changed since the last look can be answered with that
look's view instead of reading 600 teams and their rounds again.

The mark is text the database builds: each row of the inputs written out field by field, with
every free-text field preceded by its length, so two different sets of rows can never give the
same text. The rows come in no guaranteed order; an order that changes only makes a mark differ
(the look is then made again), never two different sets of rows look the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import aggregate_strings

from culturetool.domain.kinds import ActionStatus, Audience
from culturetool.store.tables import (
    Area,
    AssessmentPeriodArea,
    AssessmentRound,
    DisclosureRecord,
    PlanAction,
    Response,
    Team,
)


@dataclass(frozen=True)
class CountyMark:
    """The data a county look reads (`data`), and how far the ledger of what people who see
    area figures were shown goes (`ledger_last_id`: it is only ever added to, in id order, one
    organisation's looks at a time)."""

    data: tuple[str | None, ...]
    ledger_last_id: int


def _number(column: ColumnExpressionArgument[Any]) -> ColumnElement[str]:
    return func.coalesce(cast(column, String), "~")


def _text(column: ColumnExpressionArgument[str | None]) -> ColumnElement[str]:
    return _number(func.length(column)) + ":" + func.coalesce(column, "")


def _row(*fields: ColumnElement[str]) -> ColumnElement[str]:
    joined = fields[0]
    for field in fields[1:]:
        joined = joined + "|" + field
    return joined


def _ledger_last(organisation: ColumnElement[int]) -> Select[tuple[int]]:
    return select(func.max(DisclosureRecord.id)).where(
        DisclosureRecord.organisation_id == organisation,
        DisclosureRecord.audience == Audience.AREA.value,
    )


_ORGANISATION = bindparam("organisation", type_=Integer)
_PERIODS = bindparam("periods", expanding=True, type_=Integer)


def ledger_last_id(session: Session, organisation_id: int) -> int:
    """The newest row of the ledger of people who see area figures, 0 when it is empty."""
    return session.scalar(_ledger_last(_ORGANISATION), {"organisation": organisation_id}) or 0


@cache
def _statement() -> Select[tuple[str | None, str | None, str | None, str | None, int | None]]:
    """Built once: working out the cache key of a statement this size on every call would
    cost more than running it."""
    responses = (
        select(func.count())
        .where(Response.round_id == AssessmentRound.id)
        .correlate(AssessmentRound)
        .scalar_subquery()
    )
    in_periods = AssessmentPeriodArea.period_id.in_(_PERIODS)
    areas = select(
        aggregate_strings(
            _row(_number(AssessmentPeriodArea.period_id), _number(Area.id), _text(Area.name)),
            ";",
        )
    ).where(in_periods, Area.id == AssessmentPeriodArea.area_id)
    teams = select(
        aggregate_strings(
            _row(
                _number(Team.id), _number(Team.area_id), _number(Team.staff_count), _text(Team.name)
            ),
            ";",
        )
    ).where(Team.area_id.in_(select(Area.id).where(Area.organisation_id == _ORGANISATION)))
    # A round's id, team, threshold, model and opening never change once it is made (rounds
    # are never deleted); its responses do, and each writer of responses (a submission, an
    # import, closing's rewrite) keeps `figures_responses` with them in the same transaction.
    # Only a round whose running figures were never built counts its responses here.
    rounds = select(
        aggregate_strings(
            _row(
                _number(AssessmentRound.id),
                _number(AssessmentRound.period_id),
                func.coalesce(
                    cast(AssessmentRound.figures_responses, String), "n" + cast(responses, String)
                ),
                _number(AssessmentRound.closed_at),
                _number(AssessmentRound.staff_count),
            ),
            ";",
        )
    ).where(AssessmentRound.period_id.in_(_PERIODS))
    actions = select(
        aggregate_strings(
            _row(
                _number(PlanAction.id),
                _number(PlanAction.area_id),
                _number(PlanAction.team_id),
                _number(PlanAction.done_on),
                _text(PlanAction.condition_ids),
                _text(PlanAction.title),
            ),
            ";",
        )
    ).where(
        PlanAction.organisation_id == _ORGANISATION,
        PlanAction.status == ActionStatus.DONE.value,
    )
    return select(
        areas.scalar_subquery(),
        teams.scalar_subquery(),
        rounds.scalar_subquery(),
        actions.scalar_subquery(),
        _ledger_last(_ORGANISATION).scalar_subquery(),
    )


def county_mark(session: Session, organisation_id: int, period_ids: Sequence[int]) -> CountyMark:
    """The mark of these periods of an organisation: their areas, the organisation's teams
    (names, areas, staff numbers: a team whose action is listed may have moved to an area
    outside the periods), the periods' rounds (with their responses), the actions marked done,
    and the ledger. The organisation's own row and its periods are read by the caller anyway."""
    *data, last = session.execute(
        _statement(), {"organisation": organisation_id, "periods": list(period_ids)}
    ).one()
    return CountyMark(tuple(data), last or 0)
