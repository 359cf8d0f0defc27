"""The anonymity gate: the one place that decides which results may be shown or exported.

Every screen, chart and export gets results from here. The rules:

1. A group (a team's round, or an area) with fewer responses than the threshold shows only its
   count of responses. For a team's round the answers are not even read.
2. Any single figure (a condition, an acceptance scale, the confidence pair, a statement) that
   rests on fewer respondents than the threshold is withheld too, e.g. a condition most people
   said "don't know" to.
3. Nothing shown, now or before, may be added and subtracted to single out fewer people than the
   threshold: not an area minus its other teams, not a team's figure now minus the same figure
   before, not a mix of the two. The rule itself is pure (`culturetool.domain.disclosure`); this
   module keeps the disclosure ledger it is checked against (`disclosure_record`): every figure
   shown, to which audience, and the people it rested on. A figure that would break the rule is
   hidden ("protected") or, where its group showed it before, shown as it was then, marked, until
   enough new people have answered.

There are two audiences, each with its own ledger: people who can see area figures (leaders,
the innovation team) and team-only viewers (managers). A leader sees a team's page with the
same figures hidden as on the area page, so no pair of their screens gives a team away; a
manager, who never sees area figures, sees their own team's figures as rules 1 and 2 and the
team's own history allow.

Statements (single questionnaire items, used to say which statement of a weak condition scored
lowest) follow the same rules, as figures of their own, plus one: a condition's (or scale's)
statements are shown all together or not at all, and only where the condition itself is shown
as it is now. Otherwise the condition's figure and its shown statements could give away a hidden
statement that rests on too few people.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from culturetool.domain.disclosure import (
    CONFIDENCE,
    ITEM,
    Basis,
    FigureKey,
    FigureValue,
    RoundFacts,
    Wanted,
    decide,
    figure_values,
    statements_to_show,
    total_then_parts,
)
from culturetool.domain.disclosure import round_to_show as _round_to_show
from culturetool.domain.figure_totals import FigureTotal, add_up, shares
from culturetool.domain.kinds import Audience, GroupKind
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.scoring import (
    ConfidenceGap,
    GroupScore,
    ItemScore,
    ResponseSetScores,
    score_items,
    score_responses,
)
from culturetool.store.repository import model_of_round
from culturetool.store.tables import (
    Answer,
    Area,
    AssessmentRound,
    Comment,
    DisclosureRecord,
    Organisation,
    Response,
    RoundFigure,
)

# A group whose figures are shown: (GroupKind.ROUND, round id) or (GroupKind.AREA, area id).
GroupKey = tuple[GroupKind, int]


@dataclass(frozen=True)
class Withheld:
    """Not enough responses yet: nothing but the count may be shown."""

    responses: int
    threshold: int

    @property
    def still_needed(self) -> int:
        return max(self.threshold - self.responses, 0)


@dataclass(frozen=True)
class AsBefore:
    """A figure shown as it was shown before, because the figure as it is now would let someone
    work out the few people who answered in between."""

    people: int  # the people the value shown rests on
    more_needed: int | None  # people still to answer before it updates, where that is known


@dataclass(frozen=True)
class Disclosed:
    responses: int
    threshold: int
    scores: ResponseSetScores  # figures that may not be shown are None
    protected: frozenset[FigureKey] = frozenset()  # hidden only to stop subtraction (rule 3)
    # Statement id -> score, for the statements that may be shown; the others are absent.
    items: Mapping[str, ItemScore] = field(default_factory=dict)
    # Figures in `scores` that are shown with an earlier value (rule 3).
    as_before: Mapping[FigureKey, AsBefore] = field(default_factory=dict)


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


def _scored(
    model: CultureModel, answers: list[dict[str, int | None]]
) -> tuple[dict[str, ItemScore | None], dict[FigureKey, FigureValue | None]]:
    """Statements' scores, and every figure by key, of a set of responses."""
    items = score_items(model, answers)
    return items, figure_values(score_responses(model, answers), items)


def _people(value: FigureValue | None) -> int:
    return value.respondents if value is not None else 0


