"""The organisation's structure: setting it up, its areas and teams, and the pages that list
them (the start page, a team's page).

Adding areas and teams lives here, beside the overview that lists them, rather than in
`services/admin.py`, which is about people (invitations, roles, settings, the audit log).
"""

from __future__ import annotations

from culturetool.domain.access import Actor, Permission, require
from culturetool.domain.errors import InputProblem, NotFound
from culturetool.domain.limits import (
    DEFAULT_ANONYMITY_THRESHOLD,
    MAX_STAFF_COUNT,
    MIN_ANONYMITY_THRESHOLD,
    MIN_STAFF_COUNT,
    NAME_LENGTH,
)
from culturetool.domain.text import clean_name
from culturetool.domain.wording import count_of
from culturetool.services.model_provider import current_model
from culturetool.services.reach import area_in_reach, team_in_reach
from culturetool.services.rounds import minutes_to_answer, round_summary
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.disclosure import response_count
from culturetool.store.tables import Area, Organisation, Team
from culturetool.views.organisation import AreaView, OrganisationView, TeamSummary, TeamView


def create_organisation(name: str, threshold: int = DEFAULT_ANONYMITY_THRESHOLD) -> None:
    """Setting up an installation (command line, demo, tests); not reachable from the web."""
    name = clean_name(name, "organisation", NAME_LENGTH)
    if threshold < MIN_ANONYMITY_THRESHOLD:
        raise InputProblem(
            f"The anonymity threshold cannot be below {MIN_ANONYMITY_THRESHOLD} responses."
        )
    with transaction() as session:
        if repo.the_organisation(session) is not None:
            raise InputProblem("An organisation is already set up.")
        session.add(Organisation(name=name, anonymity_threshold=threshold))


def organisation_overview(actor: Actor) -> OrganisationView:
    """The areas and teams this person may see (a manager: only their own teams)."""
    require(actor, Permission.SEE_TEAMS)
    with transaction() as session:
        organisation = session.get(Organisation, actor.organisation_id)
        if organisation is None:
            raise NotFound("Your organisation no longer exists.")
        view = OrganisationView(
            name=organisation.name,
            threshold=organisation.anonymity_threshold,
            can_manage=actor.can(Permission.MANAGE_ORGANISATION),
            can_view_areas=actor.can(Permission.VIEW_AREA_RESULTS),
        )
        for area in organisation.areas:
            area_view = AreaView(id=area.id, name=area.name)
            for team in area.teams:
                if not actor.reaches_team(team.id):
                    continue
                latest = team.rounds[-1] if team.rounds else None
                responses = response_count(session, latest.id) if latest else 0
                area_view.teams.append(
                    TeamSummary(
                        id=team.id,
                        name=team.name,
                        area_name=area.name,
                        has_open_round=bool(latest and latest.is_open),
                        latest_round_id=latest.id if latest else 0,
                        latest_responses=responses,
                        latest_responses_text=count_of(responses, "response", "responses"),
                    )
                )
            if area_view.teams or view.can_manage:
                view.areas.append(area_view)
        return view


def add_area(actor: Actor, name: str) -> int:
    require(actor, Permission.MANAGE_ORGANISATION)
    name = clean_name(name, "area", NAME_LENGTH)
    with transaction() as session:
        if repo.area_named(session, actor.organisation_id, name) is not None:
            raise InputProblem(f"There is already an area called “{name}”.")
        area = Area(organisation_id=actor.organisation_id, name=name)
        session.add(area)
        session.flush()
        repo.record(session, actor, "area added", name)
        return area.id


def add_team(actor: Actor, area_id: int, name: str) -> int:
    require(actor, Permission.MANAGE_ORGANISATION)
    name = clean_name(name, "team", NAME_LENGTH)
    with transaction() as session:
        try:
            area = area_in_reach(session, actor, area_id, Permission.MANAGE_ORGANISATION)
        except NotFound:
            # The area comes from the form's list: one that is not there is a choice to make.
            raise InputProblem("Choose the area the team belongs to.") from None
        if repo.team_named(session, area.id, name) is not None:
            raise InputProblem(f"{area.name} already has a team called “{name}”.")
        team = Team(area_id=area.id, name=name)
        session.add(team)
        session.flush()
        repo.record(session, actor, "team added", f"{name} in {area.name}")
        return team.id


def team_view(actor: Actor, team_id: int) -> TeamView:
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.SEE_TEAMS)
        # A round's token is its working survey link: only those who run the team's rounds
        # get it; everyone else who may see the team sees its rounds without one.
        runs_rounds = actor.may(Permission.RUN_ROUNDS, team.id)
        return TeamView(
            id=team.id,
            name=team.name,
            area_name=team.area.name,
            organisation_name=team.area.organisation.name,
            survey_minutes=minutes_to_answer(current_model()),
            can_run_rounds=runs_rounds,
            can_view_results=actor.may(Permission.VIEW_RESULTS, team.id),
            rounds=[
                round_summary(session, r, with_token=runs_rounds) for r in reversed(team.rounds)
            ],
            managers=[m.name for m in repo.managers_of(session, team.id)],
            staff_count=team.staff_count or 0,
            can_record_staff_count=actor.may(Permission.RECORD_STAFF_COUNT, team.id),
        )


def set_staff_count(actor: Actor, team_id: int, staff_count: int) -> None:
    """Record how many people work in the team (its manager or an administrator): the
    response rate's denominator, and what the rounds of an assessment period open with."""
    if (
        isinstance(staff_count, bool)
        or not isinstance(staff_count, int)
        or not MIN_STAFF_COUNT <= staff_count <= MAX_STAFF_COUNT
    ):
        raise InputProblem(
            f"Give the number of people in the team as a whole number from {MIN_STAFF_COUNT} "
            f"to {MAX_STAFF_COUNT}."
        )
    with transaction() as session:
        team = team_in_reach(session, actor, team_id, Permission.RECORD_STAFF_COUNT)
        if team.staff_count != staff_count:
            before = "not recorded" if team.staff_count is None else str(team.staff_count)
            team.staff_count = staff_count
            repo.record(
                session, actor, "staff number recorded",
                f"{team.name}: {staff_count} staff (was {before})",
            )  # fmt: skip
