"""The anonymity gate: the one place that decides which results may be shown or exported.

Every screen, chart and export gets team results from here. Below the round's threshold the
answers are not even read: only the count of responses leaves this module. Above it, any single
figure that rests on fewer respondents than the threshold (a condition most people answered
"don't know" to, say) is withheld as well.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from culturetool.domain.model_schema import CultureModel
from culturetool.domain.scoring import GroupScore, ResponseSetScores, score_responses
from culturetool.store.tables import Answer, AssessmentRound, Response


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


def response_count(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count()).where(Response.round_id == round_id)) or 0


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


def _shown(group: GroupScore | None, threshold: int) -> GroupScore | None:
    return group if group is not None and group.respondents >= threshold else None


def round_results(
    session: Session, round_: AssessmentRound, model: CultureModel
) -> Withheld | Disclosed:
    threshold = round_.anonymity_threshold
    count = response_count(session, round_.id)
    if count < threshold:
        return Withheld(responses=count, threshold=threshold)
    scores = score_responses(model, _answers_by_response(session, round_.id))
    confidence = scores.confidence
    if confidence is not None and confidence.respondents < threshold:
        confidence = None
    scores = replace(
        scores,
        conditions=[_shown(g, threshold) for g in scores.conditions],
        acceptance=[_shown(g, threshold) for g in scores.acceptance],
        confidence=confidence,
    )
    return Disclosed(responses=count, threshold=threshold, scores=scores)
