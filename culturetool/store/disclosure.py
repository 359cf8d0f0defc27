"""The anonymity gate: the one place that decides which results may be shown or exported.

Every screen, chart and export gets results from here. Three rules, applied in this order:

1. A group (a team's round, or an area) with fewer responses than the threshold shows only its
   count of responses. For a team's round the answers are not even read.
2. Any single figure (a condition, an acceptance scale, the confidence pair) that rests on fewer
   respondents than the threshold is withheld too, e.g. a condition most people said "don't know"
   to.
3. Subtraction. An area's figure pools all its teams. If the area's figure and all but one of its
   teams' figures were shown, the hidden team's could be worked out from them, so more teams'
   figures are hidden ("protected") until the hidden ones together rest on at least the threshold
   of people. People who can see area figures see those teams' pages with the same figures hidden,
   so no pair of screens gives the hidden team away.

Statements (single questionnaire items, used to say which statement of a weak condition scored
lowest) follow the same three rules, as figures of their own, plus one: a condition's (or scale's)
statements are shown all together or not at all, and only where the condition itself is shown.
Otherwise the condition's figure and its shown statements could give away a hidden statement
that rests on too few people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from culturetool.domain.model_schema import CultureModel, Item
from culturetool.domain.scoring import ItemScore, ResponseSetScores, score_items, score_responses
from culturetool.store.repository import model_of_round
from culturetool.store.tables import (
    Answer,
    Area,
    AssessmentRound,
    Comment,
    Organisation,
    Response,
)

# A figure that can be shown: ("condition", id), ("acceptance", id), ("confidence", "") or a
# statement ("item", id).
FigureKey = tuple[str, str]
CONFIDENCE: FigureKey = ("confidence", "")
ITEM = "item"


@dataclass(frozen=True)
class Withheld:
    """Not enough responses yet: nothing but the count may be shown."""

    responses: int
    threshold: int

    @property
    def still_needed(self) -> int:
        return max(self.threshold - self.responses, 0)


@dataclass(frozen=True)
class Disclosed:
    responses: int
    threshold: int
    scores: ResponseSetScores  # groups under the threshold are already None
    protected: frozenset[FigureKey] = frozenset()  # withheld only to stop subtraction (rule 3)
    # Statement id -> score, for the statements that may be shown; the others are absent.
    items: Mapping[str, ItemScore] = field(default_factory=dict)


def response_count(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count()).where(Response.round_id == round_id)) or 0


def response_counts(session: Session, round_ids: Iterable[int]) -> dict[int, int]:
    """Responses per round in one query; rounds with none are absent."""
    rows = session.execute(
        select(Response.round_id, func.count())
        .where(Response.round_id.in_(list(round_ids)))
        .group_by(Response.round_id)
    )
    return {round_id: count for round_id, count in rows}


def _answers_by_response(session: Session, round_id: int) -> list[dict[str, int | None]]:
    rows = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == round_id)
    )
    responses: dict[str, dict[str, int | None]] = defaultdict(dict)
    for response_id, item_id, value in rows:
        responses[response_id][item_id] = value
    return list(responses.values())


def figure_respondents(scores: ResponseSetScores, model: CultureModel) -> dict[FigureKey, int]:
    """How many people each figure rests on (0 where nobody gave a usable answer)."""
    counts: dict[FigureKey, int] = {}
    for group, condition in zip(scores.conditions, model.conditions, strict=True):
        counts["condition", condition.id] = group.respondents if group else 0
    scales = model.questionnaire.acceptance_scales
    for group, scale in zip(scores.acceptance, scales, strict=True):
        counts["acceptance", scale.id] = group.respondents if group else 0
    counts[CONFIDENCE] = scores.confidence.respondents if scores.confidence else 0
    return counts


def item_respondents(items: Mapping[str, ItemScore | None]) -> dict[FigureKey, int]:
    """How many people each statement's figure rests on (0 where nobody answered on the scale)."""
    return {(ITEM, item_id): score.respondents if score else 0 for item_id, score in items.items()}


def _figure_of(item: Item) -> FigureKey:
    """The condition, acceptance scale or confidence pair a statement counts towards."""
    if item.condition is not None:
        return ("condition", item.condition)
    if item.acceptance_scale is not None:
        return ("acceptance", item.acceptance_scale)
    return CONFIDENCE


