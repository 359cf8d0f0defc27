"""Turn questionnaire answers into team scores. Pure functions: no database, no web.

A response is a mapping from item id to an answer: 1 to 5 on the agreement scale, or None for
"don't know". Reverse-worded items are flipped (6 - answer) so that a higher score always means
a stronger culture. Each respondent's score for a condition is the mean of their own answers to
that condition's items; the team's score is the mean of those respondent scores, so a person who
answered "don't know" to one statement still counts once, not less.

Scoring does not decide what may be shown: the anonymity threshold is applied by the store
(`culturetool.store.disclosure`), the one place that rule lives.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from culturetool.domain.model_schema import CultureModel, Item

Answer = int | None
Response = Mapping[str, Answer]


@dataclass(frozen=True)
class GroupScore:
    """Scores of one condition (or one acceptance scale) across a set of responses."""

    key: str
    name: str
    mean: float
    respondents: int  # respondents with at least one answer that is not "don't know"
    answers: int  # answers that count (not "don't know")
    dont_know: int
    spread: float  # standard deviation of respondent scores; 0 when only one respondent

    @property
    def rounded_mean(self) -> float:
        return round(self.mean, 2)


@dataclass(frozen=True)
class ConfidenceGap:
    personal: float
    work: float
    respondents: int  # respondents who answered both items

    @property
    def gap(self) -> float:
        """Positive when people feel more confident with technology at home than at work."""
        return self.personal - self.work


@dataclass(frozen=True)
class ItemScore:
    """One statement across a set of responses, reverse-scored like the conditions."""

    item_id: str
    mean: float
    respondents: int  # people who answered it on the scale (each answers a statement once)
    dont_know: int


@dataclass(frozen=True)
class ResponseSetScores:
    """A set of responses' scores, keyed by condition and acceptance scale id, in model order.

    Every id of the model is a key; its value is None where nobody gave a usable answer (or, once
    through the anonymity gate, where the figure may not be shown).
    """

    responses: int
    conditions: dict[str, GroupScore | None]
    acceptance: dict[str, GroupScore | None]
    confidence: ConfidenceGap | None


def _on_scale(answer: object) -> bool:
    """None (don't know) or a whole number 1 to 5; True and 4.0 are not answers."""
    return answer is None or (type(answer) is int and 1 <= answer <= 5)


def item_score(item: Item, answer: Answer) -> float | None:
    if answer is None:
        return None
    if not _on_scale(answer):
        raise ValueError(f"answer to {item.id} must be 1 to 5 or don't know, not {answer!r}")
    return float(6 - answer if item.reverse else answer)


def _respondent_mean(items: Sequence[Item], response: Response) -> tuple[float | None, int, int]:
    scores = []
    dont_know = 0
    for item in items:
        if item.id not in response:
            continue
        score = item_score(item, response[item.id])
        if score is None:
            dont_know += 1
        else:
            scores.append(score)
    return (statistics.fmean(scores) if scores else None), len(scores), dont_know


def score_group(
    key: str, name: str, items: Sequence[Item], responses: Sequence[Response]
) -> GroupScore | None:
    respondent_scores: list[float] = []
    answers = dont_know = 0
    for response in responses:
        mean, counted, unknown = _respondent_mean(items, response)
        answers += counted
        dont_know += unknown
        if mean is not None:
            respondent_scores.append(mean)
    if not respondent_scores:
        return None
    spread = statistics.stdev(respondent_scores) if len(respondent_scores) > 1 else 0.0
    return GroupScore(
        key=key,
        name=name,
        mean=statistics.fmean(respondent_scores),
        respondents=len(respondent_scores),
        answers=answers,
        dont_know=dont_know,
        spread=spread,
    )


def score_confidence(model: CultureModel, responses: Sequence[Response]) -> ConfidenceGap | None:
    items = {i.confidence: i for i in model.questionnaire.items if i.confidence is not None}
    personal_item, work_item = items.get("personal"), items.get("work")
    if personal_item is None or work_item is None:
        return None
    pairs = []
    for response in responses:
        personal = item_score(personal_item, response.get(personal_item.id))
        work = item_score(work_item, response.get(work_item.id))
        if personal is not None and work is not None:
            pairs.append((personal, work))
    if not pairs:
        return None
    return ConfidenceGap(
        personal=statistics.fmean(p for p, _ in pairs),
        work=statistics.fmean(w for _, w in pairs),
        respondents=len(pairs),
    )


def score_items(model: CultureModel, responses: Sequence[Response]) -> dict[str, ItemScore | None]:
    """Every statement's score in questionnaire order; None where nobody answered it on the scale.

    Like every score here this decides nothing about disclosure: the store withholds a statement
    that fewer people answered than the anonymity threshold.
    """
    scores: dict[str, ItemScore | None] = {}
    for item in model.questionnaire.items:
        answered = [item_score(item, r[item.id]) for r in responses if item.id in r]
        counted = [score for score in answered if score is not None]
        scores[item.id] = (
            ItemScore(
                item_id=item.id,
                mean=statistics.fmean(counted),
                respondents=len(counted),
                dont_know=len(answered) - len(counted),
            )
            if counted
            else None
        )
    return scores


def score_responses(model: CultureModel, responses: Sequence[Response]) -> ResponseSetScores:
    items = model.questionnaire.items
    return ResponseSetScores(
        responses=len(responses),
        conditions={
            c.id: score_group(c.id, c.name, [i for i in items if i.condition == c.id], responses)
            for c in model.conditions
        },
        acceptance={
            s.id: score_group(
                s.id, s.name, [i for i in items if i.acceptance_scale == s.id], responses
            )
            for s in model.questionnaire.acceptance_scales
        },
        confidence=score_confidence(model, responses),
    )


def validate_complete_response(model: CultureModel, response: Response) -> list[str]:
    """Problems that stop a response being saved, in plain words; empty when it is fine."""
    problems = []
    unknown = sorted(set(response) - set(model.item_by_id))
    if unknown:
        problems.append(f"These statements are not in this questionnaire: {', '.join(unknown)}")
    for number, item in enumerate(model.questionnaire.items, start=1):
        if item.id not in response:
            problems.append(f"Statement {number} has no answer yet.")
        elif not _on_scale(response[item.id]):
            problems.append(f"Statement {number} has an answer that is not on the scale.")
    return problems
