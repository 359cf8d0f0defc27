"""A response's share of its round's running figures, and scores from the added-up shares.

The data path the county view needs (issue 13): instead of rescoring every answer for every
page, each response adds its share to per-round totals (`round_figure`: respondents, answers,
"don't know"s, sum and sum of squares per figure), and totals of rounds add up to the totals of
an area or the county. `shares` is what one response adds; `scores_from_totals` gives back the
same scores `domain.scoring.score_responses` computes from the answers themselves (up to float
rounding), and `agreement_of`/`alpha_of` the measurement quality of `domain.measurement`.

Figures are named as the ledger names them ("condition:<id>", "acceptance:<id>",
"item:<id>"), plus "confidence:personal"/"confidence:work" (people who answered both) and, for
Cronbach's alpha, "complete:<condition>" (the sum over the condition's statements of people who
answered them all on the scale) and "complete_item:<item>" (their answer to each).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from culturetool.domain.measurement import Sums, agreement, cronbach_alpha
from culturetool.domain.model_schema import CultureModel, Item
from culturetool.domain.scoring import (
    ConfidenceGap,
    GroupScore,
    ItemScore,
    Response,
    ResponseSetScores,
    item_score,
)


class FigureTotal(NamedTuple):
    """One figure's running totals. A named tuple, not a frozen dataclass: as immutable, and
    made four times faster (a first look at a county reads and adds up hundreds of thousands;
    a frozen dataclass sets each field through `object.__setattr__`). `+` adds the totals."""

    respondents: int = 0
    answers: int = 0
    dont_know: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def __add__(self, other: tuple[object, ...]) -> FigureTotal:
        assert isinstance(other, FigureTotal)
        return FigureTotal(
            self.respondents + other.respondents,
            self.answers + other.answers,
            self.dont_know + other.dont_know,
            self.total + other.total,
            self.total_sq + other.total_sq,
        )

    @property
    def sums(self) -> Sums:
        return Sums(self.respondents, self.total, self.total_sq)


Totals = Mapping[str, FigureTotal]


def _value(value: float | None, answers: int, dont_know: int) -> FigureTotal:
    if value is None:
        return FigureTotal(0, answers, dont_know, 0.0, 0.0)
    return FigureTotal(1, answers, dont_know, value, value * value)


def _group_share(items: list[Item], response: Response) -> tuple[FigureTotal, list[float] | None]:
    scores: list[float] = []
    dont_know = 0
    for item in items:
        if item.id not in response:
            continue
        score = item_score(item, response[item.id])
        if score is None:
            dont_know += 1
        else:
            scores.append(score)
    mean = sum(scores) / len(scores) if scores else None
    complete = scores if items and len(scores) == len(items) else None
    return _value(mean, len(scores), dont_know), complete


def shares(model: CultureModel, response: Response) -> dict[str, FigureTotal]:
    """What one response adds to its round's figures; figures it adds nothing to are absent."""
    added: dict[str, FigureTotal] = {}
    items = model.questionnaire.items
    for condition in model.conditions:
        members = [i for i in items if i.condition == condition.id]
        share, complete = _group_share(members, response)
        if share != FigureTotal():
            added[f"condition:{condition.id}"] = share
        if complete is not None:
            added[f"complete:{condition.id}"] = _value(sum(complete), len(complete), 0)
            for item, score in zip(members, complete, strict=True):
                added[f"complete_item:{item.id}"] = _value(score, 1, 0)
    for scale in model.questionnaire.acceptance_scales:
        share, _ = _group_share([i for i in items if i.acceptance_scale == scale.id], response)
        if share != FigureTotal():
            added[f"acceptance:{scale.id}"] = share
    for item in items:
        if item.id in response:
            scored = item_score(item, response[item.id])
            added[f"item:{item.id}"] = _value(scored, int(scored is not None), int(scored is None))
    pair = {i.confidence: i for i in items if i.confidence is not None}
    if "personal" in pair and "work" in pair:
        personal = item_score(pair["personal"], response.get(pair["personal"].id))
        work = item_score(pair["work"], response.get(pair["work"].id))
        if personal is not None and work is not None:
            added["confidence:personal"] = _value(personal, 1, 0)
            added["confidence:work"] = _value(work, 1, 0)
    return added