def round_figures(session: Session, round_: AssessmentRound) -> dict[str, FigureTotal]:
    """A round's running figures (`round_figure`), as submissions keep them. A round opened
    before they existed has them built here once from its answers, and kept. The build takes
    the round's row lock first (PostgreSQL), so a response being saved is either in the answers
    it reads or added after it, and a second build waits and finds the first one's figures."""
    if round_.figures_responses is None:
        session.refresh(round_, ["figures_responses"], with_for_update=True)
    if round_.figures_responses is None:
        model = model_of_round(session, round_)
        answers = _answers_by_response(session, round_.id)
        built = add_up(shares(model, response) for response in answers)
        session.add_all(
            RoundFigure(
                round_id=round_.id,
                figure=figure,
                respondents=t.respondents,
                answers=t.answers,
                dont_know=t.dont_know,
                total=t.total,
                total_sq=t.total_sq,
            )  # fmt: skip
            for figure, t in built.items()
        )
        round_.figures_responses = len(answers)
        session.flush()
        return built
    rows = session.execute(
        select(
            RoundFigure.figure,
            RoundFigure.respondents,
            RoundFigure.answers,
            RoundFigure.dont_know,
            RoundFigure.total,
            RoundFigure.total_sq,
        ).where(RoundFigure.round_id == round_.id)  # fmt: skip
    )
    return {figure: FigureTotal(*numbers) for figure, *numbers in rows}


# ---- the ledger -----------------------------------------------------------------------------


def _figure_text(key: FigureKey) -> str:
    return f"{key[0]}:{key[1]}"


def _basis_text(basis: Basis) -> str:
    return json.dumps({str(r): n for r, n in sorted(basis.items()) if n}, separators=(",", ":"))


def _value_from(kind: str, text: str) -> FigureValue:
    data = json.loads(text)
    if kind == CONFIDENCE[0]:
        return ConfidenceGap(**data)
    if kind == ITEM:
        return ItemScore(**data)
    return GroupScore(**data)


@dataclass(frozen=True)
class _Shown:
    id: int
    group: GroupKey
    basis: dict[int, int]
    value_text: str


class _Ledger:
    """What one audience was shown of one area's groups, loaded once per look."""

    def __init__(self, session: Session, area: Area, audience: Audience) -> None:
        self.session, self.area, self.audience = session, area, audience
        # Decisions for one area are taken one at a time, so two people looking at once cannot
        # each be shown a figure that is safe alone and unsafe together (PostgreSQL; SQLite
        # has one writer anyway).
        session.execute(select(Area.id).where(Area.id == area.id).with_for_update())
        self._by_figure: dict[str, list[_Shown]] = defaultdict(list)
        rows = session.execute(
            select(
                DisclosureRecord.id,
                DisclosureRecord.group_kind,
                DisclosureRecord.group_id,
                DisclosureRecord.figure,
                DisclosureRecord.basis,
                DisclosureRecord.shown,
            ).where(
                DisclosureRecord.area_id == area.id, DisclosureRecord.audience == audience.value
            )
        )
        for id_, kind, group_id, figure, basis, shown in rows:
            parsed = {int(r): n for r, n in json.loads(basis).items()}
            self._by_figure[figure].append(_Shown(id_, (GroupKind(kind), group_id), parsed, shown))

    def shown_before(self, key: FigureKey) -> list[tuple[GroupKey, Basis]]:
        return [(row.group, row.basis) for row in self._by_figure.get(_figure_text(key), [])]

    def last_shown(self, group: GroupKey, key: FigureKey) -> FigureValue | None:
        rows = [row for row in self._by_figure.get(_figure_text(key), []) if row.group == group]
        if not rows:
            return None
        return _value_from(key[0], max(rows, key=lambda row: row.id).value_text)

    def remember(self, group: GroupKey, key: FigureKey, basis: Basis, value: FigureValue) -> None:
        record = DisclosureRecord(
            organisation_id=self.area.organisation_id,
            area_id=self.area.id,
            audience=self.audience.value,
            group_kind=group[0].value,
            group_id=group[1],
            figure=_figure_text(key),
            basis=_basis_text(basis),
            shown=json.dumps(asdict(value), separators=(",", ":")),
        )
        self.session.add(record)
        self._by_figure[record.figure].append(_Shown(-1, group, dict(basis), record.shown))


