"""Measurement quality from running totals (domain/measurement.py), checked against direct
computations on the values themselves and against textbook figures."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from culturetool.domain.measurement import (
    RANDOM_ANSWER_VARIANCE,
    Sums,
    agreement,
    agreement_words,
    consistency_warning,
    cronbach_alpha,
    difference_interval_95,
    interval_95,
    low_agreement,
    t_critical_95,
)

scores = st.lists(st.integers(1, 5).map(float), min_size=0, max_size=40)


@given(scores, scores)
def test_totals_of_two_rounds_add_up_to_the_totals_of_their_pool(a, b):
    assert Sums.of(a) + Sums.of(b) == Sums.of(a + b)


@given(scores)
def test_mean_and_spread_from_totals_match_the_values(values):
    sums = Sums.of(values)
    if not values:
        assert sums.mean is None and sums.spread == 0.0
        return
    assert sums.mean == pytest.approx(statistics.fmean(values))
    expected = statistics.stdev(values) if len(values) > 1 else 0.0
    assert sums.spread == pytest.approx(expected, abs=1e-9)


def test_interval_uses_students_t_for_small_groups_and_the_normal_beyond():
    values = [2.0, 3.0, 4.0, 3.0, 5.0]
    interval = interval_95(Sums.of(values))
    assert interval is not None
    half = 2.776 * statistics.stdev(values) / math.sqrt(5)  # t(4)
    assert interval.low == pytest.approx(3.4 - half) and interval.high == pytest.approx(3.4 + half)
    assert t_critical_95(200) == 1.96
    assert interval_95(Sums.of([4.0])) is None  # one value has no spread


def test_a_difference_whose_interval_holds_zero_is_not_a_real_difference():
    county = Sums.of([3.0, 4.0, 2.0, 5.0, 3.0, 4.0] * 20)
    similar = Sums.of([3.0, 4.0, 4.0, 3.0, 2.0])
    lower = Sums.of([1.0, 1.0, 2.0, 1.0, 2.0, 1.0, 1.0, 2.0])
    _, near = difference_interval_95(similar, county)
    gap, far = difference_interval_95(lower, county)
    assert near is not None and not near.excludes_zero()
    assert far is not None and far.excludes_zero() and gap < 0
    assert difference_interval_95(Sums(), county) is None


def test_agreement_is_one_when_everyone_gives_the_same_answers_and_zero_when_random_or_worse():
    same = [Sums.of([4.0] * 6), Sums.of([2.0] * 6), Sums.of([5.0] * 6)]
    assert agreement(same) == pytest.approx(1.0)
    split = [Sums.of([1.0, 5.0] * 4)] * 3  # variance 4.57, more than random answers (2)
    assert agreement(split) == 0.0
    assert agreement([Sums.of([3.0])]) is None


def test_agreement_matches_the_rwg_j_formula():
    statements = [Sums.of([3.0, 4.0, 4.0, 5.0]), Sums.of([2.0, 3.0, 3.0, 4.0])]
    mean_variance = statistics.fmean([statistics.variance([3, 4, 4, 5])] * 2)
    ratio = mean_variance / RANDOM_ANSWER_VARIANCE
    expected = 2 * (1 - ratio) / (2 * (1 - ratio) + ratio)
    assert agreement(statements) == pytest.approx(expected)
    assert not low_agreement(agreement(statements))
    assert low_agreement(0.5) and "very differently" in agreement_words(0.5)
    assert "fewer than two" in agreement_words(None)


@given(st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=3, max_size=30))
def test_cronbach_alpha_from_totals_matches_the_covariance_formula(rows):
    answers = np.array(rows, dtype=float)  # people x statements
    statements = [Sums.of(list(answers[:, j])) for j in range(answers.shape[1])]
    totals = Sums.of(list(answers.sum(axis=1)))
    alpha = cronbach_alpha(statements, totals)
    total_variance = answers.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        assert alpha is None
        return
    k = answers.shape[1]
    expected = k / (k - 1) * (1 - answers.var(axis=0, ddof=1).sum() / total_variance)
    assert alpha == pytest.approx(expected, abs=1e-9)


def test_statements_that_measure_one_thing_pass_and_unrelated_ones_are_warned_of():
    rng = np.random.default_rng(3)
    trait = rng.integers(1, 6, size=200)
    related = np.clip(trait[:, None] + rng.integers(-1, 2, size=(200, 4)), 1, 5).astype(float)
    unrelated = rng.integers(1, 6, size=(200, 4)).astype(float)

    def alpha_of(answers):
        statements = [Sums.of(list(answers[:, j])) for j in range(answers.shape[1])]
        return cronbach_alpha(statements, Sums.of(list(answers.sum(axis=1))))

    assert consistency_warning(alpha_of(related)) is None
    warning = consistency_warning(alpha_of(unrelated))
    assert warning is not None and "with care" in warning
    assert "Too few" in (consistency_warning(None) or "")