def summed_shares(model: CultureModel, responses: Iterable[Response]) -> dict[str, FigureTotal]:
    """What many responses add to their round's figures: exactly
    `add_up(shares(model, r) for r in responses)`, worked out in one pass over plain numbers
    with the model's groups found once, for a file of thousands of responses imported at once
    (building a FigureTotal per figure per response took most of an import's time)."""
    items = model.questionnaire.items
    conditions = [
        (condition.id, [(i.id, i.reverse) for i in items if i.condition == condition.id])
        for condition in model.conditions
    ]
    scales = [
        (scale.id, [(i.id, i.reverse) for i in items if i.acceptance_scale == scale.id])
        for scale in model.questionnaire.acceptance_scales
    ]
    pair = {i.confidence: (i.id, i.reverse) for i in items if i.confidence is not None}
    confidence = (pair["personal"], pair["work"]) if "personal" in pair and "work" in pair else None
    summed: dict[str, list[float]] = {}

    def add(figure: str, respondents: int, answers: int, dont_know: int, total: float) -> None:
        row = summed.get(figure)
        if row is None:
            summed[figure] = [respondents, answers, dont_know, total, total * total]
        else:
            row[0] += respondents
            row[1] += answers
            row[2] += dont_know
            row[3] += total
            row[4] += total * total

    def score(answer: object, reverse: bool) -> float | None:
        if answer is None:
            return None
        if not (type(answer) is int and 1 <= answer <= 5):
            raise ValueError(f"an answer must be 1 to 5 or don't know, not {answer!r}")
        return float(6 - answer if reverse else answer)

    def group(figure: str, members: list[tuple[str, bool]], response: Response) -> list[float]:
        scores: list[float] = []
        dont_know = 0
        for item_id, reverse in members:
            if item_id in response:
                scored = score(response[item_id], reverse)
                if scored is None:
                    dont_know += 1
                else:
                    scores.append(scored)
        if scores:
            add(figure, 1, len(scores), dont_know, sum(scores) / len(scores))
        elif dont_know:
            add(figure, 0, 0, dont_know, 0.0)
        return scores

    for response in responses:
        for condition_id, members in conditions:
            scores = group(f"condition:{condition_id}", members, response)
            if members and len(scores) == len(members):
                add(f"complete:{condition_id}", 1, len(scores), 0, sum(scores))
                for (item_id, _), scored in zip(members, scores, strict=True):
                    add(f"complete_item:{item_id}", 1, 1, 0, scored)
        for scale_id, members in scales:
            group(f"acceptance:{scale_id}", members, response)
        for item in items:
            if item.id in response:
                item_scored = score(response[item.id], item.reverse)
                if item_scored is None:
                    add(f"item:{item.id}", 0, 0, 1, 0.0)
                else:
                    add(f"item:{item.id}", 1, 1, 0, item_scored)
        if confidence is not None:
            (personal_id, personal_reverse), (work_id, work_reverse) = confidence
            personal = score(response.get(personal_id), personal_reverse)
            work = score(response.get(work_id), work_reverse)
            if personal is not None and work is not None:
                add("confidence:personal", 1, 1, 0, personal)
                add("confidence:work", 1, 1, 0, work)
    return {
        figure: FigureTotal(int(r[0]), int(r[1]), int(r[2]), r[3], r[4])
        for figure, r in summed.items()
    }


def add_up(many: Iterable[Totals]) -> dict[str, FigureTotal]:
    """Totals of several responses or rounds: figure by figure, their sum. Added up as plain
    numbers and made into totals once (a county adds up tens of thousands)."""
    summed: dict[str, list[float]] = {}
    for totals in many:
        for figure, t in totals.items():
            into = summed.get(figure)
            if into is None:
                summed[figure] = [t.respondents, t.answers, t.dont_know, t.total, t.total_sq]
            else:
                into[0] += t.respondents
                into[1] += t.answers
                into[2] += t.dont_know
                into[3] += t.total
                into[4] += t.total_sq
    return {
        figure: FigureTotal(int(r), int(a), int(d), float(total), float(sq))
        for figure, (r, a, d, total, sq) in summed.items()
    }


def _group(key: str, name: str, total: FigureTotal | None) -> GroupScore | None:
    if total is None or total.respondents == 0:
        return None
    sums = total.sums
    assert sums.mean is not None
    return GroupScore(
        key=key,
        name=name,
        mean=sums.mean,
        respondents=total.respondents,
        answers=total.answers,
        dont_know=total.dont_know,
        spread=sums.spread,
    )


def scores_from_totals(model: CultureModel, totals: Totals, responses: int) -> ResponseSetScores:
    """The scores of the responses these totals add up, as `score_responses` gives them."""
    personal, work = totals.get("confidence:personal"), totals.get("confidence:work")
    confidence = None
    if personal is not None and work is not None and personal.respondents:
        confidence = ConfidenceGap(
            personal=personal.total / personal.respondents,
            work=work.total / work.respondents,
            respondents=personal.respondents,
        )
    return ResponseSetScores(
        responses=responses,
        conditions=condition_scores_from_totals(model, totals),
        acceptance={
            s.id: _group(s.id, s.name, totals.get(f"acceptance:{s.id}"))
            for s in model.questionnaire.acceptance_scales
        },
        confidence=confidence,
    )


def condition_scores_from_totals(
    model: CultureModel, totals: Totals
) -> dict[str, GroupScore | None]:
    """Each condition's score, as `scores_from_totals` gives them."""
    return {c.id: _group(c.id, c.name, totals.get(f"condition:{c.id}")) for c in model.conditions}


def item_scores_from_totals(model: CultureModel, totals: Totals) -> dict[str, ItemScore | None]:
    scores: dict[str, ItemScore | None] = {}
    for item in model.questionnaire.items:
        total = totals.get(f"item:{item.id}")
        scores[item.id] = (
            ItemScore(item.id, total.total / total.respondents, total.respondents, total.dont_know)
            if total is not None and total.respondents
            else None
        )
    return scores


def agreement_of(model: CultureModel, totals: Totals, condition_id: str) -> float | None:
    """rwg(j) of a condition within the group these totals belong to (a team's round)."""
    statements = [
        totals[figure].sums
        for figure in model.item_figures_by_condition.get(condition_id, ())
        if figure in totals
    ]
    return agreement(statements)


def alpha_of(model: CultureModel, totals: Totals, condition_id: str) -> float | None:
    """Cronbach's alpha of a condition's statements over these totals (the county's)."""
    members = [i for i in model.questionnaire.items if i.condition == condition_id]
    complete = totals.get(f"complete:{condition_id}")
    if complete is None or not members:
        return None
    statements = [totals.get(f"complete_item:{i.id}", FigureTotal()).sums for i in members]
    alpha = cronbach_alpha(statements, complete.sums)
    return alpha if alpha is None or math.isfinite(alpha) else None