@dataclass(frozen=True)
class _Candidate(Wanted[GroupKey]):
    """A figure that would be shown, with its value."""

    value: FigureValue


@dataclass
class _Verdicts:
    """Per group: figures shown as they are now, shown as before, hidden to protect others."""

    current: dict[GroupKey, dict[FigureKey, FigureValue]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    earlier: dict[GroupKey, dict[FigureKey, tuple[FigureValue, AsBefore]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    protected: dict[GroupKey, set[FigureKey]] = field(default_factory=lambda: defaultdict(set))
    new_bases: dict[tuple[GroupKey, FigureKey], Basis] = field(default_factory=dict)


def _judge(ledger: _Ledger, candidates: Mapping[FigureKey, Sequence[_Candidate]]) -> _Verdicts:
    verdicts = _Verdicts()
    for key, options in candidates.items():
        decision = decide(ledger.shown_before(key), options)
        for option in options:
            if option.key in decision.shown:
                verdicts.current[option.key][key] = option.value
                if option.key in decision.newly_shown:
                    verdicts.new_bases[option.key, key] = option.basis
                continue
            earlier = ledger.last_shown(option.key, key)
            if earlier is None:
                verdicts.protected[option.key].add(key)
            else:
                refusal = decision.refused[option.key]
                verdicts.earlier[option.key][key] = (
                    earlier,
                    AsBefore(people=_people(earlier), more_needed=refusal.more_needed),
                )
    return verdicts


def _outcome(
    group: GroupKey,
    verdicts: _Verdicts,
    ledger: _Ledger,
    model: CultureModel,
    all_items: Mapping[str, object],
    responses: int,
    threshold: int,
) -> Disclosed:
    """One group's figures as they may be shown; remembers in the ledger what is newly shown."""
    current = verdicts.current.get(group, {})
    earlier = verdicts.earlier.get(group, {})

    def value(key: FigureKey) -> FigureValue | None:
        if key in current:
            return current[key]
        return earlier[key][0] if key in earlier else None

    def group_score(key: FigureKey) -> GroupScore | None:
        shown = value(key)
        assert shown is None or isinstance(shown, GroupScore), key
        return shown

    confidence = value(CONFIDENCE)
    assert confidence is None or isinstance(confidence, ConfidenceGap)
    scores = ResponseSetScores(
        responses=responses,
        conditions={c.id: group_score(("condition", c.id)) for c in model.conditions},
        acceptance={
            s.id: group_score(("acceptance", s.id)) for s in model.questionnaire.acceptance_scales
        },
        confidence=confidence,
    )
    items = statements_to_show(model, current, all_items)
    for (remembered_group, key), basis in verdicts.new_bases.items():
        if remembered_group != group or (key[0] == ITEM and key[1] not in items):
            continue
        ledger.remember(group, key, basis, current[key])
    return Disclosed(
        responses=responses,
        threshold=threshold,
        scores=scores,
        protected=frozenset(verdicts.protected.get(group, set())),
        items=items,
        as_before={key: info for key, (_, info) in earlier.items() if key[0] != ITEM},
    )


def round_results(
    session: Session,
    round_: AssessmentRound,
    model: CultureModel,
    *,
    viewer_sees_area_figures: bool = False,
) -> Withheld | Disclosed:
    """A round's results as a person may see them, remembered in the ledger.

    `viewer_sees_area_figures`: the person can also see the area's pooled figures. If this round
    is the one its team counts with in the area, its figures are exactly those of the area
    page; otherwise they are judged against what that audience saw before.
    """
    threshold = round_.anonymity_threshold
    count = response_count(session, round_.id)
    if count < threshold:
        return Withheld(responses=count, threshold=threshold)
    area = round_.team.area
    if viewer_sees_area_figures:
        pooled = area_results(session, area)
        part = next((p for p in pooled.parts if p.round_id == round_.id), None)
        if part is not None:
            return part.outcome
    audience = Audience.AREA if viewer_sees_area_figures else Audience.TEAM
    ledger = _Ledger(session, area, audience)
    items, values = _scored(model, _answers_by_response(session, round_.id))
    group: GroupKey = (GroupKind.ROUND, round_.id)
    candidates = {
        key: [_Candidate(group, {round_.id: value.respondents}, threshold, value)]
        for key, value in values.items()
        if value is not None and value.respondents >= threshold
    }
    verdicts = _judge(ledger, candidates)
    return _outcome(group, verdicts, ledger, model, items, count, threshold)


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
    """The round a team counts with (see `domain.disclosure.round_to_show`)."""
    facts = [RoundFacts(r.id, r.opened_at, r.anonymity_threshold) for r in rounds]
    chosen = _round_to_show(facts, counts)
    return next((r for r in rounds if r.id == chosen), None)


def area_results(session: Session, area: Area) -> AreaResults:
    """The area's pooled figures and each team's, as people who see area figures may see them,
    remembered in their ledger.

    Each team counts with one round (see `round_to_show`). The total is scored with the model
    of the most recent of those rounds; answers to statements it no longer has are left out.
    The threshold is the highest of the organisation's and those rounds' thresholds. The total
    is judged first, then the teams from the largest down, so that the figures hidden to stop
    subtraction are the smallest teams'.
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
    scored = {r.id: _scored(models[r.id], answers[r.id]) for r in chosen}
    part_items = {round_id: items for round_id, (items, _) in scored.items()}
    part_values = {round_id: values for round_id, (_, values) in scored.items()}
    # How many of each round's people the pooled figures rest on, scored as the pool is.
    pooled_by_round = {
        r.id: part_values[r.id]
        if models[r.id] is pooled_model
        else _scored(pooled_model, answers[r.id])[1]
        for r in chosen
    }
    pooled_items, pooled = _scored(pooled_model, [a for r in chosen for a in answers[r.id]])

    area_group: GroupKey = (GroupKind.AREA, area.id)
    candidates: dict[FigureKey, list[_Candidate]] = {}
    for key in {key for values in [pooled, *part_values.values()] for key in values}:
        area_figure = None
        value = pooled.get(key)
        if total_count >= threshold and value is not None and value.respondents >= threshold:
            basis = {r.id: _people(pooled_by_round[r.id].get(key)) for r in chosen}
            area_figure = _Candidate(area_group, basis, threshold, value)
        team_figures = [
            _Candidate(
                (GroupKind.ROUND, r.id), {r.id: value.respondents}, r.anonymity_threshold, value
            )
            for r in sorted(chosen, key=lambda r: r.id)
            if counts[r.id] >= r.anonymity_threshold
            and (value := part_values[r.id].get(key)) is not None
            and value.respondents >= r.anonymity_threshold
        ]
        candidates[key] = total_then_parts(area_figure, team_figures)

    ledger = _Ledger(session, area, Audience.AREA)
    verdicts = _judge(ledger, candidates)
    parts = []
    for r in chosen:
        outcome: Withheld | Disclosed
        if counts[r.id] < r.anonymity_threshold:
            outcome = Withheld(counts[r.id], r.anonymity_threshold)
        else:
            outcome = _outcome(
                (GroupKind.ROUND, r.id), verdicts, ledger, models[r.id], part_items[r.id],
                counts[r.id], r.anonymity_threshold,
            )  # fmt: skip
        hidden = verdicts.protected.get((GroupKind.ROUND, r.id), set())
        parts.append(
            TeamPart(
                team_id=r.team_id,
                team_name=r.team.name,
                round_id=r.id,
                opened_at=r.opened_at,
                closed_at=r.closed_at,
                outcome=outcome,
                model=models[r.id],
                protected=frozenset(k for k in hidden if k[0] != ITEM),
                protected_items=frozenset(k for k in hidden if k[0] == ITEM),
            )
        )
    total: Withheld | Disclosed = (
        _outcome(area_group, verdicts, ledger, pooled_model, pooled_items, total_count, threshold)
        if total_count >= threshold
        else Withheld(total_count, threshold)
    )
    return AreaResults(area.id, area.name, threshold, total, pooled_model, parts, without)
