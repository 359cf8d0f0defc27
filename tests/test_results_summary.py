"""The sentences a results page leads with, and scores' spread and "don't know" in words."""

from __future__ import annotations

import pytest

from culturetool.domain.summary import ShownScore, results_summary
from culturetool.domain.wording import dont_know_words, how_sure_words, spread_words


def score(name: str, mean: float, level: str = "Established", spread: float = 0.5) -> ShownScore:
    return ShownScore(name=name, mean=mean, level_name=level, spread=spread)


TEAM = [
    score("Strategic clarity", 3.62, "Thriving"),
    score("Skills and confidence", 2.14, "Developing"),
    score("Leadership", 2.90),
]


def test_the_summary_names_the_strongest_and_the_weakest_with_their_figures():
    first, _ = results_summary(TEAM, responses=6, staff=8)
    assert first == (
        "The team is strongest on Strategic clarity (3.62, Thriving) and weakest on "
        "Skills and confidence (2.14, Developing): that is the place to start."
    )


def test_the_summary_says_how_many_of_the_staff_answered_and_whether_they_agreed():
    assert results_summary(TEAM, responses=6, staff=8)[1] == (
        "6 of the 8 staff answered, and people mostly agreed with each other."
    )
    assert results_summary(TEAM, responses=3, staff=8)[1] == (
        "3 of the 8 staff answered, fewer than half, so the scores may not speak for everyone, "
        "and people mostly agreed with each other."
    )


def test_without_a_staff_count_or_with_more_answers_than_staff_it_counts_people_only():
    assert results_summary(TEAM, responses=6, staff=None)[1].startswith("6 people answered, ")
    assert results_summary(TEAM, responses=9, staff=8)[1].startswith("9 people answered, ")


def test_split_views_are_named_up_to_two_then_counted():
    one_split = [*TEAM[:2], score("Leadership", 2.9, spread=1.3)]
    assert results_summary(one_split, 6, 8)[1].endswith("and views were split on Leadership.")
    all_split = [score(s.name, s.mean, s.level_name, spread=1.2) for s in TEAM]
    assert results_summary(all_split, 6, 8)[1].endswith("views were split on 3 conditions.")


def test_ties_are_named_together_and_close_scores_read_as_level():
    tied = [score("A", 3.0), score("B", 3.0), score("C", 2.0, "Developing")]
    assert results_summary(tied, 5, None)[0].startswith("The team is strongest on A and B (3,")
    level = [score("A", 3.0), score("B", 3.05)]
    assert results_summary(level, 5, None, who="The area")[0] == (
        "The area scores much the same on every condition shown, around 3."
    )


def test_a_withheld_condition_is_never_named_because_it_is_never_given():
    """The page passes only shown figures; the summary has nothing else to draw on."""
    assert results_summary([], 5, 8) == []
    only = results_summary([score("Strategic clarity", 3.1)], 5, 8)
    assert only[0] == "Only one condition can be shown: Strategic clarity (3.1, Established)."
    assert all("Leadership" not in sentence for sentence in only)


@pytest.mark.parametrize(
    ("spread", "words"),
    [
        (0.0, "people mostly agreed"),
        (0.69, "people mostly agreed"),
        (0.7, "views differed a little"),
        (1.0, "views differed a little"),
        (1.01, "views were split"),
    ],
)
def test_spread_in_words_at_its_edges(spread, words):
    assert spread_words(spread) == words


def test_dont_know_counts_answers_in_words():
    assert dont_know_words(0) == ""
    assert dont_know_words(1) == "1 answer was “I don't know”"
    assert dont_know_words(3) == "3 answers were “I don't know”"


def test_how_sure_joins_people_agreement_and_dont_know():
    assert how_sure_words(5, 0.4, 0) == "5 people answered and people mostly agreed."
    assert how_sure_words(5, 1.3, 1) == (
        "5 people answered and views were split. 1 answer was “I don't know”."
    )
    assert how_sure_words(1, 0.0, 0) == "1 person answered."
