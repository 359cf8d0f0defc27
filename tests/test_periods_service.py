"""Opening assessment periods (services/periods.py) against a real, migrated SQLite file: a
round for every team of the chosen areas with the period and the team's staff, a clear word for
every team that did not simply get one, overlaps refused, rounds opened later attached by date,
answers refused after the closing day, and the team's number of staff."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
import sqlalchemy as sa
from people import admin, leader, make_person, manager_of
from respondents import open_link_round, send
from starlette.applications import Starlette
from starlette.testclient import TestClient

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.clock import frozen_at
from culturetool.domain.errors import InputProblem, NotFound, RoundClosed
from culturetool.services import periods, responding
from culturetool.services.organisation import (
    add_area,
    add_team,
    create_organisation,
    set_staff_count,
    team_view,
)
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.tables import AssessmentRound, AuditEvent
from culturetool.web import respondent

pytestmark = pytest.mark.db

OPENS = dt.date(2027, 3, 1)
CLOSES = dt.date(2027, 5, 31)


@pytest.fixture
def county(database):
    """Two areas of two teams each, and one area with one team; staff numbers recorded."""
    create_organisation("Period Council")
    administrator = admin()
    teams: dict[str, int] = {}
    areas: dict[str, int] = {}
    for area_name, team_names in {
        "North": ["Alpha", "Beta"],
        "South": ["Gamma", "Delta"],
        "West": ["Epsilon"],
    }.items():
        areas[area_name] = add_area(administrator, area_name)
        for number, team_name in enumerate(team_names):
            teams[team_name] = add_team(administrator, areas[area_name], team_name)
            set_staff_count(administrator, teams[team_name], 8 + number)
    return areas, teams


def innovation():
    return make_person(Role.INNOVATION)


def rounds_by_team() -> dict[int, list[AssessmentRound]]:
    with db.transaction() as session:
        found: dict[int, list[AssessmentRound]] = {}
        for round_ in session.scalars(sa.select(AssessmentRound).order_by(AssessmentRound.id)):
            session.expunge(round_)
            found.setdefault(round_.team_id, []).append(round_)
        return found


def every_answer(model, value: int = 4) -> dict[str, int]:
    return {item.id: value for item in model.questionnaire.items}


def test_a_period_for_all_areas_opens_a_round_for_every_team_with_its_staff(county):
    areas, teams = county
    with frozen_at(OPENS):
        opened = periods.open_period(innovation(), "Spring 2027", OPENS, CLOSES, None)
    assert opened.rounds_opened == 5 and opened.notes == []
    rounds = rounds_by_team()
    assert set(rounds) == set(teams.values())
    for team_id in teams.values():
        (round_,) = rounds[team_id]
        assert round_.period_id == opened.period_id and round_.is_open
        assert round_.staff_count == team_view(admin(), team_id).staff_count
        assert round_.access_mode == "link"
    assert rounds[teams["Beta"]][0].staff_count == 9
    view = periods.periods_view(admin())
    (row,) = view.rows
    assert (row.name, row.rounds, row.responses) == ("Spring 2027", 5, 0)
    assert row.areas == "All 3 areas" and row.dates == "1 Mar 2027 to 31 May 2027"
    with db.transaction() as session:
        actions = session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("period opened") == 1 and actions.count("round opened") == 5


def test_a_period_for_chosen_areas_leaves_the_others_alone(county, model):
    areas, teams = county
    with frozen_at(OPENS):
        opened = periods.open_period(
            admin(), "Spring 2027", OPENS, CLOSES, [areas["North"], areas["South"]]
        )
        assert opened.rounds_opened == 4
        rounds = rounds_by_team()
        assert teams["Epsilon"] not in rounds
        send(rounds[teams["Alpha"]][0].token, "one", every_answer(model))
        sheet = periods.period_sheet(innovation(), opened.period_id)
    assert [a.name for a in sheet.areas] == ["North", "South"]
    north = {t.name: t for t in sheet.areas[0].teams}
    assert north["Alpha"].token == rounds[teams["Alpha"]][0].token
    assert north["Alpha"].responses == 1 and north["Beta"].staff == "9 staff"
    assert periods.periods_view(admin()).rows[0].areas == "North, South"


def test_an_overlapping_period_is_refused_with_what_to_change(county):
    areas, _ = county
    with frozen_at(OPENS):
        periods.open_period(admin(), "Spring 2027", OPENS, CLOSES, [areas["North"]])
        before = rounds_by_team()
        with pytest.raises(InputProblem, match="“Spring 2027” already runs from 1 Mar 2027"):
            periods.open_period(
                admin(), "Early summer", dt.date(2027, 5, 1), dt.date(2027, 6, 30), None
            )
        # Another area at the same time is fine.
        periods.open_period(admin(), "West spring", OPENS, CLOSES, [areas["West"]])
    after = rounds_by_team()
    assert {k: len(v) for k, v in before.items()} == {
        k: len(v) for k, v in after.items() if k in before
    }
    assert len(periods.periods_view(admin()).rows) == 2


def test_only_administrators_and_the_innovation_team_open_periods(county):
    areas, _ = county
    for person in (leader(), manager_of(*county[1].values())):
        with pytest.raises(Forbidden):
            periods.open_period(person, "Spring 2027", OPENS, CLOSES, None)
        with pytest.raises(Forbidden):
            periods.periods_view(person)
    assert rounds_by_team() == {}


def test_a_period_that_opens_later_or_has_bad_dates_is_refused(county):
    with frozen_at(OPENS):
        with pytest.raises(InputProblem, match="today or earlier"):
            periods.open_period(admin(), "Later", dt.date(2027, 3, 2), CLOSES, None)
        with pytest.raises(InputProblem, match="closes before it opens"):
            periods.open_period(admin(), "Backwards", OPENS, dt.date(2027, 2, 1), None)
        with pytest.raises(InputProblem, match="at least one area"):
            periods.open_period(admin(), "Nowhere", OPENS, CLOSES, [])
    assert rounds_by_team() == {}


def test_teams_that_do_not_simply_get_a_round_are_each_named(county, model):
    areas, teams = county
    administrator = admin()
    north_only = [areas["North"]]
    with frozen_at(dt.date(2027, 2, 20)):
        already = open_link_round(manager_of(teams["Alpha"]), teams["Alpha"])
        gone_team = add_team(administrator, areas["North"], "Nobody counted")
    with frozen_at(OPENS):
        opened = periods.open_period(administrator, "Spring 2027", OPENS, CLOSES, north_only)
    assert opened.rounds_opened == 1  # Beta; Alpha keeps its round, the new team has no number
    kept, no_number = opened.notes
    assert "Alpha already had an open round (opened 20 Feb 2027)" in kept
    assert "stays open with the same link and now counts in Spring 2027" in kept
    assert "Nobody counted has no number of staff recorded" in no_number
    (alpha,) = rounds_by_team()[teams["Alpha"]]
    assert alpha.id == already.id and alpha.is_open and alpha.period_id == opened.period_id
    assert gone_team not in rounds_by_team()


def test_a_round_left_open_after_its_period_ended_is_closed_for_the_next(county):
    areas, teams = county
    north = [areas["North"]]
    with frozen_at(dt.date(2026, 9, 1)):
        autumn = periods.open_period(
            admin(), "Autumn 2026", dt.date(2026, 9, 1), dt.date(2026, 11, 30), north
        )
    with frozen_at(OPENS):
        spring = periods.open_period(admin(), "Spring 2027", OPENS, CLOSES, north)
    assert spring.rounds_opened == 2
    assert (
        "Alpha's round of Autumn 2026 was still open after that period ended, so it was "
        "closed. A new one was opened for Spring 2027."
    ) in spring.notes
    old, new = rounds_by_team()[teams["Alpha"]]
    assert old.period_id == autumn.period_id and not old.is_open
    assert new.period_id == spring.period_id and new.is_open


def test_a_team_with_fewer_staff_than_the_threshold_gets_no_round_and_a_word(county):
    areas, teams = county
    set_staff_count(admin(), teams["Epsilon"], 3)
    with frozen_at(OPENS):
        opened = periods.open_period(admin(), "Spring 2027", OPENS, CLOSES, [areas["West"]])
    assert opened.rounds_opened == 0
    assert opened.notes == [
        "Epsilon has 3 members of staff, fewer than the 5 people results need, so no round was "
        "opened. Check the number on the team's page."
    ]


def test_rounds_opened_one_at_a_time_belong_to_the_period_of_their_day(county):
    areas, teams = county
    with frozen_at(OPENS):
        spring = periods.open_period(admin(), "Spring 2027", OPENS, CLOSES, [areas["North"]])
    manager = manager_of(teams["Alpha"], teams["Gamma"])
    alpha = rounds_by_team()[teams["Alpha"]][0]
    with frozen_at(dt.date(2027, 4, 10)):
        close_round(manager, alpha.id)
        during = open_link_round(manager, teams["Alpha"])
        elsewhere = open_link_round(manager, teams["Gamma"])  # South is in no period
    with frozen_at(dt.date(2027, 6, 1)):
        close_round(manager, during.id)
        after = open_link_round(manager, teams["Alpha"])
    period_of = {r.id: r.period_id for rs in rounds_by_team().values() for r in rs}
    assert period_of[during.id] == spring.period_id
    assert period_of[elsewhere.id] is None and period_of[after.id] is None


def test_answers_are_refused_after_the_closing_day_and_the_link_says_so(county, model):
    areas, teams = county
    with frozen_at(OPENS):
        periods.open_period(admin(), "Spring 2027", OPENS, CLOSES, [areas["North"]])
    token = rounds_by_team()[teams["Alpha"]][0].token
    with frozen_at(CLOSES):
        assert send(token, "last day", every_answer(model))
        assert responding.questionnaire_for(token).team_name == "Alpha"
    with frozen_at(CLOSES + dt.timedelta(days=1)):
        with pytest.raises(RoundClosed) as closed:
            send(token, "a day late", every_answer(model))
        assert closed.value.period_note == "The assessment “Spring 2027” ended on 31 May 2027."
        with pytest.raises(RoundClosed):
            responding.questionnaire_for(token)
        sheet = periods.period_sheet(admin(), periods.periods_view(admin()).rows[0].id)
        (shown,) = team_view(manager_of(teams["Alpha"]), teams["Alpha"]).rounds
    assert shown.period_name == "Spring 2027" and shown.is_open
    assert shown.period_over.startswith(
        "This round belongs to Spring 2027, which ended on 31 May 2027, so its link no longer "
        "takes answers. Close it"
    )
    assert not sheet.taking_answers
    assert all(t.token == "" and t.note == "The period is over." for t in sheet.areas[0].teams)
    assert periods.periods_view(admin()).rows[0].responses == 1


def test_the_sheet_of_another_organisations_period_is_not_found(county):
    with pytest.raises(NotFound):
        periods.period_sheet(admin(), 987654)


def test_a_teams_number_of_staff_is_recorded_by_its_manager_or_an_administrator(county):
    _, teams = county
    alpha = teams["Alpha"]
    set_staff_count(manager_of(alpha), alpha, 14)
    assert team_view(admin(), alpha).staff_count == 14
    with pytest.raises(Forbidden):
        set_staff_count(manager_of(teams["Beta"]), alpha, 20)
    with pytest.raises(Forbidden):
        set_staff_count(leader(), alpha, 20)
    for wrong in (0, 501, -3):
        with pytest.raises(InputProblem, match="whole number from 1 to 500"):
            set_staff_count(admin(), alpha, wrong)
    assert team_view(admin(), alpha).staff_count == 14
    assert team_view(manager_of(alpha), alpha).can_record_staff_count
    assert not team_view(leader(), alpha).can_record_staff_count


def test_a_link_of_a_period_that_is_over_says_when_it_ended(county, monkeypatch):
    areas, teams = county
    with frozen_at(OPENS):
        periods.open_period(admin(), "Spring 2027", OPENS, CLOSES, [areas["West"]])
    token = rounds_by_team()[teams["Epsilon"]][0].token
    client = TestClient(Starlette(routes=respondent.routes()))
    with frozen_at(CLOSES + dt.timedelta(days=1)):
        reply = client.get(f"/r/{token}")
        sent = client.post(f"/r/{token}", data={"comment": "late"})
    assert reply.status_code == sent.status_code == 410
    assert "This survey has closed" in reply.text
    assert "ended on 31 May 2027" in unescape(reply.text)
    assert "“Spring 2027”" in unescape(sent.text)
