"""Recommendations by who can act: a team's lead with what the team can do itself, an area's
with what the area and the organisation do; the ranking itself is the same for both.

The tiny model (tests/model_fixtures.py), default target Thriving (3.4 and above):
  bundle 1 both:      alpha 1.0, beta 0.6 -> do_it (organisation)
  bundle 2 beta_only: beta 1.0            -> beta_work (area)
  bundle 3 kit:       alpha 0.3           -> try_kit, champions (team)
With alpha and beta both at 2.9 (0.5 below): both 0.8, beta_only 0.5, kit 0.15.
"""

from __future__ import annotations

import pytest
from model_fixtures import write_tiny_model

from culturetool.domain.kinds import CarriedOutBy, TargetScope
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.recommendations import Recommendations, recommend
from culturetool.domain.scoring import GroupScore


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_model_dir(write_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


def score(key: str, mean: float) -> GroupScore:
    return GroupScore(
        key=key, name=key.title(), mean=mean, respondents=6, answers=12, dont_know=0, spread=0.5
    )


BOTH_BELOW = {"alpha": score("alpha", 2.9), "beta": score("beta", 2.9)}


def ids(suggestions) -> list[str]:
    return [s.intervention.intervention_id for s in suggestions]


def test_a_teams_list_leads_with_what_the_team_can_do_itself(tiny):
    result = recommend(tiny, BOTH_BELOW, audience=TargetScope.TEAM)
    # The bundles rank as always; the team's own two come from the third.
    assert [(b.bundle_id, b.score) for b in result.bundles] == [
        ("both", 0.8),
        ("beta_only", 0.5),
        ("kit", 0.15),
    ]
    assert ids(result.own) == ["try_kit", "champions"]
    assert ids(result.others) == ["do_it", "beta_work"]  # to ask of leaders, in rank order
    assert {s.intervention.carried_out_by for s in result.own} == {CarriedOutBy.TEAM}


def test_an_areas_list_leads_with_what_the_area_and_organisation_do(tiny):
    result = recommend(tiny, BOTH_BELOW, audience=TargetScope.AREA)
    assert ids(result.own) == ["do_it", "beta_work"]
    assert ids(result.others) == ["try_kit", "champions"]  # what its teams can do themselves
    assert {s.intervention.carried_out_by for s in result.own} == {
        CarriedOutBy.ORGANISATION,
        CarriedOutBy.AREA,
    }


def test_the_audience_changes_the_split_not_the_ranking(tiny):
    team = recommend(tiny, BOTH_BELOW, audience=TargetScope.TEAM)
    area = recommend(tiny, BOTH_BELOW, audience=TargetScope.AREA)
    assert team.bundles == area.bundles
    assert sorted(ids(team.own + team.others)) == sorted(ids(area.own + area.others))
    assert len(ids(team.own + team.others)) == 4  # each suggestion once


def test_each_suggestion_says_why_in_one_sentence(tiny):
    result = recommend(tiny, BOTH_BELOW, audience=TargetScope.TEAM)
    sentences = {s.intervention.intervention_id: s.sentence for s in result.own + result.others}
    assert sentences["do_it"] == (
        "It builds Alpha, 0.5 below Thriving (3.4 and above), and 1 other condition below target."
    )
    assert sentences["try_kit"] == "It builds Alpha, 0.5 below Thriving (3.4 and above)."
    kit = next(s for s in result.own if s.intervention.intervention_id == "try_kit")
    assert (kit.bundle_id, kit.bundle_rank, kit.condition_ids) == ("kit", 3, ("alpha",))


def test_the_sentence_names_a_signal_that_points_at_the_intervention(tiny):
    # Effort 2.5 fires hard_to_use (below 3.0), which points at try_kit only.
    acceptance = {"effort_expectancy": score("effort_expectancy", 2.5)}
    result = recommend(tiny, BOTH_BELOW, acceptance=acceptance, audience=TargetScope.TEAM)
    sentences = {s.intervention.intervention_id: s.sentence for s in result.own}
    assert sentences["try_kit"] == (
        "It builds Alpha, 0.5 below Thriving (3.4 and above), and answers the signal"
        ' "Rule hard_to_use".'
    )
    assert sentences["champions"] == "It builds Alpha, 0.5 below Thriving (3.4 and above)."


def test_a_signal_alone_is_said_as_such(tiny):
    at_target = {"alpha": score("alpha", 3.5), "beta": score("beta", 3.5)}
    acceptance = {"effort_expectancy": score("effort_expectancy", 2.5)}
    result = recommend(tiny, at_target, acceptance=acceptance, audience=TargetScope.TEAM)
    assert [(s.intervention.intervention_id, s.sentence) for s in result.own] == [
        ("try_kit", 'It answers the signal about the technology itself: "Rule hard_to_use".')
    ]


def test_what_is_under_way_goes_last_in_its_list(tiny):
    result = recommend(tiny, BOTH_BELOW, under_way={"try_kit"}, audience=TargetScope.TEAM)
    assert ids(result.own) == ["champions", "try_kit"]
    assert result.own[1].sentence == (
        "Already under way here. It builds Alpha, 0.5 below Thriving (3.4 and above)."
    )


def test_an_older_snapshot_without_who_acts_tells_no_team_to_do_it_alone(tiny):
    older = tiny.model_copy(
        update={
            "interventions": [
                i.model_copy(update={"carried_out_by": None}) for i in tiny.interventions
            ]
        }
    )
    result = recommend(older, BOTH_BELOW, audience=TargetScope.TEAM)
    assert result.own == ()
    assert ids(result.others) == ["do_it", "beta_work", "try_kit", "champions"]


def test_recommendations_are_for_a_team_or_an_area(tiny):
    with pytest.raises(ValueError, match="a team or an area"):
        recommend(tiny, BOTH_BELOW, audience=TargetScope.ORGANISATION)


def every_condition_below_target(model) -> dict[str, GroupScore]:
    return {c.id: score(c.id, 2.0) for c in model.conditions}


def test_on_the_real_model_a_team_leads_with_its_own_and_an_area_with_its_own(model):
    team: Recommendations = recommend(
        model, every_condition_below_target(model), audience=TargetScope.TEAM
    )
    area = recommend(model, every_condition_below_target(model), audience=TargetScope.AREA)
    # Without the split, the team's first three would have included leaders' work.
    unsplit = [i for bundle in team.bundles for i in bundle.interventions][:3]
    assert {i.carried_out_by for i in unsplit} != {CarriedOutBy.TEAM}
    assert len(team.own) >= 3
    assert {s.intervention.carried_out_by for s in team.own} == {CarriedOutBy.TEAM}
    assert {s.intervention.carried_out_by for s in team.others} <= {
        CarriedOutBy.AREA,
        CarriedOutBy.ORGANISATION,
    }
    assert len(area.own) >= 3
    assert CarriedOutBy.TEAM not in {s.intervention.carried_out_by for s in area.own}
    # Within each list the ranking's order holds: bundle ranks never go down.
    for suggestions in (team.own, team.others, area.own, area.others):
        ranks = [s.bundle_rank for s in suggestions]
        assert ranks == sorted(ranks)
