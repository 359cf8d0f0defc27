"""Recommendations as pages get them: from the figures the person may see, with the targets of
the team or area and the interventions already in its plan."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from people import admin, leader, make_person, manager_of
from respondents import open_link_round

from culturetool.domain.access import Forbidden, Role
from culturetool.domain.errors import NotFound
from culturetool.domain.kinds import CarriedOutBy
from culturetool.services import plans
from culturetool.services import recommendations as rec
from culturetool.services.organisation import add_area, add_team, create_organisation
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound, ConditionTarget, ModelVersion, PlanAction
from culturetool.ui.pages.recommendations import with_links
from culturetool.views.results import Hidden

LOW = ("confident_staff_and_people", "evidence_of_impact")


def answers(model, low: tuple[str, ...] = LOW) -> dict[str, int]:
    """Every statement at 4 out of 5, except the low conditions' at 1 (reversed ones flipped)."""
    chosen = {}
    for item in model.questionnaire.items:
        score = 1 if item.condition in low else 4
        chosen[item.id] = 6 - score if item.reverse else score
    return chosen


def add_round(team_id: int, people: int, model, low: tuple[str, ...] = LOW) -> int:
    opened = open_link_round(manager_of(team_id), team_id)
    with transaction() as session:
        round_ = session.get(AssessmentRound, opened.id)
        for _ in range(people):
            repo.insert_response(session, round_, answers(model, low))
    return opened.id


@pytest.fixture
def county(database):
    create_organisation("Recommending Council")
    boss = admin()
    area = add_area(boss, "North")
    team = add_team(boss, area, "Reablement")
    return area, team


def test_top_bundles_come_from_the_weakest_conditions_with_reasons(county, model):
    area, team = county
    add_round(team, 6, model)
    view = rec.team_recommendations(manager_of(team), team)

    assert view.disclosed and view.responses == 6
    gaps = {row.condition_id: row for row in view.gaps}
    for condition in LOW:
        assert gaps[condition].mean == 1.0
        assert gaps[condition].gap == 2.4  # Thriving (level 4) starts at 3.4
        assert gaps[condition].how_sure == "6 people answered and people mostly agreed."
    assert not any(row.below_target for key, row in gaps.items() if key not in LOW)
    assert all(not signal.fired for signal in view.signals)  # acceptance and confidence fine

    primary = {
        b.id for b in model.bundles for s in b.serves if s.condition in LOW and s.weight == 1
    }
    serving = {b.id for b in model.bundles for s in b.serves if s.condition in LOW}
    assert {b.bundle_id for b in view.bundles[:2]} <= primary
    assert {b.bundle_id for b in view.bundles} == serving  # nothing unrelated to the gaps
    top = view.bundles[0]
    assert "below target" in top.headline
    assert any("Lowest statement for" in reason for reason in top.why)
    assert any(reason.startswith("Ranking score") for reason in top.why)
    # The team's own three first, each with why in one sentence and a way into the plan.
    assert len(view.top) == 3
    team_level = {i.id for i in model.interventions if i.carried_out_by == CarriedOutBy.TEAM}
    assert {i.intervention_id for i in view.top + view.more} <= team_level
    assert all(i.sentence.startswith("It builds ") and i.can_add_to_plan for i in view.top)
    assert view.others and not {i.intervention_id for i in view.others} & team_level
    linked = with_links(view).top
    assert all(i.plan_link.startswith(f"/teams/{team}/plan?") for i in linked)
    assert f"bundle={linked[0].bundle_id}" in linked[0].plan_link


def test_a_team_below_the_threshold_gets_no_recommendation(county, model):
    area, team = county
    add_round(team, 4, model)
    view = rec.team_recommendations(manager_of(team), team)
    assert not view.disclosed
    assert (view.responses, view.still_needed) == (4, 1)
    assert view.bundles == [] and view.gaps == [] and view.signals == []
    assert view.top == [] and view.others == []


