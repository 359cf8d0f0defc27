"""Scoring arithmetic on a tiny hand-built model, with every expected value worked out by hand.

The tiny model (tests/model_fixtures.py): condition alpha = a1, a2 (reverse); condition beta =
b1, b2; four acceptance scales of two items each (ee_2 reverse); conf_personal and conf_work.
"""

from __future__ import annotations

import math

import pytest
from model_fixtures import TINY_ITEM_IDS, every_item, write_tiny_model

from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.scoring import (
    item_score,
    score_confidence,
    score_group,
    score_responses,
    validate_complete_response,
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_model_dir(write_tiny_model(tmp_path_factory.mktemp("tiny") / "model"))


def group(tiny, condition_id, responses):
    items = tiny.items_for_condition(condition_id)
    return score_group(condition_id, tiny.condition_by_id[condition_id].name, items, responses)


def test_tiny_model_is_what_the_tests_assume(tiny):
    assert [i.id for i in tiny.questionnaire.items] == TINY_ITEM_IDS
    assert [i.id for i in tiny.questionnaire.items if i.reverse] == ["a2", "ee_2"]
    assert [c.id for c in tiny.conditions] == ["alpha", "beta"]


# ---- single items ----------------------------------------------------------------------------


def test_item_score_plain_and_reverse(tiny):
    a1, a2 = tiny.item_by_id["a1"], tiny.item_by_id["a2"]
    assert item_score(a1, 2) == 2.0
    assert item_score(a2, 2) == 4.0  # reverse: 6 - 2
    assert item_score(a2, 5) == 1.0  # 6 - 5
    assert item_score(a2, 3) == 3.0  # the midpoint stays put
    assert item_score(a1, None) is None
    assert item_score(a2, None) is None


@pytest.mark.parametrize("bad", [0, 6, -1, 3.5, "4"])
def test_item_score_rejects_values_off_the_scale(tiny, bad):
    with pytest.raises(ValueError, match="a1"):
        item_score(tiny.item_by_id["a1"], bad)


# ---- condition means ---------------------------------------------------------------------------


def test_plain_mean_of_two_respondents(tiny):
    # beta: r1 = (5 + 3) / 2 = 4.0; r2 = (1 + 2) / 2 = 1.5; team = (4.0 + 1.5) / 2 = 2.75
    # spread = sample sd of [4.0, 1.5] = |4.0 - 1.5| / sqrt(2) = 1.7677669...
    score = group(tiny, "beta", [{"b1": 5, "b2": 3}, {"b1": 1, "b2": 2}])
    assert score is not None
    assert score.key == "beta"
    assert score.name == "Beta"
    assert score.mean == pytest.approx(2.75)
    assert score.rounded_mean == 2.75
    assert score.respondents == 2
    assert score.answers == 4
    assert score.dont_know == 0
    assert score.spread == pytest.approx(1.7677669529663689)


def test_reverse_item_is_flipped_before_averaging(tiny):
    # alpha: r1 a1=4, a2=2 -> 4 and 6-2=4 -> 4.0; r2 a1=2, a2=4 -> 2 and 2 -> 2.0
    # team = 3.0; spread = sd([4, 2]) = sqrt(2) = 1.41421356...
    # (Without the flip both respondents would average 3.0 with no spread at all.)
    score = group(tiny, "alpha", [{"a1": 4, "a2": 2}, {"a1": 2, "a2": 4}])
    assert score.mean == pytest.approx(3.0)
    assert score.spread == pytest.approx(math.sqrt(2))


def test_dont_know_is_excluded_from_the_mean_and_counted(tiny):
    # beta: r1 b1=?, b2=4 -> 4.0 (one answer); r2 b1=2, b2=3 -> 2.5; team = (4.0 + 2.5) / 2 = 3.25
    # answers that count = 1 + 2 = 3; don't know = 1
    score = group(tiny, "beta", [{"b1": None, "b2": 4}, {"b1": 2, "b2": 3}])
    assert score.mean == pytest.approx(3.25)
    assert score.respondents == 2
    assert score.answers == 3
    assert score.dont_know == 1


def test_all_dont_know_respondent_is_not_counted_for_the_condition(tiny):
    # r3 said don't know to both beta items: no beta score, but two more don't-knows.
    # team = (4.0 + 2.5) / 2 = 3.25 as before, not (4.0 + 2.5 + 0) / 3
    responses = [{"b1": None, "b2": 4}, {"b1": 2, "b2": 3}, {"b1": None, "b2": None}]
    score = group(tiny, "beta", responses)
    assert score.mean == pytest.approx(3.25)
    assert score.respondents == 2
    assert score.answers == 3
    assert score.dont_know == 3


def test_nobody_with_a_usable_answer_gives_no_score(tiny):
    assert group(tiny, "beta", [{"b1": None, "b2": None}, {"b1": None, "b2": None}]) is None
    assert group(tiny, "beta", []) is None


def test_respondents_count_equally_whatever_their_number_of_answers(tiny):
    # r1 answered only b1 = 5 -> 5.0; r2 b1=1, b2=2 -> 1.5
    # respondent-level: (5.0 + 1.5) / 2 = 3.25; pooling answers would give (5+1+2)/3 = 2.667
    score = group(tiny, "beta", [{"b1": 5, "b2": None}, {"b1": 1, "b2": 2}])
    assert score.mean == pytest.approx(3.25)
    assert score.mean != pytest.approx(8 / 3)


def test_missing_key_is_skipped_like_dont_know_but_not_counted(tiny):
    # r1 has no b2 key at all: only b1 = 3 counts -> 3.0, and nothing is counted as don't know
    score = group(tiny, "beta", [{"b1": 3}])
    assert score.mean == 3.0
    assert score.answers == 1
    assert score.dont_know == 0


def test_spread_is_zero_for_one_respondent(tiny):
    score = group(tiny, "alpha", [{"a1": 5, "a2": 4}])  # (5 + 2) / 2 = 3.5
    assert score.mean == pytest.approx(3.5)
    assert score.respondents == 1
    assert score.spread == 0.0


def test_spread_is_the_sample_standard_deviation(tiny):
    # respondent alpha scores: (1 + 6-5)/2 = 1, (3 + 3)/2 = 3, (5 + 6-1)/2 = 5
    # mean 3; sample variance = ((1-3)^2 + 0 + (5-3)^2) / (3 - 1) = 8 / 2 = 4; sd = 2
    responses = [{"a1": 1, "a2": 5}, {"a1": 3, "a2": 3}, {"a1": 5, "a2": 1}]
    score = group(tiny, "alpha", responses)
    assert score.mean == pytest.approx(3.0)
    assert score.spread == pytest.approx(2.0)


# ---- whole response sets ---------------------------------------------------------------------


def test_score_responses_in_model_order(tiny):
    r1 = every_item(tiny, 4)  # alpha: (4 + 2) / 2 = 3; beta 4; ee: (4 + 2) / 2 = 3; others 4
    r2 = every_item(tiny, 2) | {"b1": None, "b2": None}  # alpha: (2 + 4) / 2 = 3; beta none
    # alpha team = 3.0 (sd 0); beta = 4.0 from r1 only
    # performance_expectancy = (4 + 2) / 2 = 3.0; effort_expectancy: r1 3, r2 (2 + 4)/2 = 3 -> 3.0
    scores = score_responses(tiny, [r1, r2])
    assert scores.responses == 2
    assert list(scores.conditions) == ["alpha", "beta"]  # every condition, in model order
    alpha, beta = scores.conditions.values()
    assert (alpha.key, alpha.mean, alpha.respondents, alpha.spread) == ("alpha", 3.0, 2, 0.0)
    assert (beta.key, beta.mean, beta.respondents, beta.dont_know) == ("beta", 4.0, 1, 2)
    assert list(scores.acceptance) == [s.key for s in scores.acceptance.values()]
    assert list(scores.acceptance) == [
        "performance_expectancy",
        "effort_expectancy",
        "social_influence",
        "facilitating_conditions",
    ]
    assert [s.mean for s in scores.acceptance.values()] == [3.0, 3.0, 3.0, 3.0]
    assert scores.confidence.personal == 3.0
    assert scores.confidence.work == 3.0


def test_score_responses_gives_none_where_nobody_answered(tiny):
    response = every_item(tiny, 5) | {"a1": None, "a2": None}
    scores = score_responses(tiny, [response])
    assert scores.conditions["alpha"] is None
    assert scores.conditions["beta"].mean == 5.0


# ---- confidence gap ----------------------------------------------------------------------------


def test_confidence_gap_uses_only_respondents_who_answered_both(tiny):
    # r1 5 / 2, r2 4 / 4 count; r3 (work don't know) and r4 (personal don't know) do not.
    # personal = (5 + 4) / 2 = 4.5; work = (2 + 4) / 2 = 3.0; gap = 1.5
    responses = [
        {"conf_personal": 5, "conf_work": 2},
        {"conf_personal": 4, "conf_work": 4},
        {"conf_personal": 3, "conf_work": None},
        {"conf_personal": None, "conf_work": 1},
    ]
    gap = score_confidence(tiny, responses)
    assert gap.personal == pytest.approx(4.5)
    assert gap.work == pytest.approx(3.0)
    assert gap.gap == pytest.approx(1.5)
    assert gap.respondents == 2


def test_confidence_gap_is_negative_when_work_is_higher(tiny):
    gap = score_confidence(tiny, [{"conf_personal": 2, "conf_work": 5}])
    assert gap.gap == pytest.approx(-3.0)
    assert gap.respondents == 1


def test_no_confidence_pair_gives_no_gap(tiny):
    assert score_confidence(tiny, [{"conf_personal": 4, "conf_work": None}]) is None
    assert score_confidence(tiny, [{"a1": 3}]) is None
    assert score_confidence(tiny, []) is None


# ---- maturity levels (the real model's bounds: 1.0, 1.8, 2.6, 3.4, 4.2) ---------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (1.0, 1),
        (1.79, 1),
        (1.8, 2),
        (2.59, 2),
        (2.6, 3),
        (3.39, 3),
        (3.4, 4),
        (4.19, 4),
        (4.2, 5),
        (5.0, 5),
        (10 / 3, 3),  # every answer "agree" on a condition with one reverse item
    ],
)
def test_level_for_score_boundaries(model, score, level):
    assert model.level_for_score(score).level == level


