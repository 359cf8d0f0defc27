"""The two or three sentences a results page leads with: where the team (or area) is strongest,
where it is weakest, and how far the figures can be trusted.

Pure: it is given only figures the anonymity gate has already let through. A withheld figure
never reaches it, so it can neither be named nor be worked out from what the sentences say
(a hidden condition is simply not among the strongest or weakest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from culturetool.domain.wording import SPLIT_ABOVE, count_of

# Below half of the staff answering, the scores may not speak for the whole team.
MOST_OF_THE_STAFF = 0.5
# Scores this close are read as level: the difference is within what chance answers make.
LEVEL_WITHIN = 0.1


@dataclass(frozen=True)
class ShownScore:
    """A condition's figure as the page shows it."""

    name: str
    mean: float  # as shown, two decimals
    level_name: str
    spread: float


def _names(scores: Sequence[ShownScore]) -> str:
    names = [score.name for score in scores]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _number(mean: float) -> str:
    """A score as the page writes it: "3.37", "3.4", "3"."""
    return f"{round(mean, 2):g}"


def _figure(score: ShownScore) -> str:
    return f"{_number(score.mean)}, {score.level_name}"


def _strongest_and_weakest(scores: Sequence[ShownScore], who: str) -> str:
    if len(scores) == 1:
        only = scores[0]
        return f"Only one condition can be shown: {only.name} ({_figure(only)})."
    high = max(score.mean for score in scores)
    low = min(score.mean for score in scores)
    if high - low < LEVEL_WITHIN:
        return f"{who} scores much the same on every condition shown, around {_number(low)}."
    top = [score for score in scores if score.mean == high]
    bottom = [score for score in scores if score.mean == low]
    strongest = f"{who} is strongest on {_names(top)} ({_figure(top[0])})"
    weakest = f"weakest on {_names(bottom)} ({_figure(bottom[0])})"
    return f"{strongest} and {weakest}: that is the place to start."


def _how_sure(scores: Sequence[ShownScore], responses: int, staff: int | None) -> str:
    if staff and responses <= staff:
        answered = f"{responses} of the {staff} staff answered"
        if responses / staff < MOST_OF_THE_STAFF:
            answered += ", fewer than half, so the scores may not speak for everyone"
    else:
        answered = f"{count_of(responses, 'person', 'people')} answered"
    split = [score for score in scores if score.spread > SPLIT_ABOVE]
    if not split:
        agreement = "people mostly agreed with each other"
    elif len(split) <= 2:
        agreement = f"views were split on {_names(split)}"
    else:
        agreement = f"views were split on {count_of(len(split), 'condition', 'conditions')}"
    return f"{answered}, and {agreement}."


def results_summary(
    scores: Sequence[ShownScore], responses: int, staff: int | None, who: str = "The team"
) -> list[str]:
    """The page's opening sentences. `scores` are the conditions shown, in model order;
    `responses` the people who answered; `staff` the team's (or area's) staff count, None when
    nobody has recorded it. Empty when no condition can be shown."""
    if not scores:
        return []
    return [_strongest_and_weakest(scores, who), _how_sure(scores, responses, staff)]
