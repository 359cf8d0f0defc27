"""Assessment periods: opening one for the whole county or chosen areas (a round for every team
of them at once), the list of periods, and a period's sheet of share links to hand to managers.

The rules of a period (its name, dates, areas, no overlap) are `domain.periods.checked_period`;
rounds opened one at a time while a period runs join it in `responding.open_round`, and a
period's rounds stop taking answers after its closing day (`responding._live_round`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from culturetool.domain import clock
from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.kinds import AccessMode
from culturetool.domain.periods import PeriodFacts, checked_period, taking_answers
from culturetool.domain.wording import count_of, day_month_year
from culturetool.services.model_provider import current_model
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import response_counts
from culturetool.store.tables import (
    Area,
    AssessmentPeriod,
    AssessmentPeriodArea,
    AssessmentRound,
    Organisation,
    Team,
)
from culturetool.views.periods import (
    AreaChoice,
    PeriodOpened,
    PeriodRow,
    PeriodSheet,
    PeriodsView,
    SheetArea,
    SheetTeam,
)

FUTURE_OPENING = (
    "A period's rounds open as soon as it is set up, so its first day must be today or earlier; "
    "please set it up on the day it starts."
)


def _areas_of(session, organisation_id: int) -> list[Area]:
    return list(
        session.scalars(
            select(Area).where(Area.organisation_id == organisation_id).order_by(Area.name)
        )
    )


def _chosen_areas(areas: list[Area], area_ids: Iterable[int] | None) -> list[Area]:
    """The areas asked for (None: every area), each one of the organisation's."""
    if area_ids is None:
        return areas
    by_id = {area.id: area for area in areas}
    wanted = set(area_ids)
    if not wanted <= set(by_id):
        # The ids come from the form's ticks: one that is not there is a choice to make again.
        raise InputProblem("One of the chosen areas no longer exists; please choose again.")
    return [area for area in areas if area.id in wanted]


def open_period(
    actor: Actor,
    name: str | None,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    area_ids: Iterable[int] | None,
) -> PeriodOpened:
    """Open a period for the chosen areas (None: all of them) and, in the same transaction, a
    round with an open link for every team of those areas. Every team that does not simply
    get a new round is named in the result's notes with what happened and what to do."""
    require(actor, Permission.OPEN_PERIODS)
    today = clock.today()
    model = current_model()
    with transaction() as session:
        organisation = session.get(Organisation, actor.organisation_id)
        if organisation is None:
            raise NotFound("Your organisation no longer exists.")
        areas = _chosen_areas(_areas_of(session, organisation.id), area_ids)
        new = checked_period(
            name,
            opens_on,
            closes_on,
            [area.id for area in areas],
            repo.period_facts(session, organisation.id),
            today,
        )
        if new.opens_on > today:
            raise InputProblem(FUTURE_OPENING)
        period = AssessmentPeriod(
            organisation_id=organisation.id,
            name=new.name,
            opens_on=new.opens_on,
            closes_on=new.closes_on,
            areas=[AssessmentPeriodArea(area_id=area.id) for area in areas],
        )
        session.add(period)
        session.flush()
        version = repo.ensure_model_version(session, model)
        opened, notes = 0, []
        for area in areas:
            for team in area.teams:
                made, note = _round_for(
                    session, actor, organisation, team, period, version.id, today
                )
                opened += made
                notes += [note] if note else []
        dates = f"{day_month_year(new.opens_on)} to {day_month_year(new.closes_on)}"
        repo.record(
            session,
            actor,
            "period opened",
            f"{new.name}, {dates}, {count_of(len(areas), 'area', 'areas')}, "
            f"{count_of(opened, 'round', 'rounds')} opened",
        )
        return PeriodOpened(period_id=period.id, rounds_opened=opened, notes=notes)


def _round_for(
    session,
    actor: Actor,
    organisation: Organisation,
    team: Team,
    period: AssessmentPeriod,
    version_id: str,
    today: dt.date,
) -> tuple[bool, str]:
    """Give the team its round of the period: whether a new one was opened, and a sentence
    ("" when there is nothing more to say) on what else was done and, where needed, what the
    team's manager can do."""
    current = repo.open_round_of(session, team.id)
    if current is not None:
        earlier = repo.period_of(session, current.period_id)
        if earlier is None:
            # Kept open and counted in the period rather than closed: closing cannot be
            # undone, would stop staff who are part-way through, and would break the link the
            # manager has already handed out. Its answers are new to every period (a round
            # belongs to one period at most), so no figure is counted twice.
            current.period_id = period.id
            repo.record(
                session, actor, "round joined period",
                f"{team.name} (round {current.id}) joined {period.name}",
            )  # fmt: skip
            return False, (
                f"{team.name} already had an open round (opened "
                f"{day_month_year(current.opened_at)}): it stays open with the same link and "
                f"now counts in {period.name}."
            )
        if taking_answers(earlier, today):
            # Not possible for one area (periods of an area do not overlap); said plainly if a
            # team moved between areas while its round was open.
            return False, (
                f"{team.name} has an open round that belongs to {earlier.name}, so no round was "
                f"opened for {period.name}. Close that round on the team's page, then open a "
                "new one there: it will count in this period."
            )
        # Its period is over, so the round takes no answers any more: closing it loses nothing.
        _close_finished(session, actor, team, current)
        note = (
            f"{team.name}'s round of {earlier.name} was still open after that period ended, so "
            "it was closed."
        )
    else:
        note = ""
    if team.staff_count is None:
        return False, (note + " " if note else "") + (
            f"{team.name} has no number of staff recorded, so no round was opened. Record it on "
            "the team's page and open the round there: it will count in this period."
        )
    if team.staff_count < organisation.anonymity_threshold:
        return False, (note + " " if note else "") + (
            f"{team.name} has {count_of(team.staff_count, 'member', 'members')} of staff, fewer "
            f"than the {organisation.anonymity_threshold} people results need, so no round was "
            "opened. Check the number on the team's page."
        )
    round_ = AssessmentRound(
        team_id=team.id,
        model_version_id=version_id,
        token=repo.new_round_token(),
        anonymity_threshold=organisation.anonymity_threshold,
        comment_threshold=organisation.comment_threshold,
        # An open link: a period's links are printed on one sheet for the managers to hand on.
        access_mode=AccessMode.LINK.value,
        staff_count=team.staff_count,
        period_id=period.id,
    )
    session.add(round_)
    session.flush()
    repo.record(
        session, actor, "round opened",
        f"{team.name} (round {round_.id}), {team.staff_count} staff, an open link, "
        f"for {period.name}",
    )  # fmt: skip
    return True, (note + f" A new one was opened for {period.name}.") if note else ""


