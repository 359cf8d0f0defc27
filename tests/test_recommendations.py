"""Recommendations from gaps, signals and focus-group themes, with every number worked by hand.

The tiny model (tests/model_fixtures.py), default target level 4 (Thriving, 3.4):
  bundle 1 both:      alpha 1.0, beta 0.6 -> do_it
  bundle 2 beta_only: beta 1.0            -> beta_work
  bundle 3 kit:       alpha 0.3           -> try_kit, champions
  rule hard_to_use:   effort_expectancy below 3.0   -> try_kit
  rule home_not_work: confidence_gap at least 0.75  -> champions, do_it
A bundle's score is the sum of weight x gap over its conditions below target, plus
weight x 0.1 x themes for those conditions, plus how far past the threshold each fired rule is.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_fixtures import MODEL_DIR, copy_model, edit_yaml, entry, write_tiny_model

from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.recommendations import (
    NOT_ENOUGH_ANSWERS,
    JudgedGap,
    Recommendations,
    UnjudgedGap,
    check_signals,
    condition_gaps,
    recommend,
)
from culturetool.domain.scoring import ConfidenceGap, GroupScore, ItemScore, score_items


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_model_dir(write_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


def score(key: str, mean: float, respondents: int = 6, spread: float = 0.5, dont_know: int = 0):
    return GroupScore(
        key=key,
        name=key.title(),
        mean=mean,
        respondents=respondents,
        answers=respondents * 2,
        dont_know=dont_know,
        spread=spread,
    )


def tiny_scores(alpha: float | None, beta: float | None) -> dict[str, GroupScore | None]:
    return {
        "alpha": None if alpha is None else score("alpha", alpha),
        "beta": None if beta is None else score("beta", beta),
    }


CALM_ACCEPTANCE = {
    scale: score(scale, 3.5)
    for scale in (
        "performance_expectancy",
        "effort_expectancy",
        "social_influence",
        "facilitating_conditions",
    )
}


def order(result: Recommendations) -> list[tuple[str, float]]:
    return [(b.bundle_id, b.score) for b in result.bundles]


def bundle(result: Recommendations, bundle_id: str):
    return next(b for b in result.bundles if b.bundle_id == bundle_id)


# ---- gaps ----------------------------------------------------------------------------------


def test_no_gap_and_no_signal_means_nothing_to_suggest(tiny):
    result = recommend(
        tiny,
        tiny_scores(3.4, 4.0),  # alpha exactly at target, beta above
        acceptance=CALM_ACCEPTANCE,
        confidence=ConfidenceGap(personal=4.0, work=3.5, respondents=6),  # gap 0.5
    )
    assert result.bundles == ()
    assert all(isinstance(g, JudgedGap) for g in result.gaps)
    assert [g.gap for g in result.gaps] == [0.0, 0.0]
    assert not any(g.below_target for g in result.gaps)
    assert not any(s.fired for s in result.signals)
    assert result.summary == (
        "Nothing to suggest: every condition with enough answers is at or above its target,"
        " and no signal about the technology applies."
    )
    assert result.gaps[0].sentence == (
        "Alpha scored 3.4 (Thriving), at or above your target of Thriving (3.4 and above):"
        " 6 people answered and people mostly agreed."
    )


def test_one_gap(tiny):
    result = recommend(tiny, tiny_scores(2.9, 3.6))
    alpha, beta = result.gaps
    assert (alpha.mean, alpha.level, alpha.level_name, alpha.gap) == (2.9, 3, "Established", 0.5)
    assert (alpha.target_level, alpha.target_name, alpha.target_score) == (4, "Thriving", 3.4)
    assert (alpha.respondents, alpha.answers, alpha.dont_know, alpha.spread) == (6, 12, 0, 0.5)
    assert beta.gap == 0.0
    # both: 1.0 x 0.5 = 0.5; kit: 0.3 x 0.5 = 0.15; beta_only serves only beta, at target.
    assert order(result) == [("both", 0.5), ("kit", 0.15)]
    assert [b.rank for b in result.bundles] == [1, 2]
    kit = bundle(result, "kit")
    assert kit.conditions == ("alpha",)
    assert [i.intervention_id for i in kit.interventions] == ["try_kit", "champions"]
    assert not any(i.under_way for i in kit.interventions)
    assert kit.why[0] == (
        "Alpha scored 2.9 (Established), 0.5 points below your target of Thriving"
        " (3.4 and above): 6 people answered and people mostly agreed."
    )
    assert kit.why[-1] == "Ranking score 0.15: gaps 0.15 (Alpha 0.5 below target x weight 0.3)."
    assert result.summary == "2 bundles of interventions suggested, the most useful first."


def test_ties_go_to_the_lower_bundle_number(tiny):
    # alpha 3.0: gap 0.4; beta 2.4: gap 1.0.
    # both = 1.0 x 0.4 + 0.6 x 1.0 = 1.0; beta_only = 1.0 x 1.0 = 1.0; kit = 0.3 x 0.4 = 0.12.
    result = recommend(tiny, tiny_scores(3.0, 2.4))
    assert order(result) == [("both", 1.0), ("beta_only", 1.0), ("kit", 0.12)]
    assert bundle(result, "both").conditions == ("beta", "alpha")  # 0.6 before 0.4


def test_tie_breaker_is_the_bundle_number_not_the_file_order(tmp_path):
    directory = write_tiny_model(tmp_path / "model")

    def swap(data):
        entry(data["bundles"], "both")["number"] = 2
        entry(data["bundles"], "beta_only")["number"] = 1

    edit_yaml(directory, "bundles.yaml", swap)
    swapped = load_model_dir(directory)
    result = recommend(swapped, tiny_scores(3.0, 2.4))
    assert order(result) == [("beta_only", 1.0), ("both", 1.0), ("kit", 0.12)]


def test_every_condition_below_target(tiny):
    # alpha 1.0: gap 2.4; beta 2.0: gap 1.4.
    # both = 2.4 + 0.6 x 1.4 = 3.24; beta_only = 1.4; kit = 0.3 x 2.4 = 0.72.
    result = recommend(tiny, tiny_scores(1.0, 2.0))
    assert order(result) == [("both", 3.24), ("beta_only", 1.4), ("kit", 0.72)]
    assert [g.level_name for g in result.gaps] == ["Emerging", "Developing"]


def test_every_condition_of_the_real_model_below_target(model):
    # Every condition at 1.0 is 2.4 below Thriving, so a bundle scores 2.4 x its weights:
    # share_evidence 2.5 -> 6.0; governance_buy_in and digital_adoption_programme 2.3 -> 5.52
    # (tie: 2 before 11); engage_experts 2.2 -> 5.28; personalised_care_planning_practice and
    # managed_service 1.9 -> 4.56 (10 before 12); comms, risk, invest 1.6 -> 3.84 (3, 5, 6);
    # procurement and partners 1.3 -> 3.12 (7, 8); independent market knowledge 1.0 -> 2.4.
    result = recommend(model, {c.id: score(c.id, 1.0) for c in model.conditions})
    assert [b.number for b in result.bundles] == [4, 2, 11, 1, 10, 12, 3, 5, 6, 7, 8, 9]
    assert [b.score for b in result.bundles][:4] == [6.0, 5.52, 5.52, 5.28]
    assert result.bundles[-1].score == 2.4
    # A gap calls for the whole bundle: every intervention of the model appears once.
    suggested = [i.intervention_id for b in result.bundles for i in b.interventions]
    assert sorted(suggested) == sorted(i.id for i in model.interventions)


def test_targets_per_condition(tiny):
    gaps = condition_gaps(tiny, tiny_scores(3.6, 2.0), targets={"alpha": 5, "beta": 2})
    alpha, beta = gaps
    assert (alpha.target_name, alpha.target_score, alpha.gap) == ("Embedded", 4.2, 0.6)
    assert (beta.target_name, beta.target_score, beta.gap) == ("Developing", 1.8, 0.0)
    assert "0.6 points below your target of Embedded (4.2 and above)" in alpha.sentence
    assert "at or above your target of Developing (1.8 and above)" in beta.sentence


def test_the_default_target_comes_from_the_model(tmp_path):
    directory = write_tiny_model(tmp_path / "model")
    edit_yaml(directory, "signals.yaml", lambda data: data.update(default_target_level=3))
    alpha, _ = condition_gaps(load_model_dir(directory), tiny_scores(2.0, 3.0))
    assert (alpha.target_level, alpha.target_score, alpha.gap) == (3, 2.6, 0.6)


def test_a_target_that_is_not_a_maturity_level_is_refused(tiny):
    with pytest.raises(ValueError, match="alpha"):
        condition_gaps(tiny, tiny_scores(3.0, 3.0), targets={"alpha": 7})


def test_scores_are_compared_as_people_see_them(tiny):
    # 3.3999 is shown as 3.4, which is Thriving: no gap of 0.0001 that nobody can see.
    alpha, _ = condition_gaps(tiny, tiny_scores(3.3999, 3.4))
    assert (alpha.mean, alpha.gap, alpha.level_name) == (3.4, 0.0, "Thriving")


def test_dont_know_answers_and_one_person_are_said_plainly(tiny):
    scores = {"alpha": score("alpha", 2.4, respondents=1, spread=0.0, dont_know=1)}
    alpha, _ = condition_gaps(tiny, scores)
    assert alpha.sentence == (
        "Alpha scored 2.4 (Developing), 1 point below your target of Thriving (3.4 and above):"
        " 1 person answered. 1 answer was “I don't know”."
    )


# ---- suppressed teams: nothing may come from data that is not shown ------------------------


def test_suppressed_team_gets_no_recommendation(tiny):
    result = recommend(
        tiny,
        tiny_scores(None, None),
        acceptance={scale: None for scale in CALM_ACCEPTANCE},
        confidence=None,
        items={"a1": None, "b1": None},
        themes={"alpha": 4},
    )
    assert result.bundles == ()
    assert [g.sentence for g in result.gaps] == [
        "Alpha: not enough answers to judge.",
        "Beta: not enough answers to judge.",
    ]
    assert all(isinstance(g, UnjudgedGap) and g.reason == NOT_ENOUGH_ANSWERS for g in result.gaps)
    # A withheld condition carries no figures at all, not even empty ones.
    assert not any(hasattr(g, "mean") or hasattr(g, "gap") for g in result.gaps)
    assert [g.themes for g in result.gaps] == [4, 0]  # the themes are kept, the score is not
    assert all(s.value is None and not s.fired for s in result.signals)
    assert [s.sentence for s in result.signals] == [
        "Effort expectancy: not enough answers to judge.",
        "The gap between confidence in personal life and at work: not enough answers to judge.",
    ]
    assert result.summary == (
        "There are not enough answers to judge any condition yet, so nothing is suggested."
    )


def test_missing_scores_count_as_withheld(tiny):
    assert recommend(tiny, {}).bundles == ()
    assert all(NOT_ENOUGH_ANSWERS in g.sentence for g in recommend(tiny, {}).gaps)


def test_partly_suppressed_team_uses_only_what_is_shown(tiny):
    # alpha withheld; beta 2.4: gap 1.0. beta_only = 1.0; both = 0.6 x 1.0 = 0.6; kit serves
    # only alpha and is left out. Alpha's statement score and themes are not used either.
    result = recommend(
        tiny,
        tiny_scores(None, 2.4),
        items={"a1": ItemScore("a1", 1.2, 6, 0), "b1": ItemScore("b1", 2.2, 6, 0)},
        themes={"alpha": 5},
    )
    assert order(result) == [("beta_only", 1.0), ("both", 0.6)]
    for suggestion in result.bundles:
        assert suggestion.conditions == ("beta",)
        text = " ".join(suggestion.why)
        assert "Alpha" not in text
        assert "Statement a1." not in text
        assert 'Lowest statement for Beta: "Statement b1." averaged 2.2 out of 5.' in text
    assert result.summary == (
        "2 bundles of interventions suggested, the most useful first."
        " 1 condition had too few answers to judge and is left out."
    )


# ---- signal rules: each one firing, not firing, and exactly at its threshold ---------------

REAL_RULES = {
    # rule id: (what it watches, interventions it points at, the bundle they are in)
    "low_effort_expectancy": (
        "effort_expectancy",
        {"hands_on_demonstrations", "digital_ambassadors", "digital_champions"},
    ),
    "low_facilitating_conditions": (
        "facilitating_conditions",
        {"technology_facilitators", "sourcing_strategy"},
    ),
    "low_social_influence": (
        "social_influence",
        {"leadership_digital_sessions", "case_studies", "celebration_events"},
    ),
    "low_performance_expectancy": (
        "performance_expectancy",
        {"outcomes_not_savings", "outcome_tracking"},
    ),
}


def at_target(model) -> dict[str, GroupScore]:
    return {c.id: score(c.id, 3.4) for c in model.conditions}


def acceptance_with(model, scale_id: str, mean: float) -> dict[str, GroupScore]:
    scores = {s.id: score(s.id, 3.5) for s in model.questionnaire.acceptance_scales}
    scores[scale_id] = score(scale_id, mean)
    return scores


@pytest.mark.parametrize("rule_id", sorted(REAL_RULES))
def test_acceptance_rule_fires_below_its_threshold(model, rule_id):
    scale_id, interventions = REAL_RULES[rule_id]
    result = recommend(model, at_target(model), acceptance=acceptance_with(model, scale_id, 2.6))
    [check] = [s for s in result.signals if s.fired]
    assert (check.rule_id, check.value, check.points) == (rule_id, 2.6, 0.4)
    name = model.acceptance_scale_by_id[scale_id].name
    assert check.sentence.startswith(f"{name} averaged 2.6, below 3. ")
    rule = next(r for r in model.signals.rules if r.id == rule_id)
    assert check.sentence.endswith(rule.reason)
    # No condition is below target, so only the interventions the rule points at are suggested.
    assert all(b.signal_only and b.rules == (rule_id,) for b in result.bundles)
    assert all(b.score == 0.4 for b in result.bundles)
    suggested = {i.intervention_id for b in result.bundles for i in b.interventions}
    assert suggested == interventions
    assert all(i.rules == (rule_id,) for b in result.bundles for i in b.interventions)


@pytest.mark.parametrize("rule_id", sorted(REAL_RULES))
@pytest.mark.parametrize("mean", [3.0, 2.9999, 3.8])  # 2.9999 is shown, and judged, as 3.0
def test_acceptance_rule_does_not_fire_at_or_above_its_threshold(model, rule_id, mean):
    scale_id, _ = REAL_RULES[rule_id]
    result = recommend(model, at_target(model), acceptance=acceptance_with(model, scale_id, mean))
    check = next(s for s in result.signals if s.rule_id == rule_id)
    assert not check.fired and check.points == 0.0
    assert check.sentence == (
        f"{model.acceptance_scale_by_id[scale_id].name} averaged {round(mean, 2):g}, at or above 3."
    )
    assert result.bundles == ()


def test_real_confidence_gap_rule(model):
    fired = check_signals(model, confidence=ConfidenceGap(personal=4.5, work=3.5, respondents=6))
    [check] = [s for s in fired if s.fired]
    assert (check.rule_id, check.value, check.points) == ("confidence_gap_home_work", 1.0, 0.25)
    assert check.sentence.startswith(
        "Confidence with technology averaged 4.5 in personal life and 3.5 at work,"
        " a gap of 1, at or above 0.75. People are more confident"
    )
    result = recommend(
        model, at_target(model), confidence=ConfidenceGap(personal=4.5, work=3.5, respondents=6)
    )
    [only] = result.bundles
    assert only.bundle_id == "digital_adoption_programme"
    assert [i.intervention_id for i in only.interventions] == [
        "digital_champions",
        "communities_of_practice",
    ]


@pytest.mark.parametrize(
    ("personal", "work", "fires", "points"),
    [
        (4.25, 3.5, True, 0.0),  # exactly 0.75: fires, but adds nothing to the ranking
        (4.24, 3.5, False, 0.0),  # 0.74
        (4.5, 3.5, True, 0.25),
        (3.0, 4.0, False, 0.0),  # more confident at work than at home
    ],
)
def test_tiny_confidence_gap_rule(tiny, personal, work, fires, points):
    [_, check] = check_signals(tiny, confidence=ConfidenceGap(personal, work, 6))
    assert (check.rule_id, check.fired, check.points) == ("home_not_work", fires, points)


def test_a_rule_exactly_at_its_threshold_is_suggested_with_no_score(tiny):
    result = recommend(
        tiny,
        tiny_scores(3.4, 3.4),
        confidence=ConfidenceGap(personal=4.25, work=3.5, respondents=6),
    )
    # champions is in kit (3), do_it in both (1): equal scores of 0, so by bundle number.
    assert order(result) == [("both", 0.0), ("kit", 0.0)]
    kit = bundle(result, "kit")
    assert [i.intervention_id for i in kit.interventions] == ["champions"]  # not try_kit
    assert kit.why[0].startswith("None of the conditions this bundle serves is below your target")
    assert kit.why[-1] == "Ranking score 0: its signals are exactly at their thresholds."


def test_signals_add_to_a_gap_and_lift_their_interventions(tiny):
    # alpha 2.9: gap 0.5 -> both 0.5, kit 0.15. Effort 2.5 fires hard_to_use (0.5 past 3.0),
    # which points at try_kit: kit = 0.15 + 0.5 = 0.65, ahead of both.
    acceptance = {**CALM_ACCEPTANCE, "effort_expectancy": score("effort_expectancy", 2.5)}
    result = recommend(tiny, tiny_scores(2.9, 3.4), acceptance=acceptance)
    assert order(result) == [("kit", 0.65), ("both", 0.5)]
    kit = bundle(result, "kit")
    assert (kit.gap_points, kit.signal_points, kit.rules) == (0.15, 0.5, ("hard_to_use",))
    assert [i.intervention_id for i in kit.interventions] == ["try_kit", "champions"]
    assert kit.interventions[0].why[0] == 'Suggested for the signal "Rule hard_to_use".'
    assert any(
        w.startswith('Signal "Rule hard_to_use": Effort expectancy averaged 2.5') for w in kit.why
    )


# ---- interventions under way, themes, explanations -----------------------------------------


def test_interventions_under_way_are_flagged_not_new(tiny):
    result = recommend(tiny, tiny_scores(2.9, 3.6), under_way={"try_kit", "no_longer_in_model"})
    kit = bundle(result, "kit")
    assert kit.score == 0.15  # the gap is still there; what is under way is shown as such
    assert [(i.intervention_id, i.under_way) for i in kit.interventions] == [
        ("champions", False),
        ("try_kit", True),
    ]
    assert kit.interventions[1].why[0] == "Already under way here, so it is not suggested as new."
    assert "Everything suggested here is already under way." not in kit.why

    everything = recommend(tiny, tiny_scores(2.9, 3.6), under_way={"try_kit", "champions"})
    assert "Everything suggested here is already under way." in bundle(everything, "kit").why


def test_focus_group_themes_strengthen_a_gap(tiny):
    # alpha 2.9 (gap 0.5) with 3 themes: both = 0.5 + 1.0 x 0.1 x 3 = 0.8,
    # kit = 0.15 + 0.3 x 0.1 x 3 = 0.24. Beta is at target, so its 5 themes create no gap.
    result = recommend(tiny, tiny_scores(2.9, 3.4), themes={"alpha": 3, "beta": 5})
    assert order(result) == [("both", 0.8), ("kit", 0.24)]
    both = bundle(result, "both")
    assert (both.gap_points, both.theme_points) == (0.5, 0.3)
    assert "3 focus-group themes were about Alpha." in both.why
    assert not any("Beta" in w for w in both.why)
    assert both.why[-1] == (
        "Ranking score 0.8: gaps 0.5 (Alpha 0.5 below target x weight 1), focus-group themes 0.3."
    )


@pytest.mark.parametrize(
    ("themes", "first"),
    [({"alpha": 1}, ("both", 1.1)), ({"beta": 1}, ("beta_only", 1.1))],
)
def test_themes_break_a_tie(tiny, themes, first):
    # Without themes both and beta_only tie at 1.0 (see the tie test). One theme on alpha adds
    # 0.1 to both; one on beta adds 0.06 to both and 0.1 to beta_only.
    assert order(recommend(tiny, tiny_scores(3.0, 2.4), themes=themes))[0] == first


def test_negative_themes_are_refused(tiny):
    with pytest.raises(ValueError, match="alpha"):
        recommend(tiny, tiny_scores(3.0, 3.0), themes={"alpha": -1})


def test_lowest_statement_is_named_and_withheld_statements_are_skipped(tiny):
    items = {"a1": ItemScore("a1", 2.1, 6, 0), "a2": ItemScore("a2", 2.5, 6, 1)}
    result = recommend(tiny, tiny_scores(2.9, 3.6), items=items)
    assert (
        'Lowest statement for Alpha: "Statement a1." averaged 2.1 out of 5.'
        in result.bundles[0].why
    )

    # a1 withheld: the reverse-worded a2 is the lowest shown, and the sentence says so.
    result = recommend(tiny, tiny_scores(2.9, 3.6), items={"a1": None, "a2": items["a2"]})
    assert (
        'Lowest statement for Alpha: "Statement a2." scored 2.5 out of 5.'
        " It is worded the other way round, so agreeing with it lowers the score."
    ) in result.bundles[0].why
    assert not any("a1" in w for w in result.bundles[0].why)


def test_explanation_on_the_real_model(model):
    conditions = at_target(model)
    conditions["evidence_of_impact"] = score("evidence_of_impact", 2.2, respondents=12, spread=0.8)
    items = {
        "evidence_of_impact_1": ItemScore("evidence_of_impact_1", 2.1, 12, 0),
        "evidence_of_impact_2": ItemScore("evidence_of_impact_2", 2.3, 12, 0),
    }
    result = recommend(model, conditions, items=items, under_way={"case_studies"})
    top = result.bundles[0]
    # share_evidence serves evidence_of_impact with weight 1.0: 1.2; the other two bundles that
    # serve it (governance_buy_in, personalised_care_planning_practice) do so with 0.3: 0.36.
    assert order(result) == [
        ("share_evidence", 1.2),
        ("governance_buy_in", 0.36),
        ("personalised_care_planning_practice", 0.36),
    ]
    assert top.why[0] == (
        "Evidence of impact captured and shared scored 2.2 (Developing), 1.2 points below your"
        " target of Thriving (3.4 and above): 12 people answered and views differed a little."
    )
    assert top.why[1] == (
        'Lowest statement for Evidence of impact captured and shared: "My team hears about the'
        ' difference care technology has made to people, for example through case studies."'
        " averaged 2.1 out of 5."
    )
    tracking, studies = top.interventions
    assert (tracking.intervention_id, tracking.under_way) == ("outcome_tracking", False)
    assert (studies.intervention_id, studies.under_way) == ("case_studies", True)
    evidence = model.intervention_by_id["outcome_tracking"].evidence
    assert tracking.why == (f"What the transcripts report: {evidence}",)
    assert "85% of the group were lonely" in tracking.why[0]


# ---- the property: withheld data never reaches a recommendation ----------------------------

REAL = load_model_dir(MODEL_DIR)
means = st.floats(min_value=1.0, max_value=5.0, allow_nan=False)


def maybe_scores(ids: list[str]):
    return st.fixed_dictionaries(
        {key: st.one_of(st.none(), means.map(lambda m, key=key: score(key, m))) for key in ids}
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    conditions=maybe_scores([c.id for c in REAL.conditions]),
    acceptance=maybe_scores([s.id for s in REAL.questionnaire.acceptance_scales]),
    confidence=st.one_of(st.none(), st.builds(ConfidenceGap, means, means, st.just(6))),
    items=st.fixed_dictionaries(
        {
            i.id: st.one_of(st.none(), means.map(lambda m, i=i: ItemScore(i.id, m, 6, 0)))
            for i in REAL.questionnaire.items
        }
    ),
    themes=st.dictionaries(st.sampled_from([c.id for c in REAL.conditions]), st.integers(0, 9)),
    targets=st.dictionaries(st.sampled_from([c.id for c in REAL.conditions]), st.integers(1, 5)),
)
def test_withheld_scores_never_reach_a_recommendation(
    conditions, acceptance, confidence, items, themes, targets
):
    result = recommend(
        REAL,
        conditions,
        targets=targets,
        acceptance=acceptance,
        confidence=confidence,
        items=items,
        themes=themes,
    )
    withheld = {cid for cid, s in conditions.items() if s is None}
    hidden_names = [REAL.condition_by_id[cid].name for cid in withheld]
    hidden_statements = [REAL.item_by_id[iid].text for iid, s in items.items() if s is None]
    for suggestion in result.bundles:
        assert not withheld & set(suggestion.conditions)
        text = " ".join(suggestion.why + tuple(w for i in suggestion.interventions for w in i.why))
        assert not any(name in text for name in hidden_names)
        assert not any(statement in text for statement in hidden_statements)
    for gap in result.gaps:
        assert isinstance(gap, UnjudgedGap) == (gap.condition_id in withheld)
    for check in result.signals:
        rule = next(r for r in REAL.signals.rules if r.id == check.rule_id)
        shown = confidence if rule.watches == "confidence_gap" else acceptance[rule.watches]
        assert shown is not None or not check.fired
    # Ranked highest first, equal scores by bundle number, ranks 1 to n.
    keys = [(-b.score, b.number) for b in result.bundles]
    assert keys == sorted(keys)
    assert [b.rank for b in result.bundles] == list(range(1, len(result.bundles) + 1))


# ---- statement scores (scoring.score_items), which the explanations rest on ---------------


def test_score_items_by_hand(tiny):
    responses = [
        {"a1": 2, "a2": 2, "b1": None},  # a2 is reverse-worded: 6 - 2 = 4
        {"a1": None, "a2": 5, "b1": None},  # a2: 6 - 5 = 1
        {"a1": 4},
    ]
    scores = score_items(tiny, responses)
    assert list(scores) == [i.id for i in tiny.questionnaire.items]
    assert scores["a1"] == ItemScore("a1", mean=3.0, respondents=2, dont_know=1)  # (2 + 4) / 2
    assert scores["a2"] == ItemScore("a2", mean=2.5, respondents=2, dont_know=0)  # (4 + 1) / 2
    assert scores["b1"] is None  # only "don't know"
    assert scores["b2"] is None  # nobody answered it


def test_score_items_refuses_answers_off_the_scale(tiny):
    with pytest.raises(ValueError, match="a1"):
        score_items(tiny, [{"a1": 6}])


def test_rules_are_data_editing_a_threshold_changes_what_fires(model, tmp_path):
    directory = copy_model(tmp_path / "model")

    def lower(data):
        entry(data["rules"], "low_effort_expectancy")["threshold"] = 2.5

    edit_yaml(directory, "signals.yaml", lower)
    edited = load_model_dir(directory)
    acceptance = acceptance_with(model, "effort_expectancy", 2.6)
    assert recommend(model, at_target(model), acceptance=acceptance).bundles != ()
    assert recommend(edited, at_target(edited), acceptance=acceptance).bundles == ()
