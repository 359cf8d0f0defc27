"""The questionnaire's pages: few, balanced, never one statement on its own."""

from __future__ import annotations

from collections import Counter

import pytest

from culturetool.domain.questionnaire_pages import MOST_PER_PAGE, page_count, page_of_each


def sizes(statements: int) -> list[int]:
    counts = Counter(page_of_each(statements))
    return [counts[page] for page in range(page_count(statements))]


def test_the_real_questionnaire_is_seven_pages_of_five_or_six():
    assert sizes(37) == [6, 6, 5, 5, 5, 5, 5]


@pytest.mark.parametrize("statements", range(2, 200))
def test_pages_are_balanced_and_none_holds_a_single_statement(statements):
    found = sizes(statements)
    assert sum(found) == statements
    assert max(found) <= MOST_PER_PAGE
    assert max(found) - min(found) <= 1
    assert min(found) >= 2
    assert len(found) == -(-statements // MOST_PER_PAGE)  # no more pages than needed


@pytest.mark.parametrize("statements", range(0, 60))
def test_statements_keep_their_order_across_pages(statements):
    placed = page_of_each(statements)
    assert len(placed) == statements
    assert placed == sorted(placed)


def test_no_statements_still_make_one_page_for_the_comment():
    assert page_count(0) == 1 and page_of_each(0) == []
    assert sizes(1) == [1]
