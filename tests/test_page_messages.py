"""What the start page and the team pages say fits who is reading and how many there are."""

from __future__ import annotations

import pytest
from people import make_person
from respondents import open_link_round, send

from culturetool.domain.access import Actor, Forbidden, Permission, Role, require
from culturetool.services.organisation import (
    add_area,
    add_team,
    create_organisation,
    organisation_overview,
    team_view,
)
from culturetool.ui.pages.home import what_you_can_do


def _actor(role: Role) -> Actor:
    return Actor(user_id=1, organisation_id=1, role=role, name="Someone")


def test_only_a_manager_is_told_to_open_a_round_from_the_start_page():
    for role in (Role.ADMINISTRATOR, Role.LEADER, Role.INNOVATION):
        words = what_you_can_do(_actor(role))
        assert "to open a self-assessment round" not in words
        assert "Each team's manager opens its self-assessment rounds." in words
    assert "open a self-assessment round" in what_you_can_do(_actor(Role.MANAGER))
    assert "invite people" in what_you_can_do(_actor(Role.ADMINISTRATOR))
    assert "set its targets" in what_you_can_do(_actor(Role.INNOVATION))


def test_a_refusal_for_another_team_is_said_of_the_team():
    manager = Actor(
        user_id=1, organisation_id=1, role=Role.MANAGER, name="M", team_ids=frozenset({1})
    )
    with pytest.raises(Forbidden) as refusal:
        require(manager, Permission.SEE_TEAMS, team_id=2)
    assert str(refusal.value).startswith("This team is not one of yours.")
    assert "teams for this team" not in str(refusal.value)


def test_counts_of_responses_and_the_teams_managers_read_right(database, model):
    create_organisation("Counting Council")
    administrator = make_person(Role.ADMINISTRATOR)
    team = add_team(administrator, add_area(administrator, "North"), "Alpha")
    manager = make_person(Role.MANAGER, (team,))
    round_ = open_link_round(manager, team)
    send(round_.token, "device-1", {item.id: 4 for item in model.questionnaire.items})
    summary = organisation_overview(administrator).areas[0].teams[0]
    assert summary.latest_responses_text == "1 response"
    assert team_view(administrator, team).managers == [manager.name]
