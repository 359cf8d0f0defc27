"""A round's life after it is opened (`responding.open_round` opens it): how it is summed up on
the team's page, and closing it."""

from __future__ import annotations

import datetime as dt
import math

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.periods import taking_answers
from culturetool.domain.wording import day_month_year
from culturetool.services.reach import round_in_reach
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import response_count
from culturetool.store.tables import AssessmentRound
from culturetool.views.organisation import RoundSummary

SECONDS_PER_STATEMENT = 12  # reading and answering one short statement, rounded up


def minutes_to_answer(model: CultureModel) -> int:
    return max(1, math.ceil(len(model.questionnaire.items) * SECONDS_PER_STATEMENT / 60))


def round_dates(opened: dt.datetime, closed: dt.datetime | None) -> str:
    """A round's dates as results pages name it: "2 Mar 2026 to 16 Mar 2026" or "opened …"."""
    if closed:
        return f"{day_month_year(opened)} to {day_month_year(closed)}"
    return f"opened {day_month_year(opened)}, open"


def round_summary(session, round_: AssessmentRound, *, with_token: bool) -> RoundSummary:
    """The round as the team's page lists it. `with_token` only for a person who may run the
    team's rounds: the token is the survey link, and anyone holding it can answer."""
    period = repo.period_of(session, round_.period_id)
    period_over = ""
    if period is not None and round_.is_open and not taking_answers(period, clock.today()):
        period_over = (
            f"This round belongs to {period.name}, which ended on "
            f"{day_month_year(period.closes_on)}, so its link no longer takes answers. Close "
            "it, then open a new round if the team is to answer again."
        )
    return RoundSummary(
        id=round_.id,
        token=round_.token if with_token else "",
        opened_on=day_month_year(round_.opened_at),
        closed_on=day_month_year(round_.closed_at),
        is_open=round_.is_open,
        responses=response_count(session, round_.id),
        threshold=round_.anonymity_threshold,
        model_label=round_.model_version.label,
        access_mode=round_.access_mode,
        staff_count=round_.staff_count or 0,
        period_name=period.name if period is not None else "",
        period_over=period_over,
    )


def close_round(actor: Actor, round_id: int) -> None:
    """Close a round. In the same transaction its receipts and unused codes are deleted, and its
    responses, answers and comments are written again in random order, so that where rows sit
    in the database's files no longer tells when they arrived (see
    `repository.rewrite_in_random_order` for what is left while a round is open)."""
    with transaction() as session:
        round_ = round_in_reach(session, actor, round_id, Permission.RUN_ROUNDS)
        if round_.closed_at is None:
            round_.closed_at = clock.now()
            repo.forget_round_access(session, round_.id)
            repo.rewrite_in_random_order(session, round_.id)
            repo.record(session, actor, "round closed", f"{round_.team.name} (round {round_.id})")