def test_a_team_without_responses_is_told_so(county):
    area, team = county
    view = rec.team_recommendations(leader(), team)
    assert not view.disclosed and view.based_on == "The team has no responses yet."


def test_no_recommendation_rests_on_a_figure_hidden_by_subtraction(county, model):
    """A leader sees area figures, so the middle team's are hidden to protect the small team:
    its recommendations may not use them, while its own manager's may."""
    area, big = county
    boss = admin()
    middle = add_team(boss, area, "Middle")
    small = add_team(boss, area, "Small")
    add_round(big, 9, model, low=())
    add_round(middle, 6, model)
    add_round(small, 2, model)

    as_leader = rec.team_recommendations(leader(), middle)
    assert as_leader.disclosed
    assert not any(row.shown for row in as_leader.gaps)
    assert as_leader.bundles == [] and as_leader.top == [] and as_leader.others == []
    assert "smaller team" in as_leader.summary
    assert {row.hidden for row in as_leader.gaps} == {Hidden.PROTECTED}

    as_manager = rec.team_recommendations(manager_of(middle), middle)
    assert {row.condition_id for row in as_manager.gaps if row.below_target} == set(LOW)
    assert as_manager.bundles


def test_targets_of_the_team_then_area_then_organisation_are_used(county, model):
    area, team = county
    add_round(team, 5, model)
    with transaction() as session:
        organisation_id = repo.the_organisation(session).id
        session.add_all(
            [
                ConditionTarget(
                    organisation_id=organisation_id,
                    scope="organisation",
                    scope_id=organisation_id,
                    condition_id="strategic_clarity",
                    level=5,
                ),  # fmt: skip
                ConditionTarget(
                    organisation_id=organisation_id,
                    scope="area",
                    scope_id=area,
                    condition_id="evidence_of_impact",
                    level=2,
                ),  # fmt: skip
                ConditionTarget(
                    organisation_id=organisation_id,
                    scope="team",
                    scope_id=team,
                    condition_id="confident_staff_and_people",
                    level=3,
                ),  # fmt: skip
            ]
        )
    gaps = {row.condition_id: row for row in rec.team_recommendations(leader(), team).gaps}
    level = {lv.level: lv for lv in model.meta.maturity_levels}
    assert gaps["strategic_clarity"].target == "Embedded: 4.2 and above"  # the band it names
    assert gaps["strategic_clarity"].gap == round(level[5].min_score - 4.0, 2)
    assert gaps["evidence_of_impact"].gap == round(level[2].min_score - 1.0, 2)
    assert gaps["confident_staff_and_people"].gap == round(level[3].min_score - 1.0, 2)
    area_gaps = {row.condition_id: row for row in rec.area_recommendations(leader(), area).gaps}
    assert area_gaps["confident_staff_and_people"].target == f"{level[4].name}: 3.4 and above"


def _plan(area: int, team: int | None, intervention: str, status: str) -> None:
    with transaction() as session:
        session.add(
            PlanAction(
                organisation_id=repo.the_organisation(session).id, area_id=area, team_id=team,
                title=intervention, owner="Someone", intervention_id=intervention,
                condition_ids="", timescale="first_week", due_on=dt.date(2026, 12, 1),
                status=status, notes="",
            )
        )  # fmt: skip


def test_interventions_in_the_plan_are_shown_as_under_way_not_as_new(county, model):
    area, team = county
    other = add_team(admin(), area, "Other")
    add_round(team, 5, model)
    add_round(other, 5, model)
    _plan(area, team, "digital_champions", "in_progress")
    _plan(area, None, "communities_of_practice", "done")  # for the whole area
    _plan(area, team, "drop_in_sessions", "dropped")  # dropped: suggested again
    _plan(area, other, "hands_on_demonstrations", "planned")  # another team's

    def flags(view) -> dict[str, bool]:
        listed = view.top + view.more + view.others + view.more_others
        return {i.intervention_id: i.under_way for i in listed}

    team_flags = flags(rec.team_recommendations(leader(), team))
    assert team_flags["digital_champions"] and team_flags["communities_of_practice"]
    assert not team_flags["drop_in_sessions"]
    assert not team_flags["hands_on_demonstrations"]
    area_flags = flags(rec.area_recommendations(leader(), area))
    assert area_flags["hands_on_demonstrations"] and area_flags["digital_champions"]


