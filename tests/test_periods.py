"""The rules of assessment periods (domain/periods.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from culturetool.domain.disclosure import consistent
from culturetool.domain.errors import InputProblem
from culturetool.domain.periods import (
    PeriodFacts,
    checked_period,
    filter_may_show,
    period_of_round,
    taking_answers,
)

TODAY = dt.date(2027, 3, 1)
SPRING = PeriodFacts(1, "Spring 2027", dt.date(2027, 3, 1), dt.date(2027, 4, 30), frozenset({1, 2}))


def test_a_period_is_checked_and_its_name_tidied():
    new = checked_period(
        "  Autumn   2027 ", dt.date(2027, 9, 1), dt.date(2027, 10, 31), [3, 1], [SPRING], TODAY
    )
    assert new.name == "Autumn 2027" and new.area_ids == {1, 3}


@pytest.mark.parametrize(
    ("name", "opens", "closes", "areas", "message"),
    [
        ("spring 2027", dt.date(2027, 9, 1), dt.date(2027, 9, 30), [3], "already a period called"),
        ("Late", dt.date(2027, 9, 1), dt.date(2027, 8, 1), [3], "closes before it opens"),
        ("Late", None, dt.date(2027, 8, 1), [3], "the day the period opens"),
        ("Past", dt.date(2026, 1, 1), dt.date(2026, 2, 1), [3], "already be over"),
        ("Long", dt.date(2027, 3, 1), dt.date(2028, 3, 1), [3], "at most 183 days"),
        ("None", dt.date(2027, 9, 1), dt.date(2027, 9, 30), [], "at least one area"),
        ("Clash", dt.date(2027, 4, 1), dt.date(2027, 5, 31), [2, 3], "one period only"),
    ],
)
def test_a_period_that_cannot_work_is_refused_with_what_to_change(
    name, opens, closes, areas, message
):
    with pytest.raises(InputProblem, match=message):
        checked_period(name, opens, closes, areas, [SPRING], TODAY)


def test_periods_of_different_areas_may_overlap():
    checked_period("East spring", dt.date(2027, 3, 1), dt.date(2027, 4, 30), [3], [SPRING], TODAY)


def test_a_round_belongs_to_the_period_it_was_opened_in_for_its_area():
    assert period_of_round([SPRING], 1, dt.date(2027, 4, 30)) == 1
    assert period_of_round([SPRING], 1, dt.date(2027, 5, 1)) is None
    assert period_of_round([SPRING], 3, dt.date(2027, 3, 15)) is None
    assert taking_answers(SPRING, dt.date(2027, 4, 30))
    assert not taking_answers(SPRING, dt.date(2027, 5, 1))
    assert taking_answers(None, dt.date(2030, 1, 1))


@given(st.integers(0, 60), st.integers(0, 60), st.integers(2, 10))
def test_a_filter_shows_only_what_the_cell_rule_allows(selected, left_out, threshold):
    # The chosen part and the whole, as two bases over one round each for the part and the
    # rest: the filter may show exactly when no cell of the two holds 1 to threshold - 1.
    total = selected + left_out
    bases = [{1: selected, 2: left_out}, {1: selected}]
    expected = consistent(bases, threshold) and (total == 0 or total >= threshold)
    shown = filter_may_show(total, selected, threshold) and (total == 0 or total >= threshold)
    assert shown == expected