def _shown_items(
    model: CultureModel,
    items: Mapping[str, ItemScore | None],
    shown_figures: set[FigureKey],
    threshold: int,
    protected: frozenset[FigureKey],
) -> dict[str, ItemScore]:
    """The statements that may be shown: all of a shown figure's statements, or none of them."""
    by_figure: dict[FigureKey, list[Item]] = defaultdict(list)
    for item in model.questionnaire.items:
        by_figure[_figure_of(item)].append(item)
    shown: dict[str, ItemScore] = {}
    for figure, members in by_figure.items():
        scores = [items.get(item.id) for item in members]
        too_few = any(score is not None and score.respondents < threshold for score in scores)
        if figure not in shown_figures or too_few:
            continue
        if any((ITEM, item.id) in protected for item in members):
            continue
        shown.update({i.id: score for i, score in zip(members, scores, strict=True) if score})
    return shown


def _withhold(
    scores: ResponseSetScores, model: CultureModel, hidden: Callable[[FigureKey], bool]
) -> ResponseSetScores:
    conditions = model.conditions
    scales = model.questionnaire.acceptance_scales
    return replace(
        scores,
        conditions=[
            None if hidden(("condition", c.id)) else g
            for g, c in zip(scores.conditions, conditions, strict=True)
        ],
        acceptance=[
            None if hidden(("acceptance", s.id)) else g
            for g, s in zip(scores.acceptance, scales, strict=True)
        ],
        confidence=None if hidden(CONFIDENCE) else scores.confidence,
    )


def _disclose(
    scores: ResponseSetScores,
    items: Mapping[str, ItemScore | None],
    model: CultureModel,
    responses: int,
    threshold: int,
    protected: frozenset[FigureKey] = frozenset(),
) -> Disclosed:
    people = figure_respondents(scores, model)
    hidden = {key for key, n in people.items() if n < threshold or key in protected}
    shown = _withhold(scores, model, lambda key: key in hidden)
    shown_items = _shown_items(model, items, set(people) - hidden, threshold, protected)
    # Only figures that would otherwise be shown count as protected, so pages give the right reason.
    people |= item_respondents(items)
    protected = frozenset(key for key in protected if people.get(key, 0) >= threshold)
    return Disclosed(
        responses=responses,
        threshold=threshold,
        scores=shown,
        protected=protected,
        items=shown_items,
    )


def round_results(
    session: Session,
    round_: AssessmentRound,
    model: CultureModel,
    *,
    viewer_sees_area_figures: bool = False,
) -> Withheld | Disclosed:
    """A round's results as a person may see them.

    `viewer_sees_area_figures`: the person can also see the area's pooled figures, so figures of
    this round protected on the area view (rule 3) are hidden here too.
    """
    threshold = round_.anonymity_threshold
    count = response_count(session, round_.id)
    if count < threshold:
        return Withheld(responses=count, threshold=threshold)
    answers = _answers_by_response(session, round_.id)
    scores = score_responses(model, answers)
    protected: frozenset[FigureKey] = frozenset()
    if viewer_sees_area_figures:
        area = area_results(session, round_.team.area)
        protected = next(
            (part.all_protected for part in area.parts if part.round_id == round_.id), frozenset()
        )
    return _disclose(scores, score_items(model, answers), model, count, threshold, protected)


@dataclass(frozen=True)
class RoundComments:
    """Free-text comments, once the round has enough responses for its comment threshold.

    Shown in alphabetical order: the order they were written in could hint at who wrote them.
    """

    responses: int
    threshold: int
    comments: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        return self.responses >= self.threshold


def round_comments(session: Session, round_: AssessmentRound) -> RoundComments:
    count = response_count(session, round_.id)
    threshold = round_.comment_threshold
    if count < threshold:
        return RoundComments(count, threshold)
    texts = session.scalars(select(Comment.text).where(Comment.round_id == round_.id))
    return RoundComments(count, threshold, tuple(sorted(texts, key=str.casefold)))


# ---- areas: a total and its parts ---------------------------------------------------------


@dataclass(frozen=True)
class TeamPart:
    """One team's latest round as it appears inside its area."""

    team_id: int
    team_name: str
    round_id: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: Withheld | Disclosed
    model: CultureModel
    protected: frozenset[FigureKey] = frozenset()  # hidden only so another team stays hidden
    protected_items: frozenset[FigureKey] = frozenset()  # statements hidden for the same reason

    @property
    def all_protected(self) -> frozenset[FigureKey]:
        return self.protected | self.protected_items


@dataclass(frozen=True)
class AreaResults:
    area_id: int
    area_name: str
    threshold: int
    total: Withheld | Disclosed
    model: CultureModel | None  # the model the total is scored with; None before any response
    parts: list[TeamPart] = field(default_factory=list)
    teams_without_responses: list[str] = field(default_factory=list)


def round_to_show(rounds: list[AssessmentRound], counts: dict[int, int]) -> AssessmentRound | None:
    """A team's most recent round that has reached its threshold, else its most recent one with
    any response. A round just opened does not blank out the team's last full picture."""
    answered = [r for r in rounds if counts.get(r.id, 0) > 0]
    complete = [r for r in answered if counts[r.id] >= r.anonymity_threshold]
    chosen = complete or answered
    return max(chosen, key=lambda r: (r.opened_at, r.id)) if chosen else None


