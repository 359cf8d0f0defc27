"""Who holds a survey link, and what another organisation's rows look like.

A round's token is its working survey link: anyone holding it can answer. Only the people who
run the team's rounds may get it, on the page or in the service's view. And a team, round,
area, action or account of another organisation answers exactly as a missing one does.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
import reflex as rx
import sqlalchemy as sa
from people import PASSWORD, make_person
from respondents import open_link_round
from sessions import router_for

import culturetool.culturetool  # noqa: F401  (registers every page and state)
from culturetool.domain.access import Actor, Permission, Role
from culturetool.domain.errors import NotFound
from culturetool.services import accounts, plans
from culturetool.services.accounts import actor_of
from culturetool.services.organisation import add_area, add_team, create_organisation, team_view
from culturetool.services.reach import (
    action_in_reach,
    area_in_reach,
    round_in_reach,
    team_in_reach,
    user_in_reach,
)
from culturetool.store.db import transaction
from culturetool.store.tables import Organisation, Team, UserAccount
from culturetool.ui.pages.team import TeamState

SEES_THE_TEAM_BUT_RUNS_NO_ROUNDS = [Role.ADMINISTRATOR, Role.LEADER, Role.INNOVATION]
MISSING = 999_999


def _draft(team_id: int | None) -> plans.ActionDraft:
    return plans.ActionDraft("Try the new kit", "Sam", team_id, ("strategic_clarity",),
                             "first_week")  # fmt: skip


@pytest.fixture
def county(database):
    """One team with an open round, and a person of each role who may see it."""
    create_organisation("Shirebrook County Council")
    boss = make_person(Role.ADMINISTRATOR, password=PASSWORD)
    area = add_area(boss, "North")
    team = add_team(boss, area, "Alpha")
    people = {role: make_person(role, password=PASSWORD) for role in (Role.LEADER, Role.INNOVATION)}
    people[Role.ADMINISTRATOR] = boss
    people[Role.MANAGER] = make_person(Role.MANAGER, (team,), password=PASSWORD)
    round_ = open_link_round(people[Role.MANAGER], team)
    return {"area": area, "team": team, "round": round_.id, "people": people}


def _survey_token(round_id: int) -> str:
    with transaction() as session:
        return session.scalar(
            sa.text("select token from assessment_round where id = :id"), {"id": round_id}
        )


def _team_page_as(actor: Actor, team_id: int) -> tuple[TeamState, str]:
    """TeamState.load as this person's browser runs it: the page's state, and every state of
    the app serialised as Reflex would send and store it."""
    with transaction() as session:
        email = session.scalar(select_email(actor.user_id))
    signed_in = accounts.sign_in(email, PASSWORD).token
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(TeamState.get_full_name().split(".")[1:])
    root.router = router_for(signed_in, pathname="/", query={"team_id": str(team_id)})
    TeamState.load.fn(state)
    assert state.denied == "" and state.team_name == "Alpha"  # the page did load
    assert [r.is_open for r in state.rounds] == [True]  # with the open round listed
    return state, json.dumps(root.dict(), default=str)


def select_email(user_id: int):
    return sa.select(UserAccount.email).where(UserAccount.id == user_id)


@pytest.mark.parametrize("role", SEES_THE_TEAM_BUT_RUNS_NO_ROUNDS)
def test_who_runs_no_rounds_gets_no_survey_link(county, role):
    token = _survey_token(county["round"])
    person = county["people"][role]
    view = team_view(person, county["team"])
    assert [r.id for r in view.rounds] == [county["round"]] and view.rounds[0].is_open
    assert token not in repr(dataclasses.asdict(view))
    assert not view.can_run_rounds
    state, page = _team_page_as(person, county["team"])
    assert token not in page
    assert state.share_link == state.share_qr == ""


def test_the_teams_manager_gets_the_survey_link(county):
    token = _survey_token(county["round"])
    manager = county["people"][Role.MANAGER]
    view = team_view(manager, county["team"])
    assert view.can_run_rounds and view.rounds[0].token == token
    state, page = _team_page_as(manager, county["team"])
    assert state.share_link.endswith(f"/r/{token}") and state.share_qr != ""
    assert token in page


# ---- another organisation's rows -------------------------------------------------------------


def _person_of(organisation_id: int, role: Role, teams: tuple[int, ...] = ()) -> Actor:
    """An account in another organisation (make_person knows only the first one)."""
    with transaction() as session:
        user = UserAccount(
            organisation_id=organisation_id,
            email=f"{role.value}@elsewhere.example",
            name=f"Elsewhere {role.label}",
            role=role.value,
            password_hash=None,
        )
        user.teams = [session.get(Team, t) for t in teams]
        session.add(user)
        session.flush()
        return actor_of(user)


@pytest.fixture
def elsewhere(county):
    """A second organisation in the same database with a team, a round, an action, an account."""
    with transaction() as session:
        other = Organisation(name="Elsewhere Borough")
        session.add(other)
        session.flush()
        other_id = other.id
    boss = _person_of(other_id, Role.ADMINISTRATOR)
    area = add_area(boss, "Elsewhere North")
    team = add_team(boss, area, "Elsewhere Alpha")
    round_id = open_link_round(_person_of(other_id, Role.MANAGER, (team,)), team).id
    action = plans.create_action(_person_of(other_id, Role.INNOVATION), area, _draft(team))
    return {"area": area, "team": team, "round": round_id, "action": action,
            "user": boss.user_id}  # fmt: skip


REACH = {
    # kind: (loader, the role asking, what it asks to do, the words for "not there")
    "team": (team_in_reach, Role.LEADER, Permission.SEE_TEAMS, "There is no such team."),
    "round": (round_in_reach, Role.LEADER, Permission.VIEW_RESULTS, "There is no such round."),
    "area": (area_in_reach, Role.LEADER, Permission.VIEW_AREA_RESULTS, "There is no such area."),
    "action": (
        action_in_reach,
        Role.INNOVATION,
        Permission.EDIT_PLANS,
        "There is no such action; it may have been removed.",
    ),  # fmt: skip
    "user": (
        user_in_reach,
        Role.ADMINISTRATOR,
        Permission.MANAGE_USERS,
        "There is no such person.",
    ),  # fmt: skip
}


@pytest.mark.parametrize("kind", sorted(REACH))
def test_another_organisations_row_answers_as_not_found(county, elsewhere, kind):
    load, role, permission, words = REACH[kind]
    asking = county["people"][role]  # an organisation-wide role: its team reach refuses nothing
    with transaction() as session:
        with pytest.raises(NotFound) as theirs:
            load(session, asking, elsewhere[kind], permission)
        with pytest.raises(NotFound) as missing:
            load(session, asking, MISSING, permission)
    assert str(theirs.value) == str(missing.value) == words


def test_the_same_loaders_reach_their_own_organisations_rows(county):
    """The other side of the test above: not everything answers as not found."""
    people = county["people"]
    action = plans.create_action(people[Role.INNOVATION], county["area"], _draft(county["team"]))
    own = {"team": county["team"], "round": county["round"], "area": county["area"],
           "action": action, "user": people[Role.MANAGER].user_id}  # fmt: skip
    with transaction() as session:
        for kind, (load, role, permission, _) in REACH.items():
            assert load(session, people[role], own[kind], permission).id == own[kind]