def _close_finished(session, actor: Actor, team: Team, round_: AssessmentRound) -> None:
    """Close a round as `rounds.close_round` does (receipts and codes forgotten, rows written
    again in random order)."""
    round_.closed_at = clock.now()
    repo.forget_round_access(session, round_.id)
    repo.rewrite_in_random_order(session, round_.id)
    repo.record(session, actor, "round closed", f"{team.name} (round {round_.id}), period over")


def _state(period: PeriodFacts, today: dt.date) -> str:
    if today < period.opens_on:
        return f"Opens {day_month_year(period.opens_on)}"
    if taking_answers(period, today):
        return f"Open until {day_month_year(period.closes_on)}"
    return "Closed"


def periods_view(actor: Actor) -> PeriodsView:
    """The organisation's periods, newest first, and the areas a new one can cover."""
    require(actor, Permission.OPEN_PERIODS)
    today = clock.today()
    with transaction() as session:
        areas = _areas_of(session, actor.organisation_id)
        names = {area.id: area.name for area in areas}
        periods = repo.period_facts(session, actor.organisation_id)
        rounds = session.execute(
            select(AssessmentRound.id, AssessmentRound.period_id).where(
                AssessmentRound.period_id.in_([p.id for p in periods])
            )
        ).all()
        counts = response_counts(session, [round_id for round_id, _ in rounds])
        view = PeriodsView(areas=[AreaChoice(a.id, a.name, len(a.teams)) for a in areas])
        for period in reversed(periods):
            own = [round_id for round_id, period_id in rounds if period_id == period.id]
            covered = sorted(names[a] for a in period.area_ids if a in names)
            view.rows.append(
                PeriodRow(
                    id=period.id,
                    name=period.name,
                    dates=f"{day_month_year(period.opens_on)} to "
                    f"{day_month_year(period.closes_on)}",
                    state=_state(period, today),
                    areas=f"All {len(names)} areas"
                    if len(covered) == len(names) > 1
                    else ", ".join(covered),
                    rounds=len(own),
                    responses=sum(counts.get(round_id, 0) for round_id in own),
                )
            )
        return view


def period_sheet(actor: Actor, period_id: int) -> PeriodSheet:
    """Per area of the period, each team's share token (the page makes the link and its QR
    code), for the managers. Only people who may open periods get it: a token is a working
    survey link."""
    require(actor, Permission.OPEN_PERIODS)
    today = clock.today()
    with transaction() as session:
        period = session.get(AssessmentPeriod, period_id)
        if period is None or period.organisation_id != actor.organisation_id:
            raise NotFound("There is no such assessment period.")
        facts = repo.period_of(session, period.id)
        assert facts is not None
        organisation = session.get(Organisation, actor.organisation_id)
        assert organisation is not None
        rounds = list(
            session.scalars(select(AssessmentRound).where(AssessmentRound.period_id == period.id))
        )
        counts = response_counts(session, [r.id for r in rounds])
        # A team's latest round of the period (a team may close one and open another).
        latest = {r.team_id: r for r in sorted(rounds, key=lambda r: (r.opened_at, r.id))}
        open_now = taking_answers(facts, today)
        sheet = PeriodSheet(
            name=period.name,
            dates=f"{day_month_year(period.opens_on)} to {day_month_year(period.closes_on)}",
            organisation_name=organisation.name,
            taking_answers=open_now,
        )
        for area in _areas_of(session, actor.organisation_id):
            if area.id not in facts.area_ids:
                continue
            section = SheetArea(id=area.id, name=area.name)
            for team in area.teams:
                round_ = latest.get(team.id)
                section.teams.append(_sheet_team(team, round_, counts, open_now))
            sheet.areas.append(section)
        return sheet


def _sheet_team(
    team: Team, round_: AssessmentRound | None, counts: dict[int, int], open_now: bool
) -> SheetTeam:
    number = round_.staff_count if round_ is not None and round_.staff_count else team.staff_count
    staff = f"{number} staff" if number else ""
    if round_ is None:
        return SheetTeam(team.name, "", staff, 0, "No round in this period yet.")
    responses = counts.get(round_.id, 0)
    if not round_.is_open:
        return SheetTeam(team.name, "", staff, responses, "Its round has been closed.")
    if not open_now:
        return SheetTeam(team.name, "", staff, responses, "The period is over.")
    return SheetTeam(team.name, round_.token, staff, responses, "")
