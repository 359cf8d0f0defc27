"""Running totals reproduce the scores computed from the answers themselves: for random sets of
responses to the real model (missing statements and "don't know" included), the scores built
from the added-up shares equal `score_responses`/`score_items`, and a pool's totals are the sum
of its rounds'."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_fixtures import MODEL_DIR

from culturetool.domain.figure_totals import (
    add_up,
    agreement_of,
    alpha_of,
    item_scores_from_totals,
    scores_from_totals,
    shares,
)
from culturetool.domain.measurement import Sums, agreement
from culturetool.domain.model_loader import load_model_dir
from culturetool.domain.scoring import score_items, score_responses

MODEL = load_model_dir(MODEL_DIR)
ITEM_IDS = [item.id for item in MODEL.questionnaire.items]

answers = st.one_of(st.none(), st.integers(1, 5))
responses = st.lists(
    st.dictionaries(st.sampled_from(ITEM_IDS), answers, max_size=len(ITEM_IDS)),
    max_size=12,
)


def totals_of(many):
    return add_up(shares(MODEL, response) for response in many)


def same_group(a, b):
    if a is None or b is None:
        return a is None and b is None
    return (
        a.respondents == b.respondents
        and a.answers == b.answers
        and a.dont_know == b.dont_know
        and a.mean == pytest.approx(b.mean)
        and a.spread == pytest.approx(b.spread, abs=1e-7)
    )


@settings(max_examples=60, deadline=None)
@given(responses)
def test_scores_from_totals_are_the_scores_of_the_answers(many):
    expected = score_responses(MODEL, many)
    got = scores_from_totals(MODEL, totals_of(many), len(many))
    for condition in MODEL.conditions:
        assert same_group(got.conditions[condition.id], expected.conditions[condition.id])
    for scale in MODEL.questionnaire.acceptance_scales:
        assert same_group(got.acceptance[scale.id], expected.acceptance[scale.id])
    if expected.confidence is None:
        assert got.confidence is None
    else:
        assert got.confidence is not None
        assert got.confidence.respondents == expected.confidence.respondents
        assert got.confidence.gap == pytest.approx(expected.confidence.gap)
    items = item_scores_from_totals(MODEL, totals_of(many))
    for item_id, score in score_items(MODEL, many).items():
        if score is None:
            assert items[item_id] is None
        else:
            got_item = items[item_id]
            assert got_item is not None
            assert got_item.respondents == score.respondents
            assert got_item.dont_know == score.dont_know
            assert got_item.mean == pytest.approx(score.mean)


@settings(max_examples=40, deadline=None)
@given(responses, responses)
def test_a_pools_totals_are_the_sum_of_its_rounds(first, second):
    pooled = add_up([totals_of(first), totals_of(second)])
    direct = totals_of(first + second)
    assert pooled.keys() == direct.keys()
    for figure, total in direct.items():
        assert pooled[figure].respondents == total.respondents
        assert pooled[figure].total == pytest.approx(total.total)
        assert pooled[figure].total_sq == pytest.approx(total.total_sq)


def test_agreement_and_alpha_from_totals_match_the_answers():
    rng = np.random.default_rng(7)
    condition = MODEL.conditions[0]
    members = [i for i in MODEL.questionnaire.items if i.condition == condition.id]
    trait = rng.integers(2, 5, size=60)
    many = [
        {
            item.id: int(np.clip(trait[n] + rng.integers(-1, 2), 1, 5))
            if not item.reverse
            else int(np.clip(6 - trait[n] + rng.integers(-1, 2), 1, 5))
            for item in members
        }
        for n in range(60)
    ]
    totals = totals_of(many)
    scored = np.array(
        [[(6 - r[i.id]) if i.reverse else r[i.id] for i in members] for r in many], dtype=float
    )
    expected_agreement = agreement([Sums.of(list(scored[:, j])) for j in range(len(members))])
    assert agreement_of(MODEL, totals, condition.id) == pytest.approx(expected_agreement)
    k = len(members)
    expected_alpha = (
        k / (k - 1) * (1 - scored.var(axis=0, ddof=1).sum() / scored.sum(axis=1).var(ddof=1))
    )
    assert alpha_of(MODEL, totals, condition.id) == pytest.approx(expected_alpha)
    assert alpha_of(MODEL, totals, condition.id) > 0.7  # one trait behind every statement
    with_dont_know = [*many, {members[0].id: None}]
    assert totals_of(with_dont_know)[f"complete:{condition.id}"].respondents == 60