def test_level_names_of_the_real_model(model):
    assert model.level_for_score(1.0).name == "Emerging"
    assert model.level_for_score(5.0).name == "Embedded"


# ---- complete responses ----------------------------------------------------------------------


def test_complete_response_has_no_problems(tiny):
    assert validate_complete_response(tiny, every_item(tiny, 3)) == []
    assert validate_complete_response(tiny, every_item(tiny, None)) == []  # all don't know


def test_missing_item_is_reported_by_statement_number(tiny):
    response = every_item(tiny, 3)
    del response["b2"]  # the 4th statement
    del response["conf_work"]  # the 14th
    assert validate_complete_response(tiny, response) == [
        "Statement 4 has no answer yet.",
        "Statement 14 has no answer yet.",
    ]


def test_unknown_items_are_reported(tiny):
    response = every_item(tiny, 3) | {"zz_9": 2, "aa_1": 4}
    assert validate_complete_response(tiny, response) == [
        "These statements are not in this questionnaire: aa_1, zz_9"
    ]


def test_values_off_the_scale_are_reported(tiny):
    response = every_item(tiny, 3) | {"a1": 0, "si_1": 6, "fc_2": "5"}
    # a1 is statement 1, si_1 is 9, fc_2 is 12
    assert validate_complete_response(tiny, response) == [
        "Statement 1 has an answer that is not on the scale.",
        "Statement 9 has an answer that is not on the scale.",
        "Statement 12 has an answer that is not on the scale.",
    ]


def test_all_kinds_of_problem_together(tiny):
    response = every_item(tiny, 2) | {"extra": 1, "b1": 9}
    del response["pe_2"]
    assert validate_complete_response(tiny, response) == [
        "These statements are not in this questionnaire: extra",
        "Statement 3 has an answer that is not on the scale.",
        "Statement 6 has no answer yet.",
    ]