def test_who_may_see_and_plan(county, model):
    area, team = county
    add_round(team, 5, model)
    manager = manager_of(team)
    assert rec.team_recommendations(manager, team).can_plan
    assert not rec.team_recommendations(leader(), team).can_plan
    as_leader = with_links(rec.team_recommendations(leader(), team))
    listed = as_leader.top + as_leader.more + as_leader.others + as_leader.more_others
    assert listed and all(i.plan_link == "" and i.area_plan_link == "" and not i.can_ask
                          for i in listed)  # fmt: skip
    innovation = make_person(Role.INNOVATION)
    assert rec.area_recommendations(innovation, area).can_plan
    assert not rec.area_recommendations(leader(), area).can_plan
    with pytest.raises(Forbidden):
        rec.area_recommendations(manager, area)
    with pytest.raises(Forbidden):
        rec.team_recommendations(manager_of(add_team(admin(), area, "Else")), team)
    with pytest.raises(Forbidden):
        rec.team_recommendations(make_person(Role.FACILITATOR), team)
    with pytest.raises(NotFound):
        rec.team_recommendations(leader(), team + 999)
    with pytest.raises(NotFound):
        rec.area_recommendations(leader(), area + 999)


def test_a_teams_asks_of_leaders_go_to_the_area_plan(county, model):
    area, team = county
    add_round(team, 5, model)
    manager = manager_of(team)
    view = with_links(rec.team_recommendations(manager, team))
    ask = view.others[0]
    # A manager asks; they cannot add to the area's plan themselves.
    assert ask.can_ask and not ask.asked and ask.area_plan_link == ""
    plans.ask_area_plan(manager, team, ask.intervention_id)
    again = rec.team_recommendations(manager, team)
    assert [i.asked for i in again.others][:1] == [True]
    # The innovation team adds it to the area's plan directly instead.
    innovation = with_links(rec.team_recommendations(make_person(Role.INNOVATION), team))
    first = innovation.others[0]
    assert not first.can_ask
    assert first.area_plan_link.startswith(f"/areas/{area}/plan?intervention=")


def test_an_areas_list_leads_with_the_area_and_organisation_level(county, model):
    area, team = county
    add_round(team, 6, model)
    innovation = make_person(Role.INNOVATION)
    view = with_links(rec.area_recommendations(innovation, area))
    level = {i.id: i.carried_out_by for i in model.interventions}
    assert len(view.top) == 3
    assert CarriedOutBy.TEAM not in {level[i.intervention_id] for i in view.top + view.more}
    assert {level[i.intervention_id] for i in view.others} == {CarriedOutBy.TEAM}
    assert all(i.plan_link.startswith(f"/areas/{area}/plan?") for i in view.top)
    assert not any(i.can_ask or i.area_plan_link for i in view.others)  # nothing to ask there


def test_a_round_opened_before_the_model_said_who_acts_takes_the_current_word(county, model):
    area, team = county
    round_id = add_round(team, 6, model)
    with transaction() as session:
        version = session.get(ModelVersion, session.get(AssessmentRound, round_id).model_version_id)
        older = json.loads(version.content)
        for intervention in older["interventions"]:
            del intervention["carried_out_by"]
        version.content = json.dumps(older)
    view = rec.team_recommendations(manager_of(team), team)
    team_level = {i.id for i in model.interventions if i.carried_out_by == CarriedOutBy.TEAM}
    assert view.top and {i.intervention_id for i in view.top} <= team_level