def complementary_suppression(
    part_people: dict[int, int], shown: set[int], threshold: int
) -> set[int]:
    """The shown parts to hide as well, so the hidden parts cannot be worked out by subtraction.

    `part_people` is, for one figure, how many people each part's figure rests on; `shown` the
    parts whose figure passes the threshold. With the total shown, total minus the shown parts
    reveals the hidden parts taken together, so they must together rest on 0 people or at least
    `threshold`. The smallest shown parts are hidden first (ties: lowest key) to lose least.
    """
    hidden_people = sum(n for key, n in part_people.items() if key not in shown)
    extra: set[int] = set()
    candidates = sorted((part_people[key], key) for key in shown)
    while 0 < hidden_people < threshold and candidates:
        people, key = candidates.pop(0)
        extra.add(key)
        hidden_people += people
    return extra


def area_results(session: Session, area: Area) -> AreaResults:
    """The area's pooled figures and each team's, after all three rules of this module.

    Each team counts with one round (see `round_to_show`). The total is scored with the model
    of the most recent of those rounds; answers to statements it no longer has are left out.
    The threshold is the highest of the organisation's and those rounds' thresholds.
    """
    organisation = session.get(Organisation, area.organisation_id)
    assert organisation is not None  # foreign key
    rounds = [r for team in area.teams for r in team.rounds]
    counts = response_counts(session, (r.id for r in rounds))
    chosen: list[AssessmentRound] = []
    without: list[str] = []
    for team in area.teams:
        round_ = round_to_show(team.rounds, counts)
        if round_ is None:
            without.append(team.name)
        else:
            chosen.append(round_)
    threshold = max([organisation.anonymity_threshold] + [r.anonymity_threshold for r in chosen])
    total_count = sum(counts[r.id] for r in chosen)
    if not chosen:
        return AreaResults(area.id, area.name, threshold, Withheld(0, threshold), None, [], without)

    newest = max(chosen, key=lambda r: (r.opened_at, r.id))
    pooled_model = model_of_round(session, newest)
    models = {r.id: model_of_round(session, r) for r in chosen}
    answers = {r.id: _answers_by_response(session, r.id) for r in chosen}
    part_scores = {r.id: score_responses(models[r.id], answers[r.id]) for r in chosen}
    part_items = {r.id: score_items(models[r.id], answers[r.id]) for r in chosen}
    part_people = {
        r.id: figure_respondents(part_scores[r.id], models[r.id])
        | item_respondents(part_items[r.id])
        for r in chosen
    }
    pooled_answers = [a for r in chosen for a in answers[r.id]]
    pooled = score_responses(pooled_model, pooled_answers)
    pooled_items = score_items(pooled_model, pooled_answers)
    pooled_people = figure_respondents(pooled, pooled_model) | item_respondents(pooled_items)

    protected: dict[int, set[FigureKey]] = defaultdict(set)
    if total_count >= threshold:
        for key, people in pooled_people.items():
            if people < threshold:
                continue  # the area's figure is withheld: there is nothing to subtract from
            behind = {r.id: part_people[r.id].get(key, 0) for r in chosen}
            shown = {
                r.id
                for r in chosen
                if counts[r.id] >= r.anonymity_threshold and behind[r.id] >= r.anonymity_threshold
            }
            for round_id in complementary_suppression(behind, shown, threshold):
                protected[round_id].add(key)

    parts = []
    for r in chosen:
        outcome: Withheld | Disclosed
        if counts[r.id] < r.anonymity_threshold:
            outcome = Withheld(counts[r.id], r.anonymity_threshold)
        else:
            outcome = _disclose(
                part_scores[r.id],
                part_items[r.id],
                models[r.id],
                counts[r.id],
                r.anonymity_threshold,
                frozenset(protected[r.id]),
            )
        parts.append(
            TeamPart(
                team_id=r.team_id,
                team_name=r.team.name,
                round_id=r.id,
                opened_at=r.opened_at,
                closed_at=r.closed_at,
                outcome=outcome,
                model=models[r.id],
                protected=frozenset(k for k in protected[r.id] if k[0] != ITEM),
                protected_items=frozenset(k for k in protected[r.id] if k[0] == ITEM),
            )
        )
    total: Withheld | Disclosed = (
        _disclose(pooled, pooled_items, pooled_model, total_count, threshold)
        if total_count >= threshold
        else Withheld(total_count, threshold)
    )
    return AreaResults(area.id, area.name, threshold, total, pooled_model, parts, without)
